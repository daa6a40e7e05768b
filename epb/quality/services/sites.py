"""Writes of sites, targets, quotas and thresholds: audited, with clear errors."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.models import User
from epb.quality.choices import TargetKind
from epb.quality.items import items_of
from epb.quality.models import ReductionQuota, Target, Threshold, WaterBody, WaterSite
from epb.quality.services.access import is_bureau_staff, is_citywide, require

M = TypeVar("M", bound=models.Model)


def _save(model: type[M], instance: M | None, actor: User | None, fields: dict[str, Any]) -> M:
    if instance is None:
        return audit.create(model, actor=actor, **fields)
    return audit.update(instance, actor=actor, **fields)


def _check_place(actor: User | None, org_unit: Any) -> None:
    """A site may be placed only where its editor has jurisdiction (actor None: the system)."""
    if actor is None or is_citywide(actor):
        return
    require(is_bureau_staff(actor))
    require(
        org_unit is not None and actor.org_unit is not None and org_unit.path.startswith(actor.org_unit.path),
        _("只能在本辖区内设置监测点位"),
    )


def save_water_body(*, actor: User | None, instance: WaterBody | None = None, **fields: Any) -> WaterBody:
    if actor is not None:
        require(is_citywide(actor), _("只有市局工作人员可以维护水体"))
    return _save(WaterBody, instance, actor, fields)


def save_site(
    model: type[M],
    *,
    actor: User | None,
    instance: M | None = None,
    owners: Iterable[User] | None = None,
    **fields: Any,
) -> M:
    """Create or change a water site, air station or noise point, placed in the org tree."""
    _check_place(actor, fields.get("org_unit", getattr(instance, "org_unit", None)))
    if instance is not None:
        _check_place(actor, instance.org_unit)  # type: ignore[attr-defined]
    with transaction.atomic():
        site = _save(model, instance, actor, fields)
        if owners is not None and isinstance(site, WaterSite):
            before = sorted(site.owners.values_list("pk", flat=True))
            site.owners.set(list(owners))
            after = sorted(site.owners.values_list("pk", flat=True))
            if before != after:
                audit.log(
                    "quality.watersite.owners_changed",
                    site,
                    actor=actor,
                    before={"owners": before},
                    after={"owners": after},
                )
    return site


def _check_target(kind: str, fields: dict[str, Any]) -> None:
    required = fields.get("required")
    if required is not None and Decimal(required) < 0:
        raise ValidationError({"required": _("目标值不能为负")})
    if kind in (TargetKind.DRINKING, TargetKind.NOISE, TargetKind.REDUCTION) and required is not None:
        if Decimal(required) > 100:
            raise ValidationError({"required": _("达标率、完成率不能超过100%")})
    threshold = fields.get("threshold")
    if kind == TargetKind.TAIHU_IMPROVE and threshold is not None and Decimal(threshold) <= 0:
        raise ValidationError({"threshold": _("改善幅度须大于0")})
    items = fields.get("items") or []
    known = {i.code for i in items_of("water")}
    unknown = [code for code in items if code not in known]
    if unknown:
        raise ValidationError({"items": _("未知的指标：%(codes)s") % {"codes": "、".join(unknown)}})


def save_target(
    *,
    actor: User | None,
    instance: Target | None = None,
    sites: Iterable[WaterSite] | None = None,
    water_bodies: Iterable[WaterBody] | None = None,
    **fields: Any,
) -> Target:
    if actor is not None:
        require(is_citywide(actor), _("只有局领导和市局处室可以设定目标任务"))
    _check_target(fields.get("kind", getattr(instance, "kind", "")), fields)
    with transaction.atomic():
        target = _save(Target, instance, actor, fields)
        changes: dict[str, list[list[int]]] = {}
        for name, chosen in (("sites", sites), ("water_bodies", water_bodies)):
            if chosen is None:
                continue
            manager = getattr(target, name)
            before = sorted(manager.values_list("pk", flat=True))
            manager.set(list(chosen))
            after = sorted(manager.values_list("pk", flat=True))
            if before != after:
                changes[name] = [before, after]
        if changes:
            audit.log(
                "quality.target.scope_changed",
                target,
                actor=actor,
                before={k: v[0] for k, v in changes.items()},
                after={k: v[1] for k, v in changes.items()},
            )
    return target


def save_quota(
    *, actor: User | None, instance: ReductionQuota | None = None, **fields: Any
) -> ReductionQuota:
    if actor is not None:
        require(is_citywide(actor), _("只有局领导和市局处室可以维护减排任务"))
    for name in ("quota", "achieved"):
        if name in fields and fields[name] is not None and Decimal(fields[name]) < 0:
            raise ValidationError({name: _("不能为负")})
    if "quota" in fields and Decimal(fields["quota"]) == 0:
        raise ValidationError({"quota": _("减排任务须大于0")})
    return _save(ReductionQuota, instance, actor, fields)


def record_quota_progress(
    quota: ReductionQuota, *, actor: User | None, month: int, achieved: Any
) -> ReductionQuota:
    """The cumulative reduction achieved by the end of ``month``; the latest month is the figure."""
    if actor is not None:
        require(is_citywide(actor), _("只有局领导和市局处室可以维护减排任务"))
    if not 1 <= int(month) <= 12:
        raise ValidationError({"month": _("月份应为1–12")})
    try:
        amount = Decimal(str(achieved))
    except InvalidOperation:
        raise ValidationError({"achieved": _("不是数值：%(v)s") % {"v": achieved}}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"achieved": _("完成量不能为负")})
    progress = {**quota.progress, str(int(month)): str(amount)}
    latest = progress[max(progress, key=int)]
    return audit.update(
        quota,
        actor=actor,
        action="quality.reductionquota.progress",
        progress=progress,
        achieved=Decimal(latest),
    )


def save_threshold(*, actor: User | None, instance: Threshold | None = None, **fields: Any) -> Threshold:
    site = fields.get("site", getattr(instance, "site", None))
    _check_place(actor, getattr(site, "org_unit", None))
    item = fields.get("item", getattr(instance, "item", ""))
    if item not in {i.code for i in items_of("water")}:
        raise ValidationError({"item": _("未知的指标：%(code)s") % {"code": item}})
    upper = fields.get("upper", getattr(instance, "upper", None))
    lower = fields.get("lower", getattr(instance, "lower", None))
    if upper is None and lower is None:
        raise ValidationError(_("上限和下限至少填写一个"))
    if upper is not None and lower is not None and Decimal(lower) >= Decimal(upper):
        raise ValidationError(_("下限应小于上限"))
    return _save(Threshold, instance, actor, fields)
