"""Reports: the monthly water bulletin as Word (reopened, fonts checked), the daily reports, Excel."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from epb.lib.documents import Chart, to_docx, to_html, to_xlsx
from epb.quality import reports, services
from epb.quality.choices import SiteKind
from epb.quality.tests.factories import make_water_body, make_water_sample, make_water_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(tree: Any, settings: Any) -> dict[str, Any]:
    settings.EPB_QUALITY_REPORT_ORGANIZATION = "常州市环境保护局"
    canal = make_water_body(name="京杭运河")
    caoqiao = make_water_body(name="漕桥河", inflow_taihu=True)
    gehu = make_water_body(name="滆湖", kind="lake")
    changjiang = make_water_body(name="长江")
    desheng = make_water_body(name="德胜河", clean_water=True)
    sites = {
        "zhonglou": make_water_site(
            tree.town_a1, name="钟楼闸", water_body=canal, taihu_assessment=True, target_class="IV"
        ),
        "wumu": make_water_site(
            tree.town_b1, name="五牧", water_body=canal, taihu_assessment=True, target_class="III"
        ),
        "yuxiang": make_water_site(tree.town_b1, name="漕桥河裕巷桥", water_body=caoqiao, target_class="IV"),
        "gehu": make_water_site(tree.town_b1, name="滆湖北", water_body=gehu, kind=SiteKind.LAKE_POINT),
        "weicun": make_water_site(
            tree.town_a1,
            name="长江魏村水源地",
            water_body=changjiang,
            kind=SiteKind.DRINKING_SOURCE,
            target_class="II",
        ),
        "desheng": make_water_site(tree.town_a1, name="德胜河魏村枢纽", water_body=desheng),
    }
    day = date(2010, 5, 10)
    make_water_sample(sites["zhonglou"], day, {"DO": "6.1", "NH3N": "1.2", "TP": "0.22"})  # IV: on target
    make_water_sample(
        sites["wumu"], day, {"DO": "6.0", "NH3N": "1.62", "TP": "0.21"}
    )  # V: NH3N 0.62 over III
    make_water_sample(sites["yuxiang"], day, {"NH3N": "2.4", "TP": "0.3"})  # 劣Ⅴ
    make_water_sample(
        sites["gehu"], day, {"TP": "0.08", "TN": "1.8", "Chla": "25", "SD": "0.4", "CODMn": "5.2"}
    )
    make_water_sample(
        sites["gehu"],
        date(2009, 5, 10),
        {"TP": "0.09", "TN": "2.0", "Chla": "28", "SD": "0.35", "CODMn": "5.5"},
    )
    make_water_sample(sites["weicun"], day, {"DO": "8.0", "NH3N": "0.15", "TP": "0.04", "Fe": "0.1"})
    make_water_sample(sites["desheng"], day, {"NH3N": "0.8", "TP": "0.12"})
    make_water_sample(sites["desheng"], date(2010, 5, 9), {"NH3N": "0.5", "TP": "0.1"})
    return sites


def _east_asia(rpr: Any) -> str:
    return str(rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")))


def test_the_monthly_bulletin_is_a_word_document_that_opens(network: dict[str, Any], leader: Any) -> None:
    document = reports.monthly_bulletin(date(2010, 5, 1), leader)
    word = docx.Document(io.BytesIO(to_docx(document)))
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[:2] == ["水环境质量月报", "2010年5月"]
    assert "一、集中式饮用水源地" in texts and "二、省级太湖考核断面" in texts
    assert "本月全市 1 个集中式饮用水源地水质达标率为 100.0%。" in texts
    assert "本月 2 个省级太湖考核断面中 1 个达到水质目标。" in texts
    assert texts[-2:] == ["常州市环境保护局", "2010年5月31日"]
    tables = {t.rows[0].cells[0].text: t for t in word.tables}
    taihu = next(t for t in word.tables if t.rows[1].cells[0].text == "钟楼闸")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in taihu.rows[1:]}
    assert rows["钟楼闸"][3:5] == ["Ⅳ类", "达标"]
    assert rows["五牧"][3:6] == ["Ⅴ类", "未达标", "氨氮(0.62)、总磷(0.05)"]  # TP 0.21 is IV
    inflow = next(t for t in word.tables if t.rows[1].cells[0].text == "漕桥河裕巷桥")
    assert inflow.rows[1].cells[6].text == "劣Ⅴ类"
    assert "湖泊" in tables
    lake = tables["湖泊"].rows[1]
    assert lake.cells[0].text == "滆湖" and lake.cells[4].text == "轻度富营养"
    # Chinese renders in the bureau's fonts: each style names its East Asian face and zh-CN.
    styles = word.styles
    assert _east_asia(styles["Normal"].element.rPr) == "仿宋"
    assert _east_asia(styles["Title"].element.rPr) == "黑体"
    assert _east_asia(styles["Heading 1"].element.rPr) == "黑体"
    assert _east_asia(styles["EPB Table Text"].element.rPr) == "仿宋"
    assert styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert word.core_properties.language == "zh-CN"


def test_the_bulletin_in_excel_and_on_the_web(network: dict[str, Any], leader: Any) -> None:
    document = reports.monthly_bulletin(date(2010, 5, 1), leader)
    book = load_workbook(io.BytesIO(to_xlsx(document)))
    assert {"封面", "饮用水源地", "太湖考核断面", "入湖河道", "湖泊"} <= set(book.sheetnames)
    html = to_html(document)
    assert "data-echarts" in html and "钟楼闸" in html
    assert any(isinstance(b, Chart) for b in document.blocks)


def test_a_district_gets_its_own_sites_only(network: dict[str, Any], other_district_officer: Any) -> None:
    html = to_html(reports.monthly_bulletin(date(2010, 5, 1), other_district_officer))
    assert "五牧" in html and "钟楼闸" not in html


def test_drinking_daily_report_names_the_missing_source(
    network: dict[str, Any], tree: Any, leader: Any
) -> None:
    make_water_site(tree.town_b1, name="沙河水库水源地", kind=SiteKind.DRINKING_SOURCE)
    document = reports.drinking_daily(date(2010, 5, 10), leader)
    text = to_html(document)
    assert (
        "2010年5月10日，全市 2 个集中式饮用水源地中 1 个报送了水质数据，水质均达标。未报送：沙河水库水源地。"
        in text
    )
    assert "未报送" in text and "长江魏村水源地" in text


def test_clean_water_daily_weekly_monthly(network: dict[str, Any], leader: Any) -> None:
    daily = to_html(reports.clean_daily(date(2010, 5, 10), leader))
    assert "德胜河魏村枢纽" in daily and "有所变差" in daily  # Ⅱ类 (0.5, 0.1) the day before, Ⅲ类 now
    weekly = reports.clean_weekly(date(2010, 5, 10), leader)
    assert weekly.subtitle.startswith("一周一告 · 2010年第19周")
    monthly = to_html(reports.clean_monthly(date(2010, 5, 1), leader))
    assert "一月一评" in monthly and "德胜河魏村枢纽" in monthly


def test_warnings_are_listed_in_the_daily_report(network: dict[str, Any], leader: Any) -> None:
    from decimal import Decimal

    from epb.quality.tests.factories import at

    site = network["weicun"]
    services.save_threshold(actor=None, site=site, item="NH3N", upper=Decimal("0.1"))
    services.record_water_sample(
        actor=None, site=site, sampled_at=at(date(2010, 5, 11), 9), values={"NH3N": "0.2"}
    )
    assert "高于预警线" in to_html(reports.drinking_daily(date(2010, 5, 11), leader))


def test_unknown_report() -> None:
    with pytest.raises(ValueError):
        reports.build("weekly_gossip", date(2010, 5, 1), None)
