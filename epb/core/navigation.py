"""The staff UI's navigation: every system of the plan (S1–S18), grouped as the plan groups them.

An entry links to its module when the module's URL exists; otherwise it is shown as
"建设中" (being built) rather than as a link that breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Who an entry is for: every user of the staff UI (bureau staff and enterprises), the bureau's
#: own staff, or leadership. An entry is shown only to those its page lets in.
STAFF_UI, BUREAU, LEADERSHIP = "staff_ui", "bureau", "leadership"


@dataclass(frozen=True)
class NavItem:
    system: str  # S1 … S18 of the design
    label: str | Promise
    url_name: str
    hint: str | Promise = ""
    audience: str = BUREAU

    def offered_to(self, user: Any) -> bool:
        if self.audience == LEADERSHIP:
            return bool(getattr(user, "is_leadership", False))
        if self.audience == BUREAU:
            return bool(getattr(user, "is_staff_member", False))
        return True

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavGroup, ...] = (
    NavGroup(
        _("环境质量"),
        (
            NavItem(
                "S1",
                _("“1190”目标任务"),
                "quality:board",
                _("饮用水源地、太湖考核断面、入湖河道、噪声功能区、减排"),
            ),
            NavItem(
                "S8",
                _("预警常态化"),
                "quality:warnings",
                _("水源地日查日报、清水河道一日一报、一周一告、一月一评"),
            ),
        ),
    ),
    NavGroup(
        _("铁腕治污"),
        (
            NavItem(
                "S5",
                _("污染源监控中心"),
                "monitoring:centre",
                _("HJ 212 在线监控、报警、数据有效性"),
                audience=STAFF_UI,
            ),
            NavItem("S2", _("五大专项行动"), "enforcement:campaigns"),
            NavItem(
                "S3",
                _("网格化管理"),
                "enforcement:grid",
                _("以乡镇、街道为网格单元的现场执法检查与达标率通报"),
            ),
            NavItem(
                "S4", _("精细化管理"), "enforcement:plans", _("年度监察计划、检查准备、现场检查、人员考核")
            ),
            NavItem("S6", _("一体化联动"), "enforcement:tasks", _("重点源与一般源、夜间节假日与飞行检查")),
            NavItem(
                "S7",
                _("多元化手段"),
                "enforcement:measures",
                _("限、吊、停、封、关、抓；后督查；环保代表"),
                audience=STAFF_UI,
            ),
        ),
    ),
    NavGroup(
        _("服务发展"),
        (
            NavItem("S9", _("环保直通车"), "permits:index", _("绿色通道、服务跟踪卡、窗口直接办结率")),
            NavItem("S10", _("环保技术超市"), "catalog:index"),
            NavItem("S11", _("大走访“五进五送”"), "catalog:visits"),
        ),
    ),
    NavGroup(
        _("化解矛盾纠纷"),
        (
            NavItem("S13", _("12369环境信访"), "complaints:index", _("24小时受理、属地办理、回访")),
            NavItem("S12", _("领导接访与包案"), "complaints:reception"),
            NavItem("S14", _("分析研判"), "complaints:analysis", _("热点、周报、月报、敏感时期日报")),
            NavItem("S15", _("挂牌督办"), "complaints:supervision"),
        ),
    ),
    NavGroup(
        _("勤廉团队"),
        (
            NavItem("S16", _("学习型机关与制度建设"), "performance:team"),
            NavItem(
                "S17", _("多渠道监督"), "participation:index", _("网上民调、网上建议、网上投诉，件件有答复")
            ),
            NavItem("S18", _("组织领导与考核"), "performance:index"),
        ),
    ),
    NavGroup(
        _("基础"),
        (
            NavItem("", _("污染源档案"), "enterprises:list", audience=STAFF_UI),
            NavItem("", _("审计日志"), "core:audit", audience=LEADERSHIP),
            NavItem("", _("节假日与工作日"), "core:holidays", audience=STAFF_UI),
        ),
    ),
)


def navigation(user: Any = None) -> list[dict[str, object]]:
    """The groups and entries ``user`` may open (all of them when no user is given)."""
    groups: list[dict[str, object]] = []
    for group in NAVIGATION:
        items: list[dict[str, object]] = [
            {"item": item, "url": item.url()} for item in group.items if user is None or item.offered_to(user)
        ]
        if items:
            groups.append({"label": group.label, "items": items})
    return groups
