"""The whole chain in a real browser: plan → task → on-site record on a phone → finding → case and a
measure with its clock → rectification by the enterprise → verification → the bulletin's rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from epb.core.choices import Role
from epb.enforcement.models import Inspection, InspectionPlan, Measure, Rectification
from epb.enforcement.rules import CHECKLIST, CoverageRule
from epb.enforcement.services import inspections, plans
from epb.enforcement.tests.conftest import JPEG
from epb.testing.browser import log_in
from epb.testing.factories import make_enterprise, make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def _checked_elsewhere(grid: Any, owner: Any, manager: Any, *, compliant: bool) -> None:
    """A submitted inspection of another source, so the bulletin has more than one record."""
    enterprise = make_enterprise(grid, industry_code="1713")
    task = plans.create_task(
        actor=manager,
        grid=grid,
        title="检查",
        due_date=timezone.localdate(),
        owner=owner,
        enterprise=enterprise,
    )
    record = inspections.start_inspection(task, actor=owner)
    checklist = {item: {"result": "compliant"} for item in CHECKLIST}
    if not compliant:
        checklist["discharge"] = {"result": "non_compliant"}
        inspections.add_finding(record, actor=owner, category="discharge", description="超标")
    inspections.save_record(record, actor=owner, checklist=checklist)
    inspections.submit_inspection(record, actor=owner)


def _wait_for_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => document.querySelector(s) && document.querySelector(s).textContent.includes(t)",
        arg=[selector, text],
    )


def test_plan_to_bulletin(page: Any, phone_page: Any, live_server: Any) -> None:
    tree = make_org_tree()
    manager = make_user(Role.DISTRICT_STAFF, tree.district_a, username="tianning", password=PASSWORD)
    officer = make_user(
        Role.GRID_OFFICER, tree.town_a1, username="wangge", password=PASSWORD, display_name="网格员甲"
    )
    make_user(Role.GRID_OFFICER, tree.town_a1, username="wangge2", password=PASSWORD)
    officer_a2 = make_user(Role.GRID_OFFICER, tree.town_a2, username="wangge3", password=PASSWORD)
    plant = make_enterprise(
        tree.town_a1,
        name="常州铅蓄电池有限公司",
        source_class="key",
        flags=["lead"],
        industry_code="3843",
        longitude=119.97,
        latitude=31.77,
    )
    boss = make_user(Role.ENTERPRISE, username="qiye", password=PASSWORD)
    plant.members.add(boss)
    for _ in range(4):  # four compliant general sources in the same grid …
        _checked_elsewhere(tree.town_a1, officer, manager, compliant=True)
    _checked_elsewhere(tree.town_a2, officer_a2, manager, compliant=False)  # … and a failing one next door
    plan = plans.create_plan(
        actor=manager,
        grid=tree.town_a1,
        year=timezone.localdate().year,
        coverage=CoverageRule(
            key_visits_per_year=1,
            general_share=Decimal(0),
            surprise_share=Decimal(0),
            night_share=Decimal(0),
            holiday_share=Decimal(0),
        ),
    )

    # 1. The district draws and issues the plan (desktop).
    log_in(page, "tianning", PASSWORD)
    page.wait_for_url("**/staff/")
    page.goto(plan.get_absolute_url())
    page.fill("input[name=seed]", "2026-公开抽取")
    page.click("[data-testid=draw]")
    page.wait_for_selector("[data-testid=verified]")
    assert page.locator("[data-testid=seed]").inner_text() == "2026-公开抽取"
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=已下达")
    plan = InspectionPlan.objects.get(pk=plan.pk)
    task = plan.tasks.get(enterprise=plant)
    assert task.owner.role == Role.GRID_OFFICER  # the grid answers for its key sources
    owner_name = task.owner.username

    # 2. The owner does the inspection on a phone, with the position the phone reports.
    phone = phone_page
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"latitude": 31.7712, "longitude": 119.9723, "accuracy": 9})
    log_in(phone, owner_name, PASSWORD)
    phone.wait_for_url("**/staff/")
    phone.goto("/enforcement/tasks/")
    phone.click("text=常州铅蓄电池有限公司")
    phone.click("[data-prep=file]")
    phone.wait_for_selector("#preparation[data-done='1']")
    phone.click("[data-testid=start-inspection]")
    phone.wait_for_url("**/enforcement/inspections/**")
    _wait_for_text(phone, "#geo-status", "31.77120")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the record must fit a 390 px phone, it is {width} px wide"
    box = phone.locator("[data-testid=submit-inspection]").bounding_box()
    assert box is not None and box["height"] >= 44
    for item in CHECKLIST:
        result = "non_compliant" if item == "discharge" else "compliant"
        phone.click(f"fieldset[data-item={item}] input[value={result}] + span")
    phone.fill("textarea[name=note_discharge]", "总排口出水浑浊，快速检测铅超标")
    phone.set_input_files(
        "[data-testid=photo-input]", files=[{"name": "outlet.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    phone.click("[data-testid=upload-photo]")
    phone.wait_for_selector("#photos[data-count='1']")
    phone.click("#findings summary")
    phone.select_option("select[name=category]", "discharge")
    phone.fill("textarea[name=description]", "含铅废水总排口铅超标")
    phone.select_option("select[name=severity]", "serious")
    phone.check("input[name=is_violation]")
    phone.fill("input[name=legal_basis]", "《水污染防治法》第十条")
    phone.click("[data-testid=add-finding]")
    phone.wait_for_selector("[data-testid=finding]")
    phone.click("[data-testid=submit-inspection]")
    _wait_for_text(phone, "[data-testid=inspection-status]", "已提交")
    record = Inspection.objects.get(task=task)
    assert record.has_location and abs(record.latitude - 31.7712) < 1e-6  # type: ignore[operator]
    assert record.result_of("discharge") == "non_compliant"

    # 3. The district opens the case the violation started and fines the plant; the payment clock runs.
    page.goto("/enforcement/cases/")
    page.click("text=现场检查发现违法行为")
    page.select_option("select[name=decision]", "open")
    page.fill("textarea[name=note]", "违法事实清楚，予以立案")
    page.click("text=作出决定")
    page.wait_for_selector("text=已立案")
    page.click("text=作出执法措施决定")
    page.select_option("select[name=kind]", "fine")
    page.fill("input[name=amount]", "100000")
    page.fill("input[name=decision_number]", "常环罚〔2026〕1号")
    page.click("button:has-text('作出决定')")
    page.wait_for_selector("[data-testid=serve]")
    page.click("[data-testid=serve]")
    page.wait_for_selector("tr[data-clock='enforcement.fine_payment']")
    assert "计时中" in page.locator("tr[data-clock='enforcement.fine_payment']").inner_text()
    fine = Measure.objects.get(kind="fine")
    assert fine.amount == 100000 and fine.served_at is not None

    # 4. The officer orders rectification from the finding.
    phone.goto(record.get_absolute_url())
    phone.click("text=下达整改")
    phone.fill("input[name=deadline]", (timezone.localdate() + dt.timedelta(days=15)).isoformat())
    phone.click("button:has-text('保存')")
    phone.wait_for_selector("[data-testid=rectification-status]")
    fix = Rectification.objects.get()

    # 5. The enterprise reports with evidence from its phone.
    phone.click("[data-testid=logout]")
    log_in(phone, "qiye", PASSWORD)
    phone.wait_for_url("**/staff/")
    phone.goto("/enforcement/rectifications/")
    phone.click(f"a[href='{fix.get_absolute_url()}']")
    phone.fill("textarea[name=description]", "已更换破损管道，出水复测达标")
    phone.set_input_files(
        "input[name=evidence]", files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    phone.click("[data-testid=submit-rectification]")
    _wait_for_text(phone, "[data-testid=rectification-status]", "待核查")

    # 6. The officer verifies on site and accepts.
    phone.click("[data-testid=logout]")
    log_in(phone, owner_name, PASSWORD)
    phone.wait_for_url("**/staff/")
    phone.goto(fix.get_absolute_url())
    phone.check("input[name=decision][value=accept]")
    phone.click("[data-testid=review-rectification]")
    _wait_for_text(phone, "[data-testid=rectification-status]", "已通过核查")
    fix.refresh_from_db()
    assert fix.status == "accepted"

    # 7. The month's bulletin: 茶山街道 4 of 5 compliant (80 %, on target), 青龙街道 0 of 1 (below).
    page.goto("/enforcement/bulletin/?period=month")
    document = page.locator("[data-testid=document]").inner_text()
    assert "各网格工业污染源达标率" in document
    rows = page.locator("[data-testid=document] table").first.inner_text()
    tea = next(line for line in rows.splitlines() if "茶山街道" in line)
    assert "80.0%" in tea and "达标" in tea
    blue = next(line for line in rows.splitlines() if "青龙街道" in line)
    assert "0.0%" in blue and "低于目标" in blue
    assert "66.7%" in document  # 4 of the 6 sources inspected in district A were compliant
