"""On-site inspections (S3, S6): the record, its photos and findings, and its submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.attachments import attach, attachments_of
from epb.core.calendar import workday_calendar
from epb.core.models import Attachment, User
from epb.core.notify import notify
from epb.enforcement import conf, rules
from epb.enforcement.choices import (
    CheckResult,
    FindingCategory,
    InspectionStatus,
    Severity,
    TargetStatus,
    TaskKind,
    TaskStatus,
)
from epb.enforcement.models import Finding, Inspection, InspectionTask
from epb.enforcement.services.access import require
from epb.enforcement.services.plans import may_work_on
from epb.lib.timeutil import beijing_date, to_beijing

# Kinds of task whose results are published ("双随机、一公开").
PUBLISHED_KINDS = (TaskKind.RANDOM, TaskKind.SPECIAL)


def _editable(inspection: Inspection, actor: User | None) -> None:
    if actor is not None:
        require(may_work_on(actor, inspection.task), _("只有本任务的执法人员可以填写检查记录"))
    if inspection.status != InspectionStatus.DRAFT:
        raise ValidationError(_("检查记录已提交，不能再修改"))


def start_inspection(task: InspectionTask, *, actor: User | None) -> Inspection:
    """Open the on-site record of a task (once); the crew are its officers."""
    if actor is not None:
        require(may_work_on(actor, task), _("只有本任务的执法人员可以开始检查"))
    existing = Inspection.objects.filter(task=task).first()
    if existing is not None:
        return existing
    if task.status == TaskStatus.CANCELLED:
        raise ValidationError(_("任务已取消"))
    with transaction.atomic():
        inspection = audit.create(
            Inspection,
            actor=actor,
            task=task,
            enterprise=task.enterprise,
            grid=task.grid,
            surprise=task.surprise,
        )
        inspection.officers.set([task.owner_id, *task.co_officers.values_list("pk", flat=True)])
        audit.update(
            task, actor=actor, action="enforcement.inspectiontask.started", status=TaskStatus.IN_PROGRESS
        )
    return inspection


def record_location(
    inspection: Inspection,
    *,
    actor: User | None,
    latitude: float,
    longitude: float,
    accuracy_m: float | None = None,
) -> Inspection:
    """Where the officer stands, from the phone's geolocation (WGS-84)."""
    _editable(inspection, actor)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("经纬度超出范围"))
    if accuracy_m is not None and not 0 <= accuracy_m <= 100000:
        raise ValidationError(_("定位精度无效"))
    return audit.update(
        inspection,
        actor=actor,
        action="enforcement.inspection.located",
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        located_at=timezone.now(),
    )


def save_record(
    inspection: Inspection,
    *,
    actor: User | None,
    checklist: dict[str, dict[str, str]] | None = None,
    summary: str | None = None,
    present_person: str | None = None,
) -> Inspection:
    """Save the checklist (the plan's five items), the account and who was present."""
    _editable(inspection, actor)
    changes: dict[str, Any] = {}
    if checklist is not None:
        allowed = set(CheckResult.values)
        merged = dict(inspection.checklist or {})
        for item, entry in checklist.items():
            if item not in rules.CHECKLIST:
                raise ValidationError(_("没有这项检查内容：%(item)s") % {"item": item})
            result = entry.get("result", "")
            if result not in allowed:
                raise ValidationError(_("检查结论无效：%(value)s") % {"value": result})
            merged[item] = {"result": result, "note": str(entry.get("note", "")).strip()[:1000]}
        changes["checklist"] = merged
    if summary is not None:
        changes["summary"] = summary.strip()
    if present_person is not None:
        changes["present_person"] = present_person.strip()[:100]
    if not changes:
        return inspection
    return audit.update(inspection, actor=actor, action="enforcement.inspection.recorded", **changes)


def add_photo(
    inspection: Inspection,
    upload: IO[bytes],
    *,
    actor: User | None,
    name: str,
    taken_at: dt.datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    note: str = "",
) -> Attachment:
    """A photo with time and place, kept as evidence (never overwritten)."""
    _editable(inspection, actor)
    head = upload.read(16)
    upload.seek(0)
    if not is_image(head):
        raise ValidationError(_("请上传照片（JPEG、PNG、GIF、WebP 或 HEIC）"))
    if latitude is None and longitude is None and inspection.has_location:
        latitude, longitude = inspection.latitude, inspection.longitude
    return attach(
        inspection,
        upload,
        actor=actor,
        name=name,
        taken_at=taken_at or timezone.now(),
        latitude=latitude,
        longitude=longitude,
        note=note,
        org_unit=inspection.grid,
    )


def is_image(head: bytes) -> bool:
    """The first bytes of a photo as phones produce them."""
    return (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc")
    )


def add_finding(
    inspection: Inspection,
    *,
    actor: User | None,
    category: str,
    description: str,
    severity: str = Severity.GENERAL,
    legal_basis: str = "",
    is_violation: bool = False,
    pollutant: str = "",
    exceedance_multiple: Decimal | None = None,
) -> Finding:
    _editable(inspection, actor)
    if category not in FindingCategory.values:
        raise ValidationError({"category": _("问题类别无效")})
    if not description.strip():
        raise ValidationError({"description": _("请描述发现的问题")})
    if is_violation and not legal_basis.strip():
        raise ValidationError({"legal_basis": _("构成违法的问题须写明违反的规定")})
    if exceedance_multiple is not None and exceedance_multiple < 0:
        raise ValidationError({"exceedance_multiple": _("超标倍数不能为负")})
    return audit.create(
        Finding,
        actor=actor,
        inspection=inspection,
        category=category,
        description=description.strip(),
        severity=severity,
        legal_basis=legal_basis.strip(),
        is_violation=is_violation,
        pollutant=pollutant.strip(),
        exceedance_multiple=exceedance_multiple,
    )


def remove_finding(finding: Finding, *, actor: User | None) -> None:
    _editable(finding.inspection, actor)
    audit.delete(finding, actor=actor)


def missing_for_submission(inspection: Inspection) -> list[str]:
    """What keeps a record from being submitted, in words for the officer."""
    problems: list[str] = []
    labels = dict(FindingCategory.choices)
    categories = set(inspection.findings.values_list("category", flat=True))
    for item in rules.CHECKLIST:
        result = inspection.result_of(item)
        if not result:
            problems.append(_("“%(item)s”尚未填写检查结论") % {"item": labels[item]})
        elif result == CheckResult.NON_COMPLIANT and item not in categories:
            problems.append(_("“%(item)s”不符合，请记录发现的问题") % {"item": labels[item]})
    return problems


def submit_inspection(
    inspection: Inspection, *, actor: User | None, at: dt.datetime | None = None
) -> Inspection:
    """Close the record: derive night and holiday from when it happened, finish the task, publish
    random-draw results, tell the enterprise, and open a case review for any violation (the
    7-working-day clock to decide on opening a case starts now)."""
    _editable(inspection, actor)
    problems = missing_for_submission(inspection)
    if problems:
        raise ValidationError(problems)
    at = at or timezone.now()
    started = to_beijing(inspection.started_at)
    night = rules.is_night(started.time(), conf.night_hours()) or rules.is_night(
        to_beijing(at).time(), conf.night_hours()
    )
    holiday = not workday_calendar().is_workday(beijing_date(inspection.started_at))
    task = inspection.task
    violations = list(inspection.findings.filter(is_violation=True))
    with transaction.atomic():
        audit.update(
            inspection,
            actor=actor,
            action="enforcement.inspection.submitted",
            status=InspectionStatus.SUBMITTED,
            submitted_at=at,
            night=night,
            holiday=holiday,
            is_public=task.kind in PUBLISHED_KINDS,
        )
        audit.update(
            task,
            actor=actor,
            action="enforcement.inspectiontask.done",
            status=TaskStatus.DONE,
            completed_at=at,
        )
        if task.campaign_target_id:
            target = task.campaign_target
            assert target is not None
            found = inspection.findings.exists()
            audit.update(
                target,
                actor=actor,
                action="enforcement.campaigntarget.checked",
                status=TargetStatus.PROBLEM if found else TargetStatus.CHECKED,
                last_checked_at=at,
            )
        if inspection.enterprise is not None:
            notify(
                list(inspection.enterprise.members.filter(is_active=True)),
                kind="enforcement.inspection_result",
                title=_("现场检查结果：%(name)s") % {"name": inspection.enterprise.name},
                body=_("发现问题 %(n)d 项。") % {"n": inspection.findings.count()},
                url=inspection.get_absolute_url(),
                subject=inspection,
            )
        if violations:
            from epb.enforcement.services.cases import register_case

            register_case(
                actor=actor,
                title=_("现场检查发现违法行为：%(name)s")
                % {"name": inspection.enterprise.name if inspection.enterprise else task.title},
                grid=inspection.grid,
                handler=task.owner,
                enterprise=inspection.enterprise,
                facts="\n".join(f.description for f in violations),
                source=inspection,
                source_label=_("现场检查 %(date)s") % {"date": started.date()},
                findings=violations,
                at=at,
            )
    return inspection


def photos_of(inspection: Inspection) -> list[Attachment]:
    return list(attachments_of(inspection).filter(mime_type__startswith="image/"))
