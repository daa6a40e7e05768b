"""The five special actions: their dates, targets, patrols and progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.enforcement.choices import TargetStatus
from epb.enforcement.models import Campaign
from epb.enforcement.rules import CHECKLIST
from epb.enforcement.services import campaigns, inspections, rectification
from epb.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def test_the_dispute_screening_runs_200_days_from_15_april() -> None:
    start, end = campaigns.preset_dates("games", 2010)
    assert (start, end) == (dt.date(2010, 4, 15), dt.date(2010, 10, 31))
    assert (end - start).days + 1 == 200


@pytest.mark.parametrize(
    ("kind", "flags"),
    [("lead", ("lead",)), ("trustworthy", ("textile", "dyeing", "electroplating", "wwtp"))],
)
def test_presets_carry_the_plans_target_flags(kind: str, flags: tuple[str, ...]) -> None:
    assert campaigns.PRESETS[kind].flags == flags


def test_targets_come_from_registry_flags_and_places(world: Any, leader: Any) -> None:
    plating = make_enterprise(world.tree.town_b1, flags=["electroplating"])
    make_enterprise(world.tree.town_a2, flags=["power"])
    campaign = campaigns.create_campaign(
        actor=leader, kind="trustworthy", year=2026, org_unit=world.tree.city, lead=leader
    )
    assert campaign.name == "打造放心行业专项行动" and campaign.starts_on == dt.date(2026, 1, 1)
    assert campaigns.sync_targets(campaign, actor=leader) == 1
    assert campaigns.sync_targets(campaign, actor=leader) == 0  # already listed
    assert campaign.targets.get().enterprise == plating
    lead = campaigns.create_campaign(
        actor=leader, kind="lead", year=2026, org_unit=world.tree.city, lead=leader
    )
    campaigns.sync_targets(lead, actor=leader)
    assert [t.enterprise for t in lead.targets.all()] == [world.key]
    water = campaigns.create_campaign(
        actor=world.manager,
        kind="drinking_water",
        year=2026,
        org_unit=world.tree.district_a,
        lead=world.manager,
    )
    zone = campaigns.add_place(water, actor=world.manager, place="水源地一级保护区", grid=world.tree.town_a2)
    assert str(zone) == "水源地一级保护区"
    with pytest.raises(ValidationError):
        campaigns.add_place(water, actor=leader, place="区外", grid=world.tree.town_b1)
    with pytest.raises(PermissionDenied):
        campaigns.create_campaign(
            actor=world.officer, kind="straw", year=2026, org_unit=world.tree.district_a, lead=world.manager
        )


def test_a_district_takes_part_in_a_city_campaign_through_its_targets(
    world: Any, leader: Any, other_district_officer: Any
) -> None:
    campaign = campaigns.create_campaign(
        actor=leader, kind="lead", year=2026, org_unit=world.tree.city, lead=leader
    )
    campaigns.sync_targets(campaign, actor=leader)
    assert list(Campaign.objects.taking_part(world.manager)) == [campaign]
    assert list(Campaign.objects.taking_part(other_district_officer)) == []
    assert campaigns.progress(campaign, other_district_officer).targets == 0


def test_patrols_findings_and_progress(world: Any, leader: Any) -> None:
    campaign = campaigns.create_campaign(
        actor=leader, kind="lead", year=2026, org_unit=world.tree.city, lead=leader
    )
    campaigns.sync_targets(campaign, actor=leader)
    target = campaign.targets.get()
    with pytest.raises(ValidationError):
        campaigns.dispatch_patrol(target, actor=leader, owner=world.officer, due_date=dt.date(2025, 6, 1))
    task = campaigns.dispatch_patrol(
        target, actor=leader, owner=world.officer, due_date=dt.date(2026, 6, 1), night=True
    )
    assert task.campaign == campaign and task.night and task.enterprise == world.key
    record = inspections.start_inspection(task, actor=world.officer)
    checklist = {i: {"result": "compliant"} for i in CHECKLIST}
    checklist["surroundings"] = {"result": "non_compliant"}
    finding = inspections.add_finding(
        record, actor=world.officer, category="surroundings", description="厂界土壤疑似铅污染"
    )
    inspections.save_record(record, actor=world.officer, checklist=checklist)
    inspections.submit_inspection(record, actor=world.officer)
    target.refresh_from_db()
    assert target.status == TargetStatus.PROBLEM
    progress = campaigns.progress(campaign, world.manager)
    assert (progress.targets, progress.checked, progress.tasks_done, progress.findings) == (1, 1, 1, 1)
    # putting the problem right resolves the target
    task_fix = rectification.issue_rectification(
        actor=world.officer,
        enterprise=world.key,
        title="土壤修复",
        requirements="委托检测并修复",
        deadline=dt.date.today() + dt.timedelta(days=30),
        officer=world.officer,
        findings=[finding],
    )
    from epb.enforcement.tests.conftest import jpeg

    rectification.submit_rectification(
        task_fix, actor=world.ent_user, description="已修复", files=[("a.jpg", jpeg())]
    )
    rectification.review_rectification(task_fix, actor=world.officer, accept=True)
    target.refresh_from_db()
    assert target.status == TargetStatus.RESOLVED
