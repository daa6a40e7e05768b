"""Imports of monitoring results from sheets: preview with the report of bad rows, then all or
nothing.

``upload_import`` keeps the file as evidence (``epb.core.attachments``) and records a batch with
what the sheet would change and every bad row; ``commit_import`` re-reads the kept file, checks it
again and writes every row in one transaction, with one audit entry for the batch. A batch with
any error imports nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.attachments import attach, attachments_of
from epb.core.models import User
from epb.lib.timeutil import BEIJING
from epb.quality import conf
from epb.quality.choices import DataKind, ImportStatus, Period, Source
from epb.quality.importing import ParsedRow, ParseResult, RowError, SheetError, parse_file
from epb.quality.items import normalise_header
from epb.quality.models import (
    AirSample,
    AirStation,
    ImportBatch,
    NoisePoint,
    NoiseSample,
    WaterSample,
    WaterSite,
)
from epb.quality.services.access import is_bureau_staff, require

_SITES: dict[str, type[models.Model]] = {"water": WaterSite, "air": AirStation, "noise": NoisePoint}
_SITE_WORD = {"water": "断面", "air": "站点", "noise": "监测点"}


@dataclass
class Planned:
    """What one parsed row becomes: the sample's key fields and its values."""

    row: ParsedRow
    site: Any
    key: dict[str, Any]
    values: dict[str, str]


@dataclass
class Plan:
    kind: str
    parsed: ParseResult
    planned: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    replaces: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _resolve_sites(
    kind: str, rows: Sequence[ParsedRow], actor: User
) -> tuple[dict[int, Any], list[RowError]]:
    model = _SITES[kind]
    visible = list(model.objects.visible_to(actor))  # type: ignore[attr-defined]
    by_code = {s.code.casefold(): s for s in visible}
    by_name: dict[str, list[Any]] = {}
    for s in visible:
        by_name.setdefault(normalise_header(s.name), []).append(s)
    word = _SITE_WORD[kind]
    found: dict[int, Any] = {}
    errors: list[RowError] = []
    for row in rows:
        if row.code:
            site = by_code.get(row.code.casefold())
            if site is None:
                errors.append(
                    RowError(
                        row.row,
                        "编码",
                        _("未找到编码为“%(c)s”的%(w)s，或无权导入") % {"c": row.code, "w": word},
                    )
                )
                continue
            if row.name and normalise_header(row.name) != normalise_header(site.name):
                errors.append(
                    RowError(
                        row.row,
                        "名称",
                        _("编码“%(c)s”是“%(n)s”，与名称“%(g)s”不符")
                        % {"c": row.code, "n": site.name, "g": row.name},
                    )
                )
                continue
        else:
            candidates = by_name.get(normalise_header(row.name), [])
            if len(candidates) != 1:
                reason = (
                    _("名称“%(n)s”对应多个%(w)s，请填写编码")
                    if candidates
                    else _("未找到名为“%(n)s”的%(w)s，或无权导入")
                )
                errors.append(RowError(row.row, "名称", reason % {"n": row.name, "w": word}))
                continue
            site = candidates[0]
        if not site.is_active:
            errors.append(RowError(row.row, "", _("%(w)s“%(n)s”已停用") % {"w": word, "n": site.name}))
            continue
        found[row.row] = site
    return found, errors


def _key(kind: str, row: ParsedRow, site: Any) -> dict[str, Any]:
    if kind == "noise":
        return {"point": site, "measured_on": row.day}
    moment = datetime.combine(row.day, row.at or time(0), tzinfo=BEIJING)
    if kind == "water":
        return {"site": site, "sampled_at": moment, "period": Period.MONTH if row.monthly else Period.SAMPLE}
    if row.monthly:
        raise ValueError(_("空气数据须为日期或小时，不能只写月份"))
    return {"station": site, "start": moment, "period": Period.HOUR if row.at is not None else Period.DAY}


_SAMPLES: dict[str, type[models.Model]] = {"water": WaterSample, "air": AirSample, "noise": NoiseSample}


def plan_import(content: bytes, file_name: str, kind: str, actor: User) -> Plan:
    """Parse a file and check every row against the sites the actor may import for."""
    if kind not in _SITES:
        raise ValidationError(_("未知的数据类型：%(k)s") % {"k": kind})
    try:
        parsed = parse_file(content, file_name, kind, detection_limits=conf.detection_limits())
    except SheetError as exc:
        raise ValidationError(str(exc)) from None
    plan = Plan(kind, parsed, errors=list(parsed.errors))
    sites, site_errors = _resolve_sites(kind, parsed.rows, actor)
    plan.errors += site_errors
    first: dict[tuple[Any, ...], int] = {}
    for row in parsed.rows:
        if row.row not in sites:
            continue
        try:
            key = _key(kind, row, sites[row.row])
        except ValueError as exc:
            plan.errors.append(RowError(row.row, "日期", str(exc)))
            continue
        # Rows the sheet tells apart may still be one result: a site by its code and by its
        # name, a code in another case, two times of one day where results are daily.
        identity = _identity(kind, key)
        if identity in first:
            plan.errors.append(
                RowError(
                    row.row,
                    "",
                    _("与第%(n)s行是同一%(w)s、同一时间的结果，重复")
                    % {"n": first[identity], "w": _SITE_WORD[kind]},
                )
            )
            continue
        first[identity] = row.row
        plan.planned.append(Planned(row, sites[row.row], key, dict(row.values)))
    plan.errors.sort(key=lambda e: (e.row, e.column))
    plan.replaces = len(_existing(kind, plan.planned))
    return plan


_TIME = {"water": "sampled_at", "air": "start", "noise": "measured_on"}
_SITE = {"water": "site", "air": "station", "noise": "point"}


def _identity(kind: str, key: dict[str, Any]) -> tuple[Any, ...]:
    time_field = _TIME[kind]
    moment = key[time_field]
    return (
        key[_SITE[kind]].pk,
        moment.timestamp() if isinstance(moment, datetime) else moment,
        key.get("period"),
    )


def _existing(kind: str, planned: Sequence[Planned]) -> dict[tuple[Any, ...], Any]:
    """The imported results the plan would replace, fetched at once (keyed like ``_identity``)."""
    if not planned:
        return {}
    model = _SAMPLES[kind]
    site, time_field = _SITE[kind], _TIME[kind]
    found = model._default_manager.filter(
        source=Source.IMPORT,
        **{
            f"{site}__in": {p.site.pk for p in planned},
            f"{time_field}__in": {p.key[time_field] for p in planned},
        },
    )
    wanted = {_identity(kind, p.key) for p in planned}
    out = {}
    obj: Any
    for obj in found:
        key = {site: getattr(obj, site), time_field: getattr(obj, time_field)}
        if kind != "noise":
            key["period"] = obj.period
        identity = _identity(kind, key)
        if identity in wanted:
            out[identity] = obj
    return out


def _summary(plan: Plan) -> dict[str, Any]:
    days = [p.row.day for p in plan.planned]
    return {
        "sites": len({p.site.pk for p in plan.planned}),
        "first": min(days).isoformat() if days else None,
        "last": max(days).isoformat() if days else None,
        "items": [i.code for i in plan.parsed.items],
        "header_row": plan.parsed.header_row,
    }


def upload_import(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportBatch:
    """Keep the file, check it, and record a batch to confirm (or one that reports what is wrong)."""
    require(is_bureau_staff(actor), _("只有环保局工作人员可以导入监测数据"))
    if kind not in DataKind.values:
        raise ValidationError(_("未知的数据类型：%(k)s") % {"k": kind})
    digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(sha256=digest, kind=kind, status=ImportStatus.COMMITTED).first()
    if earlier is not None:
        raise ValidationError(
            _("该文件已于 %(t)s 导入（批次 %(n)s），不能重复导入")
            % {
                "t": timezone.localtime(earlier.committed_at or earlier.created_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "n": earlier.pk,
            }
        )
    plan = plan_import(content, file_name, kind, actor)
    with transaction.atomic():
        batch = audit.create(
            ImportBatch,
            actor=actor,
            kind=kind,
            status=ImportStatus.PENDING if plan.ok else ImportStatus.REJECTED,
            file_name=file_name[:200],
            sha256=digest,
            size=len(content),
            uploaded_by=actor,
            org_unit=actor.org_unit,
            rows=len(
                {r.row for r in plan.parsed.rows}
                | {e.row for e in plan.errors if e.row > plan.parsed.header_row}
            ),
            replaced=plan.replaces,
            errors=[e.as_dict() for e in plan.errors],
            ignored_columns=plan.parsed.ignored_columns,
            summary=_summary(plan),
        )
        attach(
            batch,
            io.BytesIO(content),
            actor=actor,
            name=file_name,
            org_unit=actor.org_unit,
            note=_("监测数据导入原件"),
        )
    return batch


def commit_import(batch: ImportBatch, *, actor: User) -> ImportBatch:
    """Write every row of a checked batch, or nothing: the kept file is read and checked again."""
    require(is_bureau_staff(actor), _("只有环保局工作人员可以导入监测数据"))
    if batch.status != ImportStatus.PENDING:
        raise ValidationError(_("该批次状态为“%(s)s”，不能导入") % {"s": batch.get_status_display()})
    stored = attachments_of(batch).order_by("pk").first()
    if stored is None:
        raise ValidationError(_("找不到该批次的原始文件"))
    with stored.file.open("rb") as handle:
        content = handle.read()
    plan = plan_import(content, batch.file_name, batch.kind, actor)
    if not plan.ok:
        # The sites or the data changed since the preview: nothing is written, the report is kept.
        audit.update(
            batch, actor=actor, status=ImportStatus.REJECTED, errors=[e.as_dict() for e in plan.errors]
        )
        raise ValidationError(
            _("数据有误，未导入：%(e)s") % {"e": "；".join(str(e) for e in plan.errors[:5])}
        )
    model = _SAMPLES[batch.kind]
    existing = _existing(batch.kind, plan.planned)
    created: list[Any] = []
    replaced: list[Any] = []
    with transaction.atomic():
        with audit.system_writes("quality import: the batch's audit entry lists what it wrote"):
            for p in plan.planned:
                fields = _fields(batch, p)
                found = existing.get(_identity(batch.kind, p.key))
                if found is None:
                    created.append(model(**p.key, **fields))
                else:
                    for name, value in fields.items():
                        setattr(found, name, value)
                    replaced.append(found)
            model._default_manager.bulk_create(created)
            model._default_manager.bulk_update(replaced, ["source", "batch", "values", "is_valid"])
        with audit.tracking(
            batch,
            actor=actor,
            action="quality.importbatch.committed",
            extra={"created": len(created), "replaced": [s.pk for s in replaced]},
        ):
            batch.status = ImportStatus.COMMITTED
            batch.committed_at = timezone.now()
            batch.created = len(created)
            batch.replaced = len(replaced)
            batch.errors = []
            batch.save()
        if batch.kind == DataKind.WATER:
            from epb.quality.services.warnings import check_samples

            ids = list(WaterSample.objects.filter(batch=batch).values_list("pk", flat=True))
            check_samples(ids)
    return batch


def _fields(batch: ImportBatch, planned: Planned) -> dict[str, Any]:
    return {"source": Source.IMPORT, "batch": batch, "values": planned.values, "is_valid": True}


def cancel_import(batch: ImportBatch, *, actor: User) -> ImportBatch:
    require(is_bureau_staff(actor))
    if batch.status != ImportStatus.PENDING:
        raise ValidationError(_("只能取消待确认的批次"))
    return audit.update(
        batch, actor=actor, action="quality.importbatch.cancelled", status=ImportStatus.CANCELLED
    )


def import_results(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportBatch:
    """Upload and, when the sheet is clean, import at once; a sheet with errors imports nothing."""
    batch = upload_import(actor=actor, kind=kind, file_name=file_name, content=content)
    if batch.status == ImportStatus.PENDING:
        batch = commit_import(batch, actor=actor)
    return batch
