import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from epb.lib.documents import (
    Chart,
    Column,
    ColumnKind,
    Document,
    DocxLayout,
    FontSpec,
    Heading,
    KeyValueList,
    PageBreak,
    Paragraph,
    Table,
    format_value,
    to_dict,
    to_docx,
    to_html,
    to_xlsx,
)

HOSTILE = "<script>alert('x')</script> & \"quotes\""

GRID_TABLE = Table(
    [
        Column("网格"),
        Column("企业数", ColumnKind.INTEGER, unit="家"),
        Column("达标率", ColumnKind.PERCENT),
        Column("COD 浓度", ColumnKind.DECIMAL, 2, "mg/L"),
        Column("检查日期", ColumnKind.DATE),
        Column("最近报警", ColumnKind.DATETIME),
    ],
    [
        [
            "湖塘-1",
            12,
            0.8535,
            Decimal("2.675"),
            date(2026, 2, 14),
            datetime(2026, 2, 14, 15, 59, tzinfo=UTC),
        ],
        ["湖塘-2", 7, 1, 2.675, date(2026, 2, 24), None],
        [HOSTILE, 0, None, None, None, None],
        ['=HYPERLINK("http://evil","点我")', 3, 0.5, -0.001, None, None],
    ],
    caption="表1 各网格企业达标情况",
    footnote="注：达标率 = 达标企业数 ÷ 检查企业数。",
)
CHART = Chart(
    "月度投诉趋势",
    {
        "xAxis": {"type": "category", "data": ["1月", "2月"]},
        "series": [{"type": "line", "data": [Decimal("12"), 30]}],
    },
    Table([Column("月份"), Column("投诉件数", ColumnKind.INTEGER, unit="件")], [["1月", 12], ["2月", 30]]),
)
DOC = Document(
    title="2026年第一季度网格环境监管通报",
    subtitle="（第1期）",
    organization="常州市环境保护局",
    number="常环发〔2026〕12号",
    date=date(2026, 4, 3),
    blocks=[
        Heading("一、总体情况"),
        Paragraph("本季度共检查企业 22 家。" + HOSTILE),
        Heading("（一）达标情况", 2),
        GRID_TABLE,
        Heading("1. 说明", 3),
        KeyValueList(
            [
                ("统计时段", "2026年1月至3月"),
                ("检查企业", 22),
                ("平均浓度", Decimal("2.50")),
                ("生成时间", datetime(2026, 4, 3, 1, 0, tzinfo=UTC)),
            ],
            title="概况",
        ),
        PageBreak(),
        CHART,
    ],
)


# -- the model ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        (Column("x", ColumnKind.DECIMAL), 2.675, "2.68"),  # as Excel shows it, not 2.67
        (Column("x", ColumnKind.DECIMAL), Decimal("2.665"), "2.67"),  # half away from zero
        (Column("x", ColumnKind.DECIMAL), -2.675, "-2.68"),
        (Column("x", ColumnKind.DECIMAL), -0.001, "0.00"),  # no "-0.00"
        (Column("x", ColumnKind.DECIMAL, 0), 12.5, "13"),
        (Column("x", ColumnKind.DECIMAL, 3), 12, "12.000"),
        (Column("x", ColumnKind.INTEGER), 1200000, "1200000"),
        (Column("x", ColumnKind.INTEGER), 7.0, "7"),
        (Column("x", ColumnKind.PERCENT), 0.8535, "85.4%"),
        (Column("x", ColumnKind.PERCENT, 0), 1, "100%"),
        (Column("x", ColumnKind.PERCENT, 2), Decimal("0.123456"), "12.35%"),
        (Column("x", ColumnKind.DATE), date(2026, 2, 14), "2026-02-14"),
        (Column("x", ColumnKind.DATETIME), datetime(2026, 2, 14, 16, 0, tzinfo=UTC), "2026-02-15 00:00"),
        (Column("x"), "文本", "文本"),
        (Column("x", ColumnKind.DECIMAL), None, "—"),
        (None, 22, "22"),
        (None, 0.1, "0.1"),
        (None, Decimal("2.50"), "2.50"),
        (None, date(2026, 1, 1), "2026-01-01"),
    ],
)
def test_format_value(column: Column | None, value: Any, text: str) -> None:
    assert format_value(value, column) == text


@pytest.mark.parametrize(
    ("columns", "rows", "words"),
    [
        ([Column("a"), Column("b")], [["x"]], "row 1 has 1 cells for 2 columns"),
        ([Column("n", ColumnKind.DECIMAL)], [["12.5"]], "expected a number, got '12.5'"),
        ([Column("n", ColumnKind.INTEGER)], [[True]], "expected a number"),
        ([Column("n", ColumnKind.INTEGER)], [[1.5]], "not a whole number"),
        ([Column("n", ColumnKind.DECIMAL)], [[float("nan")]], "not a finite number"),
        ([Column("n", ColumnKind.DECIMAL)], [[Decimal("sNaN")]], "not a finite number"),
        ([Column("n", ColumnKind.PERCENT)], [[float("inf")]], "not a finite number"),
        ([Column("d", ColumnKind.DATE)], [[datetime(2026, 1, 1, tzinfo=UTC)]], "expected a date"),
        ([Column("d", ColumnKind.DATE)], [["2026-01-01"]], "expected a date"),
        ([Column("t", ColumnKind.DATETIME)], [[date(2026, 1, 1)]], "expected an aware datetime"),
        ([Column("t", ColumnKind.DATETIME)], [[datetime(2026, 1, 1)]], "naive"),
        ([Column("s")], [[12]], "expected text, got 12"),
        ([], [], "has no columns"),
    ],
)
def test_tables_refuse_bad_cells(columns: list[Column], rows: list[list[Any]], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Table(columns, rows, caption="t")


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Column("x", ColumnKind.TEXT, decimals=2), ValueError, "numeric columns"),
        (lambda: Column("x", ColumnKind.DECIMAL, decimals=11), ValueError, "0 to 10"),
        (lambda: Column("x", "money"), ValueError, "money"),  # type: ignore[arg-type]
        (lambda: Heading("x", 4), ValueError, "1, 2 or 3"),
        (lambda: Document("  "), ValueError, "needs a title"),
        (lambda: Document("t", ["text"]), TypeError, "not a document block"),  # type: ignore[list-item]
        (lambda: Document("t", date=datetime(2026, 1, 1, tzinfo=UTC)), TypeError, "成文日期"),
        (lambda: KeyValueList([("时间", datetime(2026, 1, 1))]), ValueError, "naive"),
        (lambda: Chart("c", {"data": {1, 2}}, CHART.data), ValueError, "must be JSON data"),
        (lambda: Chart("c", {"v": float("nan")}, CHART.data), ValueError, "must be JSON data"),
    ],
)
def test_bad_model_values(make: Any, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_column_kind_accepts_text_and_tables_freeze_their_rows() -> None:
    assert Column("x", "percent").kind is ColumnKind.PERCENT  # type: ignore[arg-type]
    rows = [["a"]]
    table = Table([Column("x")], rows)
    rows[0][0] = "changed"
    assert table.rows == (("a",),)


def test_tables_in_reading_order_include_chart_data_named_after_the_chart() -> None:
    assert [t.caption for t in DOC.tables()] == ["表1 各网格企业达标情况", "月度投诉趋势"]


# -- HTML --------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector


def test_html_escapes_user_text() -> None:
    markup = to_html(DOC)
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in markup
    parsed = parse_html(markup)
    assert "script" not in [tag for tag, _ in parsed.tags]
    assert any(HOSTILE in chunk for chunk in parsed.text)  # the reader still sees the words


def test_html_is_semantic() -> None:
    parsed = parse_html(to_html(DOC))
    tags = [tag for tag, _ in parsed.tags]
    for tag in ("article", "header", "h1", "h2", "h3", "h4", "table", "caption", "thead", "tbody", "tfoot"):
        assert tag in tags, tag
    assert tags.count("h1") == 1
    headers = [attrs for tag, attrs in parsed.tags if tag == "th"]
    assert all(attrs.get("scope") == "col" for attrs in headers)
    assert [a.get("class") for a in headers[:3]] == [None, "num", "num"]
    assert ("time", {"datetime": "2026-04-03"}) in parsed.tags
    for words in ("常环发〔2026〕12号", "2026年4月3日", "85.4%", "2.68", "2026-02-14 23:59", "—"):
        assert any(words in chunk for chunk in parsed.text), words


def test_html_chart_carries_its_option_and_a_table_fallback() -> None:
    parsed = parse_html(to_html(DOC))
    (canvas,) = [attrs for tag, attrs in parsed.tags if "data-echarts" in attrs]
    assert json.loads(canvas["data-echarts"] or "") == {
        "xAxis": {"type": "category", "data": ["1月", "2月"]},
        "series": [{"type": "line", "data": [12.0, 30]}],
    }
    assert canvas["role"] == "img" and canvas["aria-label"] == "月度投诉趋势"
    assert ("table", {"class": "epb-table epb-chart-data"}) in parsed.tags
    assert "投诉件数（件）" in parsed.text


def test_html_chart_option_cannot_break_out_of_its_attribute() -> None:
    chart = Chart("c", {"name": "'><img src=x onerror=alert(1)>", "when": date(2026, 1, 1)}, CHART.data)
    markup = to_html(Document("t", [chart]))
    assert "<img" not in markup
    (canvas,) = [attrs for tag, attrs in parse_html(markup).tags if "data-echarts" in attrs]
    assert json.loads(canvas["data-echarts"] or "")["name"] == "'><img src=x onerror=alert(1)>"
    assert json.loads(canvas["data-echarts"] or "")["when"] == "2026-01-01"


def test_minimal_document_renders_everywhere() -> None:
    minimal = Document("简报")
    markup = to_html(minimal)
    assert "<footer" not in markup and "epb-subtitle" not in markup
    assert docx.Document(io.BytesIO(to_docx(minimal))).paragraphs[0].text == "简报"
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx(minimal))).sheetnames == ["封面"]
    assert to_dict(minimal)["date"] is None


def test_to_dict_is_json_ready() -> None:
    data = to_dict(DOC)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert [b["type"] for b in data["blocks"]] == [
        "heading",
        "paragraph",
        "heading",
        "table",
        "heading",
        "key_value",
        "page_break",
        "chart",
    ]
    table = data["blocks"][3]
    assert table["columns"][1] == {"label": "企业数（家）", "kind": "integer", "numeric": True}
    assert table["rows"][0][:3] == ["湖塘-1", "12", "85.4%"]
    assert data["blocks"][5]["items"][3] == {"key": "生成时间", "value": "2026-04-03 09:00"}
    assert data["date"] == "2026-04-03"


# -- Word --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word() -> Any:
    return docx.Document(io.BytesIO(to_docx(DOC)))


def fonts(element: Any) -> dict[str, str]:
    rfonts = element.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}


def test_docx_content_in_order(word: Any) -> None:
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[:5] == [
        "常环发〔2026〕12号",
        DOC.title,
        "（第1期）",
        "一、总体情况",
        "本季度共检查企业 22 家。" + HOSTILE,
    ]
    assert texts[-2:] == ["常州市环境保护局", "2026年4月3日"]
    assert "统计时段：2026年1月至3月" in texts
    assert "平均浓度：2.50" in texts
    styles = {p.text: p.style.name for p in word.paragraphs if p.text}
    assert styles[DOC.title] == "Title"
    assert styles["（一）达标情况"] == "Heading 2"
    assert styles["常州市环境保护局"] == "EPB Signature"


def test_docx_tables_hold_formatted_numbers(word: Any) -> None:
    grid, chart = word.tables
    assert [c.text for c in grid.rows[0].cells] == [c.header for c in GRID_TABLE.columns]
    assert [c.text for c in grid.rows[1].cells] == [
        "湖塘-1",
        "12",
        "85.4%",
        "2.68",
        "2026-02-14",
        "2026-02-14 23:59",
    ]
    assert [c.text for c in grid.rows[3].cells][1:] == ["0", "—", "—", "—", "—"]
    assert grid.rows[3].cells[0].text == HOSTILE
    assert grid.rows[1].cells[1].paragraphs[0].alignment == 2  # numbers right-aligned
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on each page
    assert [c.text for c in chart.rows[2].cells] == ["2月", "30"]
    captions = [p.text for p in word.paragraphs if p.style.name == "EPB Table Caption"]
    assert captions == ["表1 各网格企业达标情况", "月度投诉趋势"]


@pytest.mark.parametrize(
    ("style", "east_asia", "half_points"),
    [
        ("Normal", "仿宋", 32),
        ("Title", "黑体", 44),
        ("Subtitle", "楷体", 32),
        ("Heading 1", "黑体", 32),
        ("Heading 2", "楷体", 32),
        ("Heading 3", "仿宋", 32),
        ("EPB Table Text", "仿宋", 24),
        ("Footer", "宋体", 28),
    ],
)
def test_docx_styles_name_the_east_asian_font(
    word: Any, style: str, east_asia: str, half_points: int
) -> None:
    rpr = word.styles[style].element.rPr
    assert fonts(rpr) == {
        "ascii": "Times New Roman",
        "hAnsi": "Times New Roman",
        "cs": "Times New Roman",
        "eastAsia": east_asia,
    }
    lang = rpr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == str(half_points)
    assert rpr.find(qn("w:color")).get(qn("w:val")) == "000000"
    assert rpr.find(qn("w:color")).get(qn("w:themeColor")) is None


def test_docx_defaults_leave_no_theme_font_behind(word: Any) -> None:
    rpr = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert fonts(rpr)["eastAsia"] == "仿宋"
    assert not [name for name in fonts(rpr) if "heme" in name]
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert word.styles["Title"].element.pPr.find(qn("w:pBdr")) is None


def test_docx_page_follows_gb_t_9704(word: Any) -> None:
    section = word.sections[0]
    measured = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    measured += [section.left_margin, section.right_margin]
    # Word stores twentieths of a point, so millimetres come back within a twip.
    assert [round(length.mm, 1) for length in measured] == [210, 297, 37, 35, 28, 26]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment  # odd pages right, even pages left
        xml = paragraph._p.xml
        assert "PAGE" in xml and "fldChar" in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    normal = word.styles["Normal"].paragraph_format
    assert normal.first_line_indent == Pt(32)  # two characters of 16 pt
    assert word.core_properties.language == "zh-CN"


def test_docx_layout_can_switch_the_title_face() -> None:
    layout = DocxLayout(title=FontSpec("方正小标宋简体", size_pt=22))
    word = docx.Document(io.BytesIO(to_docx(DOC, layout)))
    assert fonts(word.styles["Title"].element.rPr)["eastAsia"] == "方正小标宋简体"


def test_docx_page_break(word: Any) -> None:
    assert 'w:type="page"' in word.element.body.xml


# -- Excel -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book() -> Any:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(DOC)))


def test_xlsx_sheets_and_cover(book: Any) -> None:
    assert book.sheetnames == ["封面", "表1 各网格企业达标情况", "月度投诉趋势"]
    cover = book["封面"]
    assert cover["A1"].value == DOC.title and cover["A1"].font.b
    values = [(r[0].value, r[1].value) for r in cover.iter_rows(min_row=3) if r[0].value]
    assert ("文号", "常环发〔2026〕12号") in values
    assert ("日期", datetime(2026, 4, 3)) in values
    assert ("检查企业", 22) in values
    assert ("生成时间", datetime(2026, 4, 3, 9, 0)) in values  # Beijing time
    links = [c for c in cover["A"] if c.hyperlink]
    assert [c.hyperlink.location for c in links] == ["'表1 各网格企业达标情况'!A1", "'月度投诉趋势'!A1"]


def test_xlsx_table_sheet(book: Any) -> None:
    ws = book["表1 各网格企业达标情况"]
    assert ws["A1"].value == "表1 各网格企业达标情况"
    assert [c.value for c in ws[2]] == [c.header for c in GRID_TABLE.columns]
    assert all(c.font.b for c in ws[2]) and ws["A2"].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:F6"
    row = ws[3]
    assert row[1].value == 12 and row[1].data_type == "n" and row[1].number_format == "0"
    assert row[2].value == pytest.approx(0.8535) and row[2].number_format == "0.0%"
    assert row[3].value == pytest.approx(2.675) and row[3].data_type == "n" and row[3].number_format == "0.00"
    assert row[4].value == datetime(2026, 2, 14) and row[4].number_format == "yyyy-mm-dd"
    assert row[5].value == datetime(2026, 2, 14, 23, 59) and row[5].is_date
    assert ws["B5"].value == 0 and ws["C5"].value is None
    assert ws["A5"].value == HOSTILE
    formula_like = ws["A6"]
    assert formula_like.value.startswith("=HYPERLINK") and formula_like.data_type == "s"
    assert ws["A8"].value == GRID_TABLE.footnote


def test_xlsx_column_widths_fit_chinese(book: Any) -> None:
    ws = book["表1 各网格企业达标情况"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    # "COD 浓度（mg/L）": "COD " 4 + "浓度" 4 + "（" 2 + "mg/L" 4 + "）" 2 = 16, + 2 padding.
    assert widths["D"] == 18
    assert widths["E"] == 12  # "检查日期" is 8 wide; "2026-02-14" is 10; + 2
    assert widths["A"] == len(HOSTILE) + 2  # the longest text in the column
    chart = book["月度投诉趋势"]
    assert chart.freeze_panes == "A3" and chart["B3"].value == 12


def test_sheet_names_are_cleaned_and_unique() -> None:
    tables = [
        Table([Column("x")], [], caption="a/b:c*d?[e]"),
        Table([Column("x")], [], caption="a/b:c*d?[e]"),
        Table([Column("x")], [], caption="封面"),
        Table([Column("x")], [], caption="很长" * 20),
        Table([Column("x")], [], sheet_name="'"),
        Table([Column("x")], []),
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(Document("t", tables))))
    assert book.sheetnames == [
        "封面",
        "a_b_c_d__e_",
        "a_b_c_d__e_(2)",
        "封面(2)",
        "很长" * 15 + "很",
        "表5",
        "表6",
    ]
    assert book["表6"].auto_filter.ref is None  # no rows, no filter
    assert book["表5"].freeze_panes == "A2"  # no caption: the header is row 1


# -- documents with less in them ----------------------------------------------------------------

PLAIN = Document(
    title="情况简报",
    organization="武进分局",
    blocks=[
        KeyValueList([("点位", "湖塘"), ("数值", 1.5)]),
        Table([Column("说明"), Column("备注")], [["很长的说明" * 20, None]]),
        Chart(
            "实时",
            {"updated": datetime(2026, 2, 14, 16, 0, tzinfo=UTC)},
            Table([Column("x")], [["a"]], caption="原始数据"),
        ),
    ],
)
DATED = Document(title="情况简报", date=date(2026, 2, 14))


def test_plain_document_in_html() -> None:
    markup = to_html(PLAIN)
    parsed = parse_html(markup)
    assert "epb-kv-title" not in markup and "<caption>" not in markup.split("epb-chart")[0]
    assert "<p>武进分局</p>" in markup and "<time" not in markup
    (canvas,) = [attrs for tag, attrs in parsed.tags if "data-echarts" in attrs]
    assert json.loads(canvas["data-echarts"] or "") == {"updated": "2026-02-15T00:00:00+08:00"}
    dated = to_html(DATED)
    assert '<time datetime="2026-02-14">2026年2月14日</time>' in dated and "<p>武进分局</p>" not in dated


def test_plain_document_in_word() -> None:
    word: Any = docx.Document(io.BytesIO(to_docx(PLAIN)))
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[0] == "情况简报"  # no document number line
    assert texts[-1] == "武进分局"
    assert "点位：湖塘" in texts and "数值：1.5" in texts
    assert [p.text for p in word.paragraphs if p.style.name == "EPB Table Caption"] == ["原始数据"]
    assert [p.text for p in docx.Document(io.BytesIO(to_docx(DATED))).paragraphs if p.text][
        -1
    ] == "2026年2月14日"


def test_plain_document_in_excel() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(PLAIN)))
    assert book.sheetnames == ["封面", "表1", "原始数据"]
    cover = [(r[0].value, r[1].value) for r in book["封面"].iter_rows(min_row=3) if r[0].value]
    assert cover[:3] == [("发布单位", "武进分局"), ("点位", "湖塘"), ("数值", 1.5)]
    sheet = book["表1"]
    assert sheet.freeze_panes == "A2" and sheet["B2"].value is None
    assert sheet.column_dimensions["A"].width == 60  # capped
    assert sheet.column_dimensions["B"].width == 8  # the minimum


def test_lang_goes_before_the_elements_the_schema_puts_after_it() -> None:
    from docx.oxml import parse_xml

    from epb.lib.documents import _apply_font

    rpr = parse_xml(
        '<w:rPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:rFonts w:asciiTheme="minorHAnsi"/><w:eastAsianLayout w:vert="1"/></w:rPr>'
    )
    _apply_font(rpr, FontSpec("仿宋"))
    assert [child.tag.split("}")[1] for child in rpr] == ["rFonts", "lang", "eastAsianLayout"]
    assert fonts(rpr)["eastAsia"] == "仿宋" and "asciiTheme" not in fonts(rpr)
