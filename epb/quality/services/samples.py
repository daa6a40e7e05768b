"""Manual entry of water results and their validity (审核): audited one by one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.models import User
from epb.lib.timeutil import require_aware
from epb.quality import conf
from epb.quality.choices import Period, Source
from epb.quality.importing import canonical_value
from epb.quality.items import item as find_item
from epb.quality.models import AirSample, NoiseSample, WaterSample, WaterSite
from epb.quality.services.access import is_bureau_staff, require

Sample = WaterSample | AirSample | NoiseSample


def clean_values(kind: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Values as stored, each checked like a sheet cell; errors name the item."""
    limits = conf.detection_limits()
    out: dict[str, str] = {}
    errors: dict[str, str] = {}
    for code, raw in values.items():
        try:
            item = find_item(kind, code)
            value = canonical_value(raw, item, factor=Decimal(1), detection_limit=limits.get(code))
        except ValueError as exc:
            errors[code] = str(exc)
            continue
        if value is not None:
            out[code] = value
    if errors:
        raise ValidationError({"values": [f"{code}：{reason}" for code, reason in errors.items()]})
    if not out:
        raise ValidationError({"values": _("没有任何监测值")})
    return out


def record_water_sample(
    *,
    actor: User | None,
    site: WaterSite,
    sampled_at: datetime,
    values: Mapping[str, Any],
    period: str = Period.SAMPLE,
    source: str = Source.MANUAL,
    source_ref: str = "",
    note: str = "",
) -> WaterSample:
    """One result entered by hand (or by a station pull), checked against the thresholds at once."""
    if actor is not None:
        require(is_bureau_staff(actor) and WaterSite.objects.visible_to(actor).filter(pk=site.pk).exists())
    require_aware(sampled_at, "sampled_at")
    cleaned = clean_values("water", values)
    from epb.quality.services.warnings import check_sample

    with transaction.atomic():
        existing = WaterSample.objects.filter(
            site=site, sampled_at=sampled_at, period=period, source=source
        ).first()
        if existing is None:
            sample = audit.create(
                WaterSample,
                actor=actor,
                site=site,
                sampled_at=sampled_at,
                period=period,
                source=source,
                source_ref=source_ref,
                values=cleaned,
                note=note,
            )
        else:
            sample = audit.update(existing, actor=actor, values=cleaned, source_ref=source_ref, note=note)
        check_sample(sample)
    return sample


def set_validity(sample: Sample, *, actor: User, valid: bool, note: str) -> Sample:
    """Mark a result valid or invalid (e.g. a failed instrument check); the reason is required."""
    require(is_bureau_staff(actor))
    if not note.strip():
        raise ValidationError({"note": _("请填写原因")})
    action = f"quality.{sample._meta.model_name}.{'validated' if valid else 'invalidated'}"
    return audit.update(sample, actor=actor, action=action, is_valid=valid, note=note.strip()[:300])
