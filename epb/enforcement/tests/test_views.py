"""The pages: each renders for the roles that use it, refuses the others, and hides other districts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from epb.core.choices import Role
from epb.enforcement import rules
from epb.enforcement.choices import InspectionStatus
from epb.enforcement.models import Finding, Inspection, InspectionPlan
from epb.enforcement.services import campaigns, cases, inspections, plans, rectification, supervision
from epb.enforcement.tests.conftest import JPEG, World, jpeg
from epb.testing.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db

ALL = {
    f"result_{i}": "compliant"
    for i in ("construction", "solid_waste", "facility", "discharge", "surroundings")
}


@pytest.fixture
def records(world: Any, leader: Any) -> dict[str, Any]:
    plan = plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=timezone.localdate().year)
    plans.draw(plan, actor=world.manager, seed="views")
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="检查",
        due_date=timezone.localdate(),
        owner=world.officer,
        enterprise=world.key,
    )
    record = inspections.start_inspection(task, actor=world.officer)
    finding = inspections.add_finding(
        record, actor=world.officer, category="solid_waste", description="危废露天堆放"
    )
    case = cases.register_case(
        actor=world.officer,
        title="危废",
        grid=world.tree.town_a1,
        handler=world.officer,
        enterprise=world.key,
    )
    cases.decide_case(case, actor=world.manager, open_case=True, note="立案")
    fine = cases.decide_measure(
        actor=world.manager,
        kind="fine",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        amount=Decimal(30000),
    )
    cases.serve_measure(fine, actor=world.officer)
    fix = rectification.issue_rectification(
        actor=world.officer,
        enterprise=world.key,
        title="规范危废",
        requirements="建危废间",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        officer=world.officer,
    )
    campaign = campaigns.create_campaign(
        actor=leader, kind="lead", year=timezone.localdate().year, org_unit=world.tree.city, lead=leader
    )
    campaigns.sync_targets(campaign, actor=leader)
    rep = supervision.assign_representative(
        actor=world.manager, enterprise=world.key, officer=world.officer, reason="heavy_polluting"
    )
    return {
        "plan": plan,
        "task": task,
        "inspection": record,
        "finding": finding,
        "case": case,
        "fine": fine,
        "rectification": fix,
        "campaign": campaign,
        "rep": rep,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


LIST_PAGES = [
    "campaigns",
    "grid",
    "bulletin",
    "plans",
    "assessment",
    "tasks",
    "measures",
    "cases",
    "rectifications",
    "representatives",
    "facility_grades",
    "risk",
    "task_create",
    "case_create",
    "measure_create",
    "rectification_create",
]


def test_every_page_renders_for_the_district(world: Any, records: dict[str, Any]) -> None:
    client = _client(world.manager)
    for name in LIST_PAGES:
        response = client.get(reverse(f"enforcement:{name}"))
        assert response.status_code == 200, name
    for record in records.values():
        assert client.get(record.get_absolute_url()).status_code == 200, record
    assert "监察计划" in client.get(reverse("enforcement:plans")).content.decode()


def test_the_navigation_names_resolve() -> None:
    for name in ("campaigns", "grid", "plans", "tasks", "measures"):
        assert reverse(f"enforcement:{name}").startswith("/enforcement/")


def test_other_districts_get_404(world: Any, records: dict[str, Any], other_district_officer: Any) -> None:
    client = _client(other_district_officer)
    for record in records.values():
        if isinstance(record, InspectionPlan) or record is records["campaign"]:
            continue
        assert client.get(record.get_absolute_url()).status_code == 404, record
    assert world.key.name not in client.get(reverse("enforcement:measures")).content.decode()


def test_a_district_sees_the_city_campaign_through_its_targets(
    world: Any, records: dict[str, Any], other_district_officer: Any
) -> None:
    campaign = records["campaign"]
    assert _client(world.manager).get(campaign.get_absolute_url()).status_code == 200
    assert _client(other_district_officer).get(campaign.get_absolute_url()).status_code == 404


def test_the_enterprise_sees_its_rectification_and_measures_not_plans_or_drafts(
    world: Any, records: dict[str, Any]
) -> None:
    client = _client(world.ent_user)
    page = client.get(reverse("enforcement:rectifications")).content.decode()
    assert "规范危废" in page
    assert client.get(records["rectification"].get_absolute_url()).status_code == 200
    assert client.get(records["fine"].get_absolute_url()).status_code == 200
    assert client.get(records["inspection"].get_absolute_url()).status_code == 404  # still a draft
    for name in ("plans", "tasks", "grid", "bulletin", "cases"):
        assert client.get(reverse(f"enforcement:{name}")).status_code == 403, name
    assert client.get(records["task"].get_absolute_url()).status_code == 403


def test_the_phone_form_saves_locates_uploads_and_submits(world: Any, records: dict[str, Any]) -> None:
    client = _client(world.officer)
    record: Inspection = records["inspection"]
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "geo-button" in page
    bad = client.post(reverse("enforcement:inspection_location", args=[record.pk]), {"latitude": "abc"})
    assert bad.status_code == 422
    ok = client.post(
        reverse("enforcement:inspection_location", args=[record.pk]),
        {"latitude": "31.77", "longitude": "119.97", "accuracy": "12"},
    )
    assert ok.json()["latitude"] == 31.77
    photo = client.post(
        reverse("enforcement:inspection_photo", args=[record.pk]),
        {"photo": jpeg(), "latitude": "31.77", "longitude": "119.97"},
        HTTP_HX_REQUEST="true",
    )
    assert photo.status_code == 200 and 'data-count="1"' in photo.content.decode()
    not_image = client.post(
        reverse("enforcement:inspection_photo", args=[record.pk]),
        {"photo": _named(b"%PDF-1.4 x", "x.jpg")},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in not_image.content.decode()
    finding = client.post(
        reverse("enforcement:inspection_finding", args=[record.pk]),
        {
            "category": "discharge",
            "description": "排口出水发黑",
            "severity": "serious",
            "is_violation": "on",
            "legal_basis": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "违反的规定" in finding.content.decode() and Finding.objects.count() == 1  # refused, nothing added
    client.post(
        reverse("enforcement:inspection_submit", args=[record.pk]),
        {**ALL, "result_solid_waste": "non_compliant", "summary": "危废露天堆放"},
    )
    record.refresh_from_db()
    assert record.status == InspectionStatus.SUBMITTED and record.result_of("solid_waste") == "non_compliant"
    assert record.has_location


def _named(data: bytes, name: str) -> Any:
    import io

    f = io.BytesIO(data)
    f.name = name
    return f


def test_bulletin_and_assessment_download_as_word_and_excel(world: Any, records: dict[str, Any]) -> None:
    client = _client(world.manager)
    for name in ("bulletin", "assessment"):
        docx = client.get(reverse(f"enforcement:{name}"), {"period": "month", "format": "docx"})
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        xlsx = client.get(reverse(f"enforcement:{name}"), {"period": "week", "format": "xlsx"})
        assert xlsx["Content-Type"].endswith("sheet") and xlsx.content[:2] == b"PK"


def test_rectification_round_trip_through_the_pages(world: Any, records: dict[str, Any]) -> None:
    task = records["rectification"]
    url = reverse("enforcement:rectification_submit", args=[task.pk])
    assert _client(world.officer).post(url, {"description": "x"}).status_code == 403
    ent = _client(world.ent_user)
    ent.post(url, {"description": "已建成危废间", "evidence": [_named(JPEG, "a.jpg"), _named(JPEG, "b.jpg")]})
    task.refresh_from_db()
    assert task.status == "submitted" and task.submissions.count() == 1
    _client(world.officer).post(
        reverse("enforcement:rectification_review", args=[task.pk]), {"decision": "accept", "reason": ""}
    )
    task.refresh_from_db()
    assert task.status == "accepted"


def test_cases_and_tasks_link_to_records_of_other_apps(world: Any, other_district_officer: Any) -> None:
    from epb.enforcement.models import Case, InspectionTask
    from epb.enterprises.tests.factories import make_licence

    licence = make_licence(world.key)  # any record that declares its jurisdiction will do
    source = f"enterprises.licence:{licence.pk}"
    client = _client(world.manager)
    page = client.get(reverse("enforcement:case_create"), {"source": source}).content.decode()
    assert str(licence) in page
    client.post(
        reverse("enforcement:case_create") + f"?source={source}",
        {
            "title": "证后监管发现问题",
            "enterprise": world.key.pk,
            "grid": world.tree.town_a1.pk,
            "handler": world.officer.pk,
            "source_label": str(licence),
        },
    )
    case = Case.objects.get()
    assert case.source == licence and case.source_label == str(licence)
    client.post(
        reverse("enforcement:task_create") + f"?source={source}",
        {
            "grid": world.tree.town_a1.pk,
            "enterprise": world.key.pk,
            "kind": "complaint",
            "title": "核查",
            "due_date": timezone.localdate().isoformat(),
            "owner": world.officer.pk,
        },
    )
    assert InspectionTask.objects.get(kind="complaint").source == licence
    other = _client(other_district_officer)
    assert other.get(reverse("enforcement:case_create"), {"source": source}).status_code == 404
    assert (
        client.get(reverse("enforcement:case_create"), {"source": "contenttypes.contenttype:1"}).status_code
        == 404
    )
    assert client.get(reverse("enforcement:case_create"), {"source": "nonsense"}).status_code == 404


def test_a_follow_up_is_scheduled_from_a_submitted_inspection(world: Any, records: dict[str, Any]) -> None:
    from epb.enforcement.models import InspectionTask

    record: Inspection = records["inspection"]
    client = _client(world.officer)
    client.post(
        reverse("enforcement:inspection_submit", args=[record.pk]),
        {**ALL, "result_solid_waste": "non_compliant", "summary": "危废露天堆放"},
    )
    assert "安排后督察复查" in client.get(record.get_absolute_url()).content.decode()
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    client.post(
        reverse("enforcement:inspection_follow_up", args=[record.pk]),
        {"owner": world.officer2.pk, "due_date": due, "note": "复查危废整改"},
    )
    task = InspectionTask.objects.get(kind="follow_up")
    assert task.origin_inspection == record and task.owner == world.officer2 and task.enterprise == world.key


def test_the_measure_form_names_each_measure_and_clock_in_the_readers_language(world: Any) -> None:
    client = _client(world.manager)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("enforcement:measure_create")).content.decode()
    legal = html[html.index("<details") :]
    assert "Pay the fine" in legal and "Warning" in legal
    assert "enforcement.fine_payment" not in legal and ">fine<" not in legal


def test_the_enterprise_sees_its_inspection_without_links_it_cannot_open(world: Any) -> None:
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="例行检查",
        due_date=timezone.localdate(),
        owner=world.officer,
        enterprise=world.key,
    )
    record = inspections.start_inspection(task, actor=world.officer)
    photo = inspections.add_photo(record, jpeg(), actor=world.officer, name="outlet.jpg")
    checklist = {item: {"result": "compliant"} for item in rules.CHECKLIST}
    inspections.save_record(record, actor=world.officer, checklist=checklist, summary="正常")
    inspections.submit_inspection(record, actor=world.officer)
    client = _client(world.ent_user)
    page = client.get(reverse("enforcement:inspection", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for url in (reverse("core:attachment", args=[photo.pk]), task.get_absolute_url()):
        assert f'"{url}"' not in html and client.get(url).status_code in {403, 404}
    officer_page = (
        _client(world.officer).get(reverse("enforcement:inspection", args=[record.pk])).content.decode()
    )
    assert (
        reverse("core:attachment", args=[photo.pk]) in officer_page
        and task.get_absolute_url() in officer_page
    )


def test_a_case_sent_twice_is_registered_once(world: Any) -> None:
    """A double click or a re-sent POST of the case form must not register the case twice."""
    from epb.enforcement.models import Case

    client = _client(world.manager)
    page = client.get(reverse("enforcement:case_create")).content.decode()
    token = re.search(r'name="_submission" value="(\w+)"', page)
    assert token, "the case form carries no submit_once token"
    data = {
        "title": "夜间偷排",
        "enterprise": world.key.pk,
        "grid": world.tree.town_a1.pk,
        "handler": world.officer.pk,
        "_submission": token.group(1),
    }
    first = client.post(reverse("enforcement:case_create"), data)
    second = client.post(reverse("enforcement:case_create"), data)
    assert Case.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


@pytest.mark.parametrize("page", ["campaign", "representatives"])
def test_pages_ask_the_database_the_same_number_of_times_however_many_officers_and_enterprises(
    world: World, records: dict[str, Any], page: str
) -> None:
    """The officer choices carry their units and the candidates' complaint figure is one
    question each: a district with more officers or sources must not make more queries per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = (
        records["campaign"].get_absolute_url()
        if page == "campaign"
        else reverse("enforcement:representatives")
    )
    client = _client(world.manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(5):
        make_user(Role.GRID_OFFICER, world.tree.town_a1)
    per_candidate = 0
    if page == "representatives":  # five more heavy-polluting candidates: one question each
        for _ in range(5):
            make_enterprise(world.tree.town_a1, flags=["heavy_polluting"])
        per_candidate = 5
    assert queries() == before + per_candidate
