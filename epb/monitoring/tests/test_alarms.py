"""Alarm episodes from evidence (one per condition, never a flood), and their handling:
raised → acknowledged → handled by the enterprise → closed by the centre, or reopened."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core import clocks
from epb.core.choices import Role
from epb.core.models import AuditEntry, Notification
from epb.core.models.clocks import ClockState
from epb.monitoring.centre import alarms
from epb.monitoring.centre.alarms import Evidence, apply_evidence
from epb.monitoring.choices import AlarmKind, AlarmState
from epb.monitoring.models import Alarm
from epb.monitoring.tests.centre import at
from epb.monitoring.tests.factories import make_device
from epb.testing.factories import make_outlet, make_user

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 Beijing
M = dt.timedelta(minutes=1)


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(make_outlet(enterprise))


def exceeding(start: dt.datetime, end: dt.datetime, value: float = 80.0, **kw: Any) -> Evidence:
    return Evidence(
        "w01018", AlarmKind.EXCEEDANCE, start, end, value=value, limit_max=50.0, multiple=value / 50 - 1, **kw
    )


@pytest.mark.parametrize(
    ("pieces", "episodes", "active"),
    [
        # consecutive evidence continues one episode
        ([(0, 1), (1, 2), (2, 3)], 1, True),
        # the same evidence again (a resend, a recomputed hour) changes nothing
        ([(0, 1), (0, 1), (0, 1)], 1, True),
        # a gap shorter than the merge window (30 min) continues the episode
        ([(0, 1), (20, 21)], 1, True),
        # a longer gap starts a second episode; the first one ends
        ([(0, 1), (45, 46)], 2, True),
    ],
)
def test_evidence_makes_one_episode_per_condition(
    device: Any, pieces: list[tuple[int, int]], episodes: int, active: bool
) -> None:
    with at(T + dt.timedelta(hours=1)):
        for a, b in pieces:
            apply_evidence(device, [exceeding(T + a * M, T + b * M)], now=T + b * M)
    rows = list(Alarm.objects.filter(device=device).order_by("started_at"))
    assert len(rows) == episodes
    assert [r.active for r in rows] == [False] * (episodes - 1) + [active]
    assert rows[0].started_at == T


def test_absence_ends_the_episode_and_the_worst_value_is_kept(device: Any) -> None:
    apply_evidence(device, [exceeding(T, T + M, 70.0), exceeding(T + M, T + 2 * M, 95.0)], now=T + 2 * M)
    apply_evidence(
        device, [Evidence("w01018", AlarmKind.EXCEEDANCE, T + 3 * M, T + 3 * M, present=False)], now=T + 3 * M
    )
    (alarm,) = Alarm.objects.filter(device=device)
    assert not alarm.active and alarm.ended_at == T + 2 * M
    assert alarm.value == 95.0 and alarm.multiple == pytest.approx(0.9)
    assert alarm.evidence == 2
    actions = list(
        AuditEntry.objects.filter(object_id=str(alarm.pk), action__startswith="monitoring.alarm.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["monitoring.alarm.raised", "monitoring.alarm.cleared"]


def test_a_provisional_exceedance_is_confirmed_by_the_valid_mean(device: Any) -> None:
    apply_evidence(device, [exceeding(T + 10 * M, T + 20 * M, confirmed=False)], now=T + 20 * M)
    apply_evidence(device, [exceeding(T, T + 60 * M, 60.0, basis="hourly_mean")], now=T + 61 * M)
    (alarm,) = Alarm.objects.filter(device=device)
    assert alarm.confirmed and alarm.started_at == T
    assert alarm.title.startswith("超标")
    assert AuditEntry.objects.filter(object_id=str(alarm.pk), action="monitoring.alarm.confirmed").exists()


def test_a_closed_episode_is_not_continued(device: Any, leader: Any) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    alarm = Alarm.objects.get()
    apply_evidence(
        device, [Evidence("w01018", AlarmKind.EXCEEDANCE, T + 2 * M, T + 2 * M, present=False)], now=T + 2 * M
    )
    alarms.close(Alarm.objects.get(pk=alarm.pk), actor=leader, note="误报：仪器校准")
    apply_evidence(device, [exceeding(T + 5 * M, T + 6 * M)], now=T + 6 * M)
    assert Alarm.objects.count() == 2


def test_only_one_active_episode_per_key_in_the_database(device: Any) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    from django.db import IntegrityError, transaction

    from epb.core import audit

    with pytest.raises(IntegrityError), transaction.atomic():
        audit.create(
            Alarm,
            actor=None,
            device=device,
            factor="w01018",
            kind=AlarmKind.EXCEEDANCE,
            started_at=T,
            last_evidence_at=T,
        )


def test_a_new_episode_notifies_the_enterprise_and_the_grid_officers_once(
    device: Any, enterprise_user: Any, grid_officer: Any, tree: Any
) -> None:
    other_grid = make_user(Role.GRID_OFFICER, tree.town_a2)
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    apply_evidence(device, [exceeding(T + M, T + 2 * M)], now=T + 2 * M)
    alarm = Alarm.objects.get()
    notes = Notification.objects.filter(kind="monitoring.alarm.exceedance")
    assert sorted(n.recipient_id for n in notes) == sorted([enterprise_user.pk, grid_officer.pk])
    assert other_grid.pk not in {n.recipient_id for n in notes}
    assert notes[0].url == alarm.get_absolute_url() and "化学需氧量" in notes[0].title
    assert alarm.notified_at is not None
    (clock,) = clocks.clocks_of(alarm)
    assert clock.kind == alarms.CLOCK_KIND and clock.state == ClockState.RUNNING


def test_the_handling_lifecycle(
    device: Any, enterprise_user: Any, district_officer: Any, grid_officer: Any
) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    alarm = Alarm.objects.get()
    with pytest.raises(PermissionDenied):
        alarms.handle(alarm, actor=grid_officer, cause="x", measures="y")  # only the enterprise handles
    alarms.acknowledge(alarm, actor=enterprise_user)
    assert alarm.state == AlarmState.ACKNOWLEDGED and alarm.acknowledged_by == enterprise_user
    with pytest.raises(ValidationError):
        alarms.handle(alarm, actor=enterprise_user, cause=" ", measures="更换药剂")
    alarms.handle(
        alarm,
        actor=enterprise_user,
        cause="加药泵故障",
        measures="已更换加药泵并加强巡检",
        files=[("维修记录.pdf", io.BytesIO(b"%PDF-1.4 repair log"))],
    )
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.HANDLED and alarm.cause == "加药泵故障"
    assert clocks.clocks_of(alarm).get().state == ClockState.MET
    from epb.core.attachments import attachments_of

    assert [a.original_name for a in attachments_of(alarm)] == ["维修记录.pdf"]
    with pytest.raises(PermissionDenied):
        alarms.close(alarm, actor=enterprise_user)  # the centre closes
    alarms.reopen(alarm, actor=district_officer, note="整改措施不具体")
    assert alarm.state == AlarmState.ACKNOWLEDGED and alarm.reopened == 1
    assert clocks.clocks_of(alarm).filter(state=ClockState.RUNNING).count() == 1
    alarms.handle(alarm, actor=enterprise_user, cause="加药泵故障", measures="更换加药泵，增加备用泵一台")
    alarms.close(alarm, actor=district_officer)
    assert alarm.state == AlarmState.CLOSED and alarm.closed_by == district_officer
    trail = list(
        AuditEntry.objects.filter(object_id=str(alarm.pk), action__startswith="monitoring.alarm.").order_by(
            "at", "id"
        )
    )
    assert [e.action.rsplit(".", 1)[1] for e in trail] == [
        "raised", "acknowledged", "handled", "reopened", "handled", "closed"
    ]  # fmt: skip


def test_no_one_outside_the_jurisdiction_handles_it(
    device: Any, other_district_officer: Any, tree: Any
) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    alarm = Alarm.objects.get()
    stranger = make_user(Role.ENTERPRISE)
    for user in (other_district_officer, stranger):
        with pytest.raises(PermissionDenied):
            alarms.acknowledge(alarm, actor=user)


def test_closing_unhandled_needs_a_reason(device: Any, leader: Any) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    alarm = Alarm.objects.get()
    with pytest.raises(ValidationError):
        alarms.close(alarm, actor=leader)
    alarms.close(alarm, actor=leader, note="仪器校准期间误报")
    assert alarm.state == AlarmState.CLOSED


def test_overdue_handling_escalates_to_the_grid_and_district(
    device: Any, enterprise_user: Any, grid_officer: Any, district_officer: Any
) -> None:
    with at(T):
        apply_evidence(device, [exceeding(T, T + M)], now=T)
    alarm = Alarm.objects.get()
    clocks.scan_clocks(now=T + dt.timedelta(days=10))
    alarm.refresh_from_db()
    assert alarm.escalated_at is not None
    escalated = Notification.objects.filter(kind="monitoring.alarm.escalated")
    assert {n.recipient_id for n in escalated} == {grid_officer.pk, district_officer.pk}
    assert (
        AuditEntry.objects.filter(object_id=str(alarm.pk), action="monitoring.alarm.escalated").count() == 1
    )
    clocks.scan_clocks(now=T + dt.timedelta(days=11))
    assert Notification.objects.filter(kind="monitoring.alarm.escalated").count() == 2


def test_an_alarm_links_to_a_new_enforcement_case(device: Any) -> None:
    apply_evidence(device, [exceeding(T, T + M)], now=T + M)
    alarm = Alarm.objects.get()
    url = alarms.case_url(alarm)
    assert url == f"/enforcement/cases/new/?source=monitoring.alarm:{alarm.pk}"
