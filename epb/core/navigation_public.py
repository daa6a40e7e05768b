"""Links of the public portal; a service not built yet is listed without a link."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

PUBLIC_SERVICES = (
    ("complaints:public_new", _("环境投诉举报"), _("12369 网上投诉，可匿名，提交后获得查询码")),
    ("complaints:public_track", _("办理进度查询"), _("凭查询码查看受理、办理和答复情况")),
    ("complaints:public_list", _("答复公开"), _("已办结投诉的公开答复")),
    ("complaints:public_supervision", _("挂牌督办公告"), _("挂牌督办的环境问题及整改进展")),
    ("quality:public", _("环境质量"), _("空气质量指数、地表水断面水质、声环境")),
    ("enterprises:public_list", _("企业环境信息"), _("重点排污单位、监管信息公开")),
    ("credit:public", _("企业环境信用"), _("企业环境行为等级评定结果")),
    ("participation:polls", _("网上民调"), _("参与民意调查")),
    ("participation:suggestions", _("网上建议"), _("每条建议都有公开答复")),
)


def public_links() -> list[dict[str, object]]:
    links: list[dict[str, object]] = []
    for url_name, label, hint in PUBLIC_SERVICES:
        try:
            url: str | None = reverse(url_name)
        except NoReverseMatch:
            url = None
        links.append({"label": label, "hint": hint, "url": url})
    return links
