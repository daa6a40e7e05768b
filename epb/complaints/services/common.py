"""Helpers every service of the centre uses: permissions, the timeline, notices to the complainant,
and the clocks of a case."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from epb.complaints import rules
from epb.complaints.choices import EventKind, Status
from epb.complaints.conf import setting
from epb.complaints.models import CaseEvent, Complaint
from epb.core import audit, clocks
from epb.core.choices import OrgLevel, Role
from epb.core.models import Clock, OrgUnit, User
from epb.core.models.clocks import ClockState
from epb.lib.workdays import ClockError, ClockSpec

logger = logging.getLogger("epb.complaints")

PUBLIC_ACTOR = "公众"


def is_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff_member", False))


def is_centre(user: Any) -> bool:
    """Leadership or an operator of the 12369 centre (the departments in COMPLAINTS_CENTRE_DEPARTMENTS)."""
    if not is_staff(user):
        return False
    if user.is_leadership:
        return True
    department = getattr(user, "department", None)
    return bool(department is not None and department.code in setting("COMPLAINTS_CENTRE_DEPARTMENTS"))


def is_citywide_staff(user: Any) -> bool:
    if not is_staff(user):
        return False
    if user.is_leadership:
        return True
    unit = user.org_unit
    return user.role == Role.DEPT_STAFF and (unit is None or unit.level == OrgLevel.CITY)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def require_staff_on(complaint: Complaint, actor: User | None) -> None:
    """The actor is bureau staff and the case is within their jurisdiction."""
    require(is_staff(actor), _("只有环保部门工作人员可以办理"))
    visible = Complaint.objects.visible_to(actor).filter(pk=complaint.pk).exists()
    require(visible, _("该件不在您的辖区范围内"))


def require_leader(actor: User | None, what: str) -> None:
    require(
        actor is not None and actor.is_authenticated and actor.is_leadership,
        _("%(what)s须由局领导办理") % {"what": what},
    )


def check_action(complaint: Complaint, action: str) -> None:
    try:
        rules.check_action(complaint.status, action, str(complaint.get_status_display()))
    except rules.ActionNotAllowed as exc:
        raise ValidationError(str(exc)) from None


def event(
    complaint: Complaint,
    kind: str,
    *,
    actor: User | None,
    text: str = "",
    public_text: str = "",
    public: bool = False,
    data: dict[str, Any] | None = None,
    at: Any = None,
    actor_label: str = "",
) -> CaseEvent:
    label = actor_label or (str(actor) if actor is not None else "系统")
    return CaseEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        actor_label=label[:150],
        text=text,
        public_text=public_text[:300],
        public=public or bool(public_text),
        data=data or {},
        at=at or timezone.now(),
    )


def staff_of_unit(unit: OrgUnit | None) -> list[User]:
    """District staff and grid officers whose unit contains ``unit``'s place (the 属地 handlers)."""
    if unit is None:
        return []
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return list(
        User.objects.filter(
            is_active=True,
            role__in=[Role.DISTRICT_STAFF, Role.GRID_OFFICER],
            org_unit_id__in=ids,
            org_unit__level__in=[OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.SUBGRID],
        )
    )


def centre_staff() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role=Role.DEPT_STAFF,
            department__code__in=setting("COMPLAINTS_CENTRE_DEPARTMENTS"),
        )
    )


def leaders() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.LEADERSHIP))


def notify_staff(users: Iterable[User], subject: models.Model, title: str, body: str = "") -> None:
    """Tell staff about a case (or a listed-supervision item), linking to its page."""
    from epb.core.notify import notify

    url_of = getattr(subject, "get_absolute_url", None)
    notify(
        [u for u in users if u is not None],
        kind="complaints.case",
        title=title,
        body=body,
        url=url_of() if url_of is not None else "",
        subject=subject,
    )


def _sms_backend() -> Any:
    return import_string(settings.EPB_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    """Send after the transaction commits: a rolled-back change never texts anyone."""

    def deliver() -> None:
        try:
            _sms_backend().send(phone, text)
        except Exception:  # a gateway failure must not undo the case
            logger.exception("SMS to the complainant failed")

    transaction.on_commit(deliver)


def effective(at: Any, complaint: Complaint | None = None) -> Any:
    """When an act took effect: now, or an earlier time given when it is recorded afterwards (a
    decision taken on the phone, back-office entry). The audit log keeps the real time of writing."""
    now = timezone.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationError(_("办理时间须带时区"))
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("办理时间不能晚于现在"))
    if complaint is not None and at < complaint.received_at:
        raise ValidationError(_("办理时间不能早于收件时间"))
    return at


def tell_complainant(complaint: Complaint, text: str, *, actor: User | None, at: Any = None) -> None:
    """Tell the complainant (件件有回音): by SMS to a real-name phone, in-app to a logged-in filer,
    and on the tracking page. Anonymous complainants read it on the tracking page."""
    from epb.core.notify import notify

    message = f"【{settings.SITE_NAME}12369】{text}（编号{complaint.number}）"
    contact = complaint.contact
    channels = ["tracking"]
    if not complaint.anonymous and contact is not None and contact.phone and rules_is_mobile(contact.phone):
        send_sms(contact.phone, message)
        channels.append("sms")
    if complaint.submitted_by_id is not None:
        notify(
            [complaint.submitted_by],  # type: ignore[list-item]
            kind="complaints.progress",
            title=_("您的环境投诉有新进展"),
            body=text,
            url="",
            subject=complaint,
        )
        channels.append("in_app")
    event(complaint, EventKind.NOTICE, actor=actor, public_text=text, data={"channels": channels}, at=at)


def rules_is_mobile(phone: str) -> bool:
    from epb.lib.codes import is_valid_mobile

    return is_valid_mobile(phone)


# -- clocks of a case ---------------------------------------------------------------------------


def start(
    subject: models.Model, spec: ClockSpec, complaint: Complaint, *, actor: User | None, at: Any = None
) -> Clock:
    return clocks.start_clock(
        subject,
        spec,
        actor=actor,
        label=f"{complaint.number} {_clock_label(spec.name)}",
        org_unit=complaint.grid,
        owner=complaint.handler,
        at=at,
    )


#: The case's clocks by kind, named in the reader's language on pages.
CLOCK_LABELS = {
    "complaint.accept": pgettext_lazy("complaint clock", "受理时限"),
    "complaint.handle": pgettext_lazy("complaint clock", "办理时限"),
    "complaint.rehandle": pgettext_lazy("complaint clock", "重新办理时限"),
    "complaint.consult": pgettext_lazy("complaint clock", "咨询答复时限"),
    "complaint.callback": pgettext_lazy("complaint clock", "回访时限"),
    "complaint.review_decision": pgettext_lazy("complaint clock", "复查复核时限"),
    "complaint.supervision": pgettext_lazy("complaint clock", "挂牌督办期限"),
}


def _clock_label(name: str) -> str:
    # A stored clock label is a record: always in Chinese, whoever's request started the clock.
    with translation.override(settings.LANGUAGE_CODE):
        return str(CLOCK_LABELS.get(name, name))


def clock_label(kind: str) -> str:
    """A clock's name for the page, in the reader's language."""
    return str(CLOCK_LABELS.get(kind, kind))


def stop(subject: models.Model, kinds: Iterable[str], *, actor: User | None, at: Any = None) -> None:
    for kind in kinds:
        clock = clocks.open_clock(subject, kind)
        if clock is not None:
            try:
                clocks.stop_clock(clock, actor=actor, at=at)
            except ClockError:
                raise ValidationError(_("办理时间早于该件已记录的环节，请核对时间")) from None


def open_handling_clock(complaint: Complaint) -> Clock | None:
    from epb.complaints.deadlines import HANDLING

    for kind in HANDLING:
        clock = clocks.open_clock(complaint, kind)
        if clock is not None:
            return clock
    return None


def case_clocks(complaint: Complaint) -> list[Clock]:
    """Every clock of the case and of its 复查/复核 requests, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from epb.complaints.models import ReviewRequest

    review_ids = [str(pk) for pk in complaint.reviews.values_list("pk", flat=True)]
    return list(
        Clock.objects.filter(
            models.Q(subject_type=ContentType.objects.get_for_model(Complaint), subject_id=str(complaint.pk))
            | models.Q(
                subject_type=ContentType.objects.get_for_model(ReviewRequest), subject_id__in=review_ids
            )
        ).order_by("-started_at")
    )


def retarget_clocks(complaint: Complaint, *, actor: User | None) -> None:
    """After a re-route or a new handler the open clocks follow the case."""
    open_states = [ClockState.RUNNING, ClockState.PAUSED, ClockState.OVERDUE]
    for clock in case_clocks(complaint):
        if clock.state not in open_states:
            continue
        if clock.org_unit_id != complaint.grid_id or clock.owner_id != complaint.handler_id:
            audit.update(
                clock,
                actor=actor,
                action="complaints.clock.retargeted",
                org_unit=complaint.grid,
                owner=complaint.handler,
            )


def closed_statuses() -> tuple[str, ...]:
    return (Status.REPLIED, Status.DECLINED, Status.TRANSFERRED, Status.MERGED)
