"""Cases and measures (S7): 立案 with its 7-working-day clock; 限、吊、停、封、关、抓 with their clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epb.core import audit
from epb.core.attachments import attach
from epb.core.clocks import (
    clocks_of,
    extend_clock,
    open_clock,
    pause_clock,
    resume_clock,
    start_clock,
    stop_clock,
)
from epb.core.models import Clock, OrgUnit, User
from epb.core.notify import notify
from epb.enforcement import conf, rules
from epb.enforcement.choices import CaseStatus, EvidenceKind, MeasureKind, MeasureStatus
from epb.enforcement.models import Case, Evidence, Finding, Measure
from epb.enforcement.services.access import covers, is_enterprise_member, is_manager, is_officer, require
from epb.enterprises.choices import EnterpriseStatus, LicenceStatus
from epb.enterprises.models import Enterprise, Licence
from epb.lib.workdays import ClockError, ExtensionCapError

CASE_OPENING = "enforcement.case_opening"
CASE_CONCLUSION = "enforcement.case_conclusion"


def _start(
    subject: models.Model,
    name: str,
    *,
    actor: User | None,
    grid: OrgUnit,
    owner: User,
    at: dt.datetime,
    label: str,
) -> Clock:
    return start_clock(
        subject, conf.clock_spec(name), actor=actor, label=label, org_unit=grid, owner=owner, at=at
    )


def _stop(
    subject: models.Model, name: str, *, actor: User | None, at: dt.datetime | None = None
) -> Clock | None:
    clock = open_clock(subject, name)
    if clock is None:
        return None
    try:
        return stop_clock(clock, actor=actor, at=at)
    except ClockError as exc:
        raise ValidationError(str(exc)) from None


# -- cases ----------------------------------------------------------------------------------


def register_case(
    *,
    actor: User | None,
    title: str,
    grid: OrgUnit,
    handler: User,
    enterprise: Enterprise | None = None,
    party_name: str = "",
    facts: str = "",
    source: models.Model | None = None,
    source_label: str = "",
    findings: Iterable[Finding] = (),
    at: dt.datetime | None = None,
) -> Case:
    """A case lead under review; the bureau decides within 7 working days whether to open it
    (《环境行政处罚办法》(2010) art. 22). ``source`` may be a record of any app (a finding, an
    inspection, a monitoring alarm, a complaint)."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, grid), _("无权在该辖区登记案件"))
    if not is_officer(handler) or not covers(handler, grid):
        raise ValidationError({"handler": _("承办人须为该辖区的执法人员")})
    at = at or timezone.now()
    with transaction.atomic():
        case = audit.create(
            Case,
            actor=actor,
            title=title[:200],
            grid=grid,
            handler=handler,
            enterprise=enterprise,
            party_name=party_name or (enterprise.name if enterprise else ""),
            facts=facts,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
            source_label=(source_label or (str(source) if source is not None else ""))[:200],
            registered_at=at,
        )
        case.findings.set(list(findings))
        _start(
            case,
            CASE_OPENING,
            actor=actor,
            grid=grid,
            owner=handler,
            at=at,
            label=_("立案审查：%(t)s") % {"t": case.title},
        )
        notify(
            [handler],
            kind="enforcement.case_review",
            title=_("待立案审查：%(t)s") % {"t": case.title},
            url=case.get_absolute_url(),
            subject=case,
        )
    return case


def decide_case(
    case: Case,
    *,
    actor: User | None,
    open_case: bool,
    note: str,
    number: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Open the case (立案) or decline it; stops the opening clock, starts the conclusion clock."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, case.grid), _("只有辖区环保局可以作出立案决定"))
    if case.status != CaseStatus.REVIEW:
        raise ValidationError(_("该案件已作出立案决定"))
    if not note.strip():
        raise ValidationError(_("请填写审查意见"))
    at = at or timezone.now()
    with transaction.atomic():
        _stop(case, CASE_OPENING, actor=actor, at=at)
        if open_case:
            number = number.strip() or _next_number(case, at)
            audit.update(
                case,
                actor=actor,
                action="enforcement.case.opened",
                status=CaseStatus.OPENED,
                decided_at=at,
                decision_note=note,
                number=number,
            )
            _start(
                case,
                CASE_CONCLUSION,
                actor=actor,
                grid=case.grid,
                owner=case.handler,
                at=at,
                label=_("案件办结：%(n)s") % {"n": number},
            )
        else:
            audit.update(
                case,
                actor=actor,
                action="enforcement.case.declined",
                status=CaseStatus.NOT_OPENED,
                decided_at=at,
                decision_note=note,
            )
    return case


def _next_number(case: Case, at: dt.datetime) -> str:
    year = timezone.localtime(at).year
    count = Case.objects.filter(decided_at__year=year).exclude(number="").count() + 1
    while True:
        number = _("环立〔%(year)d〕%(n)d号") % {"year": year, "n": count}
        if not Case.objects.filter(number=number).exists():
            return number
        count += 1


def close_case(case: Case, *, actor: User | None, conclusion: str, at: dt.datetime | None = None) -> Case:
    if actor is not None:
        require(is_manager(actor) and covers(actor, case.grid), _("只有辖区环保局可以结案"))
    if case.status != CaseStatus.OPENED:
        raise ValidationError(_("只有已立案的案件可以结案"))
    if not conclusion.strip():
        raise ValidationError(_("请填写结案意见"))
    at = at or timezone.now()
    with transaction.atomic():
        _stop(case, CASE_CONCLUSION, actor=actor, at=at)
        audit.update(
            case,
            actor=actor,
            action="enforcement.case.closed",
            status=CaseStatus.CLOSED,
            closed_at=at,
            conclusion=conclusion,
        )
    return case


# -- measures -------------------------------------------------------------------------------


def decide_measure(
    *,
    actor: User | None,
    kind: str,
    enterprise: Enterprise,
    officer: User,
    case: Case | None = None,
    findings: Iterable[Finding] = (),
    legal_basis: str = "",
    decision_number: str = "",
    decided_on: dt.date | None = None,
    amount: Decimal | None = None,
    daily_amount: Decimal | None = None,
    details: str = "",
    trees: int | None = None,
    licence: Licence | None = None,
) -> Measure:
    """Decide a measure. Its legal basis defaults to the rule's; its clocks start when it is served."""
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("措施类型无效")})
    grid = enterprise.grid
    if actor is not None:
        require(is_manager(actor) and covers(actor, grid), _("只有辖区环保局可以作出执法措施决定"))
    if not is_officer(officer) or not covers(officer, grid):
        raise ValidationError({"officer": _("承办人须为该辖区的执法人员")})
    standalone = kind in rules.REMEDY_KINDS | {"warning", "order"}
    opened = case is not None and case.status == CaseStatus.OPENED
    if (case is not None and not standalone and not opened) or (
        case is None and rules.needs_case(kind, amount)
    ):
        raise ValidationError(
            {
                "case": _("行政处罚和强制措施须在立案后作出（当场处罚仅限警告或 %(cap)s 元以下罚款）")
                % {"cap": rules.SIMPLE_PROCEDURE_CAP["organisation"]}
            }
        )
    if kind == MeasureKind.REVOKE and (licence is None or licence.enterprise_id != enterprise.pk):
        raise ValidationError({"licence": _("请选择该企业被暂扣或吊销的许可证")})
    rule = rules.MEASURE_RULES[kind]
    with transaction.atomic():
        measure = audit.create(
            Measure,
            actor=actor,
            kind=kind,
            enterprise=enterprise,
            grid=grid,
            case=case,
            officer=officer,
            legal_basis=legal_basis.strip() or rule.legal_basis,
            decision_number=decision_number.strip(),
            decided_on=decided_on or timezone.localdate(),
            amount=amount,
            daily_amount=daily_amount,
            details=details.strip(),
            trees=trees,
            licence=licence,
        )
        measure.findings.set(list(findings))
    return measure


def serve_measure(measure: Measure, *, actor: User | None, served_at: dt.datetime | None = None) -> Measure:
    """送达: the measure takes effect and its legal clocks start (counted from service)."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权送达该措施"))
    if measure.served_at is not None:
        raise ValidationError(_("该措施已送达"))
    served_at = served_at or timezone.now()
    if served_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("送达时间不能晚于现在"))
    rule = rules.MEASURE_RULES[measure.kind]
    in_force = rule.category in ("coercive", "production")
    status = MeasureStatus.IN_FORCE if in_force else MeasureStatus.SERVED
    labels = dict(MeasureKind.choices)
    with transaction.atomic():
        audit.update(
            measure, actor=actor, action="enforcement.measure.served", served_at=served_at, status=status
        )
        for name in rule.clocks:
            spec = conf.clock_spec(name)
            _start(
                measure,
                name,
                actor=actor,
                grid=measure.grid,
                owner=measure.officer,
                at=served_at,
                label=f"{labels[measure.kind]}·{_clock_label(spec.name)}：{measure.enterprise.name}",
            )
        _effects_on_registry(measure, actor)
        notify(
            list(measure.enterprise.members.filter(is_active=True)),
            kind="enforcement.measure_served",
            title=_("执法措施决定：%(kind)s") % {"kind": labels[measure.kind]},
            body=measure.details,
            url=measure.get_absolute_url(),
            subject=measure,
        )
    return measure


CLOCK_LABELS = {
    "enforcement.fine_payment": gettext_lazy("缴纳罚款"),
    "enforcement.daily_fine_reinspection": gettext_lazy("复查"),
    "enforcement.sealing": gettext_lazy("查封期限"),
    "enforcement.sealing_release_review": gettext_lazy("解封申请核查"),
    "enforcement.production_plan_filing": gettext_lazy("整改方案报备"),
    "enforcement.restriction_term": gettext_lazy("限产期限"),
    "enforcement.police_transfer": gettext_lazy("移送公安"),
    "enforcement.case_opening": gettext_lazy("立案审查"),
    "enforcement.case_conclusion": gettext_lazy("案件办结"),
}


def _clock_label(name: str) -> str:
    return str(CLOCK_LABELS.get(name, name))


def _effects_on_registry(measure: Measure, actor: User | None) -> None:
    from epb.enterprises import services as registry

    enterprise = measure.enterprise
    if measure.kind == MeasureKind.STOP and enterprise.status == EnterpriseStatus.OPERATING:
        registry.update_enterprise(enterprise, actor=None, status=EnterpriseStatus.STOPPED)
    elif measure.kind == MeasureKind.CLOSURE and enterprise.status != EnterpriseStatus.CLOSED:
        registry.update_enterprise(enterprise, actor=None, status=EnterpriseStatus.CLOSED)
    elif measure.kind == MeasureKind.REVOKE and measure.licence is not None:
        registry.set_licence_status(
            measure.licence,
            LicenceStatus.REVOKED,
            actor=None,
            reason=_("执法措施 %(n)s") % {"n": measure.decision_number or measure.pk},
        )


def measure_clock(measure: Measure, name: str) -> Clock:
    clock = open_clock(measure, name)
    if clock is None:
        raise ValidationError(_("该措施没有进行中的“%(c)s”时限") % {"c": _clock_label(name)})
    return clock


def extend_measure(measure: Measure, name: str, days: int, *, actor: User | None, reason: str) -> Clock:
    """E.g. sealing +≤30 days with the head's approval (令29); beyond the cap is refused."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, measure.grid), _("延期须经辖区环保局负责人批准"))
    if not reason.strip():
        raise ValidationError(_("请写明延期理由及批准情况"))
    clock = measure_clock(measure, name)
    try:
        return extend_clock(clock, days, actor=actor, reason=reason)
    except ExtensionCapError:
        spec = conf.clock_spec(name)
        raise ValidationError(
            _("延期超过法定上限：%(name)s最多可延长 %(max)d 日")
            % {"name": _clock_label(name), "max": spec.max_extension}
        ) from None
    except ClockError as exc:
        raise ValidationError(str(exc)) from None


def pause_measure(measure: Measure, name: str, *, actor: User | None, reason: str) -> Clock:
    """E.g. testing, inspection or appraisal time is not counted in the sealing term (令29)."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权操作该措施"))
    if not reason.strip():
        raise ValidationError(_("请写明暂停计时的原因"))
    try:
        return pause_clock(measure_clock(measure, name), actor=actor, reason=reason)
    except ClockError as exc:
        raise ValidationError(str(exc)) from None


def resume_measure(measure: Measure, name: str, *, actor: User | None) -> Clock:
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权操作该措施"))
    try:
        return resume_clock(measure_clock(measure, name), actor=actor)
    except ClockError as exc:
        raise ValidationError(str(exc)) from None


def apply_for_release(measure: Measure, *, actor: User | None, reason: str) -> Clock:
    """The enterprise applies to lift a seal; the bureau checks within 5 working days (令29)."""
    if actor is not None:
        require(
            is_enterprise_member(actor, measure.enterprise)
            or (is_officer(actor) and covers(actor, measure.grid)),
            _("无权申请解除"),
        )
    if measure.kind != MeasureKind.SEAL or measure.status != MeasureStatus.IN_FORCE:
        raise ValidationError(_("只有执行中的查封、扣押可以申请解除"))
    if open_clock(measure, "enforcement.sealing_release_review") is not None:
        raise ValidationError(_("解除申请正在核查中"))
    if not reason.strip():
        raise ValidationError(_("请说明申请理由"))
    with transaction.atomic():
        audit.log("enforcement.measure.release_requested", measure, actor=actor, note=reason)
        clock = _start(
            measure,
            "enforcement.sealing_release_review",
            actor=actor,
            grid=measure.grid,
            owner=measure.officer,
            at=timezone.now(),
            label=_("解封申请核查：%(name)s") % {"name": measure.enterprise.name},
        )
        notify(
            [measure.officer],
            kind="enforcement.release_requested",
            title=_("解封申请：%(name)s") % {"name": measure.enterprise.name},
            body=reason,
            url=measure.get_absolute_url(),
            subject=measure,
        )
    return clock


def lift_measure(
    measure: Measure, *, actor: User | None, note: str, at: dt.datetime | None = None
) -> Measure:
    """解除: the seal or the restriction ends; its clocks stop; production may resume."""
    from epb.enterprises import services as registry

    if actor is not None:
        require(is_manager(actor) and covers(actor, measure.grid), _("只有辖区环保局可以解除该措施"))
    if measure.status != MeasureStatus.IN_FORCE:
        raise ValidationError(_("只有执行中的措施可以解除"))
    if not note.strip():
        raise ValidationError(_("请写明解除理由"))
    at = at or timezone.now()
    with transaction.atomic():
        for name in (
            "enforcement.sealing",
            "enforcement.sealing_release_review",
            "enforcement.restriction_term",
            "enforcement.production_plan_filing",
        ):
            _stop(measure, name, actor=actor, at=at)
        audit.update(
            measure,
            actor=actor,
            action="enforcement.measure.lifted",
            note=note,
            status=MeasureStatus.LIFTED,
            ended_at=at,
        )
        if measure.kind == MeasureKind.STOP and measure.enterprise.status == EnterpriseStatus.STOPPED:
            registry.update_enterprise(measure.enterprise, actor=None, status=EnterpriseStatus.OPERATING)
    return measure


def record_reinspection(
    measure: Measure, *, actor: User | None, reinspected_on: dt.date, continuing: bool, note: str = ""
) -> Measure:
    """按日连续处罚: the re-inspection. If the discharge goes on, the daily fine is computed
    (daily amount × days from the day after service to the re-inspection) and falls due."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权记录复查"))
    if measure.kind != MeasureKind.DAILY_FINE or measure.served_at is None:
        raise ValidationError(_("只有已送达的按日连续处罚可以记录复查"))
    served_on = timezone.localtime(measure.served_at).date()
    if reinspected_on > timezone.localdate():
        raise ValidationError(_("复查日期不能晚于今天"))
    at = timezone.now()
    with transaction.atomic():
        _stop(measure, "enforcement.daily_fine_reinspection", actor=actor, at=at)
        if continuing:
            assert measure.daily_amount is not None
            try:
                amount = rules.daily_fine_amount(measure.daily_amount, served_on, reinspected_on)
            except ValueError as exc:
                raise ValidationError(_("复查日期须晚于送达日期（%(e)s）") % {"e": exc}) from None
            audit.update(
                measure,
                actor=actor,
                action="enforcement.measure.daily_fine_computed",
                note=note,
                reinspected_on=reinspected_on,
                amount=amount,
            )
            _start(
                measure,
                "enforcement.fine_payment",
                actor=actor,
                grid=measure.grid,
                owner=measure.officer,
                at=at,
                label=_("缴纳罚款：%(name)s") % {"name": measure.enterprise.name},
            )
        else:
            audit.update(
                measure,
                actor=actor,
                action="enforcement.measure.corrected",
                note=note,
                reinspected_on=reinspected_on,
                status=MeasureStatus.DONE,
                ended_at=at,
            )
    return measure


def record_payment(
    measure: Measure, *, actor: User | None, paid_at: dt.datetime | None = None, note: str = ""
) -> Measure:
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权记录缴款"))
    if measure.kind not in rules.PENALTY_AMOUNT_KINDS or measure.amount is None:
        raise ValidationError(_("该措施没有应缴罚款"))
    paid_at = paid_at or timezone.now()
    with transaction.atomic():
        _stop(measure, "enforcement.fine_payment", actor=actor, at=paid_at)
        audit.update(
            measure,
            actor=actor,
            action="enforcement.measure.paid",
            note=note,
            status=MeasureStatus.DONE,
            ended_at=paid_at,
        )
    return measure


def complete_measure(measure: Measure, *, actor: User | None, note: str) -> Measure:
    """履行完毕 for measures without a payment: an apology published, trees planted, a transfer sent."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, measure.grid), _("无权操作该措施"))
    if measure.status in (MeasureStatus.DONE, MeasureStatus.LIFTED, MeasureStatus.REVOKED):
        raise ValidationError(_("该措施已结束"))
    at = timezone.now()
    with transaction.atomic():
        for clock in clocks_of(measure).filter(state__in=["running", "paused", "overdue"]):
            stop_clock(clock, actor=actor, at=at)
        audit.update(
            measure,
            actor=actor,
            action="enforcement.measure.completed",
            note=note,
            status=MeasureStatus.DONE,
            ended_at=at,
        )
    return measure


def publish_measure(measure: Measure, *, actor: User | None) -> Measure:
    """Penalty decisions are public (《环境行政处罚办法》(2010) art. 72)."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, measure.grid), _("只有辖区环保局可以公开处罚决定"))
    return audit.update(measure, actor=actor, action="enforcement.measure.published", is_public=True)


def hearing_right(measure: Measure) -> bool:
    return rules.hearing_right(measure.kind, measure.amount)


def add_evidence(
    *,
    actor: User | None,
    kind: str,
    description: str,
    case: Case | None = None,
    inspection: Any = None,
    upload: IO[bytes] | None = None,
    filename: str = "",
) -> Evidence:
    """证据记录 of a case or an inspection, with its file kept as a core attachment."""
    owner = case or inspection
    if owner is None:
        raise ValidationError(_("证据须属于某一案件或检查"))
    if actor is not None:
        require(is_officer(actor) and covers(actor, owner.grid), _("无权为该案件取证"))
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("证据种类无效")})
    if not description.strip():
        raise ValidationError({"description": _("请填写证明内容")})
    with transaction.atomic():
        evidence = audit.create(
            Evidence,
            actor=actor,
            kind=kind,
            description=description.strip(),
            grid=owner.grid,
            enterprise=owner.enterprise,
            case=case,
            inspection=inspection,
            collected_by=actor,
        )
        if upload is not None:
            attach(evidence, upload, actor=actor, name=filename or "evidence", org_unit=owner.grid)
    return evidence
