"""Analysis (S14): breakdowns, the monthly bulletin in the ministry's layout (web, Word, Excel),
callback and satisfaction rates per unit, timeliness, and sensitive-period daily reports with
zero reports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client
from docx import Document as DocxDocument

from epb.complaints import analysis, services
from epb.complaints.choices import Channel, Satisfaction
from epb.complaints.models import Complaint, DailyReport, DeclineReason
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import make_complaint, ptype
from epb.lib.timeutil import BEIJING

pytestmark = pytest.mark.django_db


def bj(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BEIJING)


@pytest.fixture
def october(bureau: Bureau, leader: Any) -> dict[str, Complaint]:
    """October 2026: four cases; one in September and one a year earlier for 环比 and 同比."""
    t = bureau.tree
    cases: dict[str, Complaint] = {}
    with time_machine.travel(bj(2025, 10, 8), tick=False):
        cases["year_ago"] = make_complaint(t.town_a1)
    with time_machine.travel(bj(2026, 9, 10), tick=False):
        cases["september"] = make_complaint(t.town_b1, type_code="noise.construction", channel=Channel.PHONE)
    with time_machine.travel(bj(2026, 8, 5), tick=False):
        cases["august"] = services.accept(
            make_complaint(t.town_a2), actor=bureau.operator
        )  # the 60-day cohort
    with time_machine.travel(bj(2026, 10, 3), tick=False):
        odour = make_complaint(t.town_a1, other_types=[ptype("water")])
        cases["odour"] = services.accept(odour, actor=bureau.operator)
        services.save_reply(
            cases["odour"], actor=bureau.operator, text="经查属实，已整改。", findings="现场检查", submit=True
        )
        services.sign_reply(cases["odour"].replies.get(), actor=leader, approve=True)
        services.record_callback(
            cases["odour"], actor=bureau.operator, reached=True, satisfaction=Satisfaction.BASIC
        )
    with time_machine.travel(bj(2026, 10, 9), tick=False):
        cases["noise"] = make_complaint(
            t.town_a1, type_code="noise.industrial", channel=Channel.PHONE, is_mass=True
        )
    with time_machine.travel(bj(2026, 10, 20), tick=False):
        cases["vague"] = make_complaint(t.town_b1, real_name=False)
        services.decline(
            cases["vague"], actor=bureau.operator, reason=DeclineReason.objects.get(code="vague")
        )
    with time_machine.travel(bj(2026, 10, 31, 23), tick=False):
        cases["late"] = make_complaint(t.town_a2, type_code="water.industrial", channel=Channel.LETTER)
    return cases


def test_breakdown_counts_every_dimension(october: dict[str, Complaint]) -> None:
    period = analysis.monthly(dt.date(2026, 10, 15))
    stats = analysis.breakdown(analysis.in_period(Complaint.objects.all(), period.start, period.end))
    assert stats.total == 4
    assert stats.type == {"大气污染": 2, "水污染": 2, "噪声污染": 1}  # multi-label: 5 > 4
    assert stats.channel == {"网上举报": 2, "12369电话": 1, "来信": 1}
    assert stats.district == {"天宁区": 3, "武进区": 1}
    assert stats.declined == {"举报线索不清、无法核实": 1}
    assert stats.mass == [october["noise"].number]
    assert stats.sub_type["噪声污染"] == {"工业噪声": 1}


def test_callback_and_satisfaction_rates_per_unit(october: dict[str, Complaint]) -> None:
    qs = Complaint.objects.all()
    by_district = dict(analysis.callback_by(qs, "district"))
    tianning = by_district["天宁区"]
    assert (tianning.owed, tianning.done, tianning.basic) == (1, 1, 1)
    assert tianning.callback_rate == 1 and tianning.satisfaction_rate == 1
    by_grid = dict(analysis.callback_by(qs, "grid"))
    assert by_grid["茶山街道"].owed == 1
    assert dict(analysis.callback_by(qs, "department"))["环境监察支队"].done == 1


def test_timeliness_follows_the_60_day_rule(october: dict[str, Complaint]) -> None:
    timing = analysis.timeliness(Complaint.objects.all(), analysis.monthly(dt.date(2026, 10, 1)))
    assert timing.cohort_label == "2026年8月"
    assert (timing.accepted, timing.finished, timing.open) == (1, 0, 1)
    assert timing.met == 1  # the odour case, replied on time in October


def test_monthly_bulletin_in_word_and_excel(
    october: dict[str, Complaint], client: Client, leader: Any
) -> None:
    client.force_login(leader)
    response = client.get("/complaints/analysis/bulletin/monthly/", {"date": "2026-10-15", "format": "docx"})
    assert response.status_code == 200
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    for heading in (
        "一、总体情况",
        "二、举报渠道",
        "三、污染类型",
        "四、涉及行业",
        "五、区域分布",
        "六、办理时效",
        "七、回访与满意度",
        "八、热点与研判",
    ):
        assert heading in text
    assert "共收到环境信访4件" in text
    assert "环比上升300.0%" in text and "同比上升300.0%" in text
    assert "不予受理1件" in text and october["noise"].number in text
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                "/complaints/analysis/bulletin/monthly/", {"date": "2026-10-15", "format": "xlsx"}
            ).content
        )
    )
    assert "各渠道来件" in book.sheetnames or any("渠道" in name for name in book.sheetnames)
    page = client.get("/complaints/analysis/bulletin/monthly/", {"date": "2026-10-15"}).content.decode()
    assert "2026年10月" in page and "data-echarts" in page
    weekly = client.get("/complaints/analysis/bulletin/weekly/", {"date": "2026-10-09"}).content.decode()
    assert "第41周" in weekly and "较上周" in weekly


def test_a_district_gets_its_own_bulletin(
    october: dict[str, Complaint], client: Client, district_officer: Any
) -> None:
    client.force_login(district_officer)
    response = client.get("/complaints/analysis/bulletin/monthly/", {"date": "2026-10-15", "format": "docx"})
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "天宁区环境信访投诉月报" in text and "共收到环境信访3件" in text


def test_daily_reports_in_a_sensitive_period_include_zero_reports(
    bureau: Bureau, leader: Any, client: Client
) -> None:
    period = services.save_period(
        actor=leader,
        name="国庆",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 3),
        escalate_severity=2,
        escalate_urgency=2,
    )
    with time_machine.travel(bj(2026, 10, 2, 15), tick=False):
        make_complaint(bureau.tree.town_a1, is_sudden=True)
    assert services.generate_daily_reports(now=bj(2026, 10, 3, 9)) == 2  # Oct 1 and Oct 2; Oct 3 is not over
    assert services.generate_daily_reports(now=bj(2026, 10, 5, 9)) == 1
    assert services.generate_daily_reports(now=bj(2026, 10, 6, 9)) == 0  # idempotent
    reports = {r.day: r for r in DailyReport.objects.filter(period=period)}
    assert reports[dt.date(2026, 10, 1)].total == 0
    assert "零报告" in reports[dt.date(2026, 10, 1)].content["text"]
    assert reports[dt.date(2026, 10, 2)].total == 1
    assert reports[dt.date(2026, 10, 2)].content["incidents"][0]["flags"] == ["突发"]
    client.force_login(leader)
    response = client.get(
        f"/complaints/analysis/daily/{reports[dt.date(2026, 10, 1)].pk}/", {"format": "docx"}
    )
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "零报告" in text


def test_the_dashboard_and_the_stats_api(october: dict[str, Complaint], client: Client, leader: Any) -> None:
    client.force_login(leader)
    page = client.get("/complaints/analysis/", {"start": "2026-10-01", "end": "2026-10-31"}).content.decode()
    assert page.count("data-echarts") >= 9 and "data-hotspots" in page
    stats = client.get("/api/v1/complaints/stats", {"since": "2026-10-01", "until": "2026-10-31"}).json()
    assert stats["total"] == 4 and {"name": "水污染", "count": 2} in stats["by_type"]
    assert (
        client.get("/api/v1/complaints/stats", {"since": "2026-10-31", "until": "2026-10-01"}).status_code
        == 422
    )


def test_the_dashboard_charts_are_titled_in_the_readers_language(
    october: dict[str, Complaint], client: Client, leader: Any
) -> None:
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    page = client.get("/complaints/analysis/", {"start": "2026-10-01", "end": "2026-10-31"}).content.decode()
    assert 'aria-label="Cases over time"' in page and "来件趋势" not in page
