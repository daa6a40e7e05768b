"""Leaders (S12, S15): reception days with visitors, 包案, and the listed-supervision register
across years (the plan: three 2009 cases carried into 2010)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from epb.complaints import services
from epb.complaints.choices import Channel, SupervisionStatus
from epb.complaints.models import ReceptionDay, Supervision
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import make_complaint
from epb.core import clocks
from epb.core.models import AuditEntry
from epb.core.models.clocks import ClockState

pytestmark = pytest.mark.django_db


def test_reception_days_and_their_visitors(
    bureau: Bureau, leader: Any, client: Client, other_district_officer: Any
) -> None:
    tuesday = timezone.localdate() + dt.timedelta(days=(1 - timezone.localdate().weekday()) % 7 or 7)
    day = services.schedule_reception(
        actor=bureau.operator, date=tuesday, leader=leader, org_unit=bureau.tree.city, location="局信访接待室"
    )
    with pytest.raises(ValidationError):
        services.schedule_reception(
            actor=bureau.operator, date=tuesday, leader=leader, org_unit=bureau.tree.city
        )
    with pytest.raises(PermissionDenied):
        services.schedule_reception(
            actor=other_district_officer, date=tuesday, leader=leader, org_unit=bureau.tree.district_a
        )
    visit = make_complaint(
        bureau.tree.town_a1, channel=Channel.VISIT, reception_day=day, actor=bureau.operator, visitors=2
    )
    assert list(day.visits.all()) == [visit]
    services.record_reception(day, actor=leader, status="held", summary="接待来访群众2批")
    client.force_login(leader)
    page = client.get("/complaints/reception/").content.decode()
    assert "局信访接待室" in page and "周二" in page
    detail = client.get(f"/complaints/reception/{day.pk}/").content.decode()
    assert visit.number in detail and "接待来访群众2批" in detail
    # Scheduling through the page.
    response = client.post(
        "/complaints/reception/",
        {
            "date": (tuesday + dt.timedelta(days=7)).isoformat(),
            "leader": leader.pk,
            "org_unit": bureau.tree.city.pk,
            "mode": "field",
        },
    )
    assert response.status_code == 302
    assert ReceptionDay.objects.filter(mode="field").exists()


def supervision(bureau: Bureau, actor: Any, year: int, **overrides: Any) -> Supervision:
    fields: dict[str, Any] = {
        "actor": actor,
        "year": year,
        "title": "某化工园区异味扰民",
        "description": "周边居民多年反复投诉",
        "grid": bureau.tree.town_a1,
        "responsible_unit": "茶山街道办事处",
        "listed_at": dt.date(year, 3, 1),
        "deadline": dt.date(year, 12, 31),
        "actions": [
            ("完成废气收集改造", "园区管委会", dt.date(year, 9, 30)),
            ("建设在线监测", "园区管委会", None),
        ],
        "co_supervisor": "市纪委（监察局）",
        "listing_notice": "经研究，对该问题实行挂牌督办。",
    }
    fields.update(overrides)
    return services.list_case(**fields)


def test_listed_supervision_with_actions_delisting_and_notices(
    bureau: Bureau, leader: Any, district_officer: Any, client: Client
) -> None:
    complaint = make_complaint(bureau.tree.town_a1)
    with pytest.raises(PermissionDenied):
        supervision(bureau, district_officer, 2026)
    with pytest.raises(ValidationError):
        supervision(bureau, leader, 2026, actions=[])
    item = supervision(bureau, leader, 2026, complaints=[complaint])
    assert clocks.open_clock(item, "complaint.supervision") is not None
    assert complaint.supervisions.get() == item
    with pytest.raises(ValidationError, match="未完成"):
        services.delist(item, actor=leader, on=dt.date(2026, 11, 1), notice="整改完成，解除挂牌。")
    for action in item.actions.all():
        services.complete_action(
            action, actor=district_officer, done_at=dt.date(2026, 10, 1), note="已完成并验收"
        )
    item = services.delist(item, actor=leader, on=dt.date(2026, 11, 1), notice="整改完成，解除挂牌。")
    assert item.status == SupervisionStatus.DELISTED
    assert clocks.clocks_of(item).get().state == ClockState.MET
    assert AuditEntry.objects.filter(action="complaints.supervision.delisted").exists()
    public = client.get("/complaints/supervision/public/").content.decode()
    assert "某化工园区异味扰民" in public and "解除挂牌" in public


def test_carry_over_into_the_next_year(bureau: Bureau, leader: Any, client: Client) -> None:
    first = supervision(bureau, leader, 2025, listed_at=dt.date(2025, 3, 1), deadline=dt.date(2025, 12, 31))
    done = first.actions.first()
    assert done is not None
    services.complete_action(done, actor=leader, done_at=dt.date(2025, 9, 20), note="改造完成")
    second = services.carry_over(first, actor=leader, deadline=dt.date(2026, 12, 31), note="在线监测尚未建成")
    first.refresh_from_db()
    assert first.status == SupervisionStatus.CARRIED_OVER
    assert clocks.clocks_of(first).get().state == ClockState.CANCELLED
    assert second.year == 2026 and second.previous == first and second.first_year() == 2025
    assert [a.text for a in second.actions.all()] == ["建设在线监测"]  # only what is still open
    assert "继续列入2026年挂牌督办" in second.listing_notice
    with pytest.raises(ValidationError):
        services.carry_over(first, actor=leader, deadline=dt.date(2026, 12, 31))
    client.force_login(leader)
    page = client.get("/complaints/supervision/?year=2026").content.decode()
    assert "2025年起督办" in page and "其中上年度转入 1 件" in page
    detail = client.get(f"/complaints/supervision/{second.pk}/").content.decode()
    assert "2025年" in detail and "建设在线监测" in detail


def test_supervision_pages_create_and_act(bureau: Bureau, leader: Any, client: Client) -> None:
    complaint = make_complaint(bureau.tree.town_a1)
    client.force_login(leader)
    response = client.post(
        "/complaints/supervision/new/",
        {
            "year": 2026,
            "title": "印染企业废水偷排",
            "description": "群众多次举报",
            "grid": bureau.tree.town_a1.pk,
            "responsible_unit": "天宁区环保局",
            "listed_at": "2026-04-01",
            "deadline": "2026-10-31",
            "actions": "停产整治｜企业｜2026-05-31\n安装在线监控",
            "complaint_numbers": complaint.number,
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    item = Supervision.objects.get(title="印染企业废水偷排")
    assert [a.due_date for a in item.actions.all()] == [dt.date(2026, 5, 31), None]
    bad = client.post(
        "/complaints/supervision/new/",
        {
            "year": 2026,
            "title": "x",
            "description": "x",
            "grid": bureau.tree.town_a1.pk,
            "responsible_unit": "x",
            "listed_at": "2026-04-01",
            "deadline": "2026-10-31",
            "actions": "要求｜单位｜明天",
        },
    )
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()
    action = item.actions.first()
    assert action is not None
    client.post(
        f"/complaints/supervision/{item.pk}/do/done/",
        {"action": action.pk, "done_at": "2026-05-20", "note": "已停产"},
    )
    action.refresh_from_db()
    assert action.done_at == dt.date(2026, 5, 20)
    client.post(
        f"/complaints/supervision/{item.pk}/do/extend/", {"deadline": "2026-12-31", "reason": "设备到货延迟"}
    )
    item.refresh_from_db()
    assert item.deadline == dt.date(2026, 12, 31)
    # The old deadline had passed: the lapse is on record and the new period runs on its own clock.
    states = list(clocks.clocks_of(item).order_by("started_at").values_list("state", flat=True))
    assert states == [ClockState.COMPLETED_LATE, ClockState.RUNNING]
