"""One document model, three renderings: web page, Word (.docx) and Excel (.xlsx).

Bulletins and reports (compliance rates per grid, complaint hotspots, the target board) are built
once as a :class:`Document` of typed blocks and rendered by :func:`to_html`, :func:`to_docx` and
:func:`to_xlsx`, so the three never disagree. :func:`to_dict` gives the same content as plain
data for templates and the JSON API.

Word layout follows the common choices of GB/T 9704-2012 (党政机关公文格式): A4, margins of
37 mm top, 35 mm bottom, 28 mm left (binding side), 26 mm right (a 156 × 225 mm type area);
title in 2号 (22 pt), body in 3号 (16 pt) 仿宋 with a 2-character first-line indent and 22 lines
a page; level-1 headings in 黑体, level 2 in 楷体, level 3 in bold 仿宋; page numbers
"— 1 —" in 4号 宋体, right on odd pages and left on even ones. Every font is set with both its
Latin name and its East Asian name (``w:eastAsia``) and the styles carry
``w:lang w:eastAsia="zh-CN"``; otherwise Word shows Chinese text in whatever its theme font is.
The GB/T face for titles is 小标宋; it is not installed everywhere, so the default title face is
黑体 and :class:`DocxLayout` switches it (e.g. ``FontSpec("方正小标宋简体", size_pt=22)``).

Numbers stay numbers: numeric columns reject text, Excel receives real numbers with a number
format, and the web and Word show them rounded half away from zero, as Excel displays them.
Rounding here is for display only; rules that decide compliance round in ``epb.standards``.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from epb.lib.timeutil import require_aware, to_beijing

__all__ = [
    "Block",
    "CellValue",
    "Chart",
    "Column",
    "ColumnKind",
    "Document",
    "DocxLayout",
    "FontSpec",
    "Heading",
    "KeyValueList",
    "PageBreak",
    "Paragraph",
    "Table",
    "format_value",
    "to_dict",
    "to_docx",
    "to_html",
    "to_xlsx",
]

CellValue = str | int | float | Decimal | date | datetime | None
MISSING = "—"  # shown for an empty cell in Word and on the web


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"  # values are fractions: 0.853 shows as 85.3%
    DATE = "date"
    DATETIME = "datetime"  # aware; shown and exported in Beijing time


_NUMERIC = {ColumnKind.INTEGER, ColumnKind.DECIMAL, ColumnKind.PERCENT}
_DEFAULT_DECIMALS = {ColumnKind.INTEGER: 0, ColumnKind.DECIMAL: 2, ColumnKind.PERCENT: 1}


@dataclass(frozen=True)
class Column:
    label: str
    kind: ColumnKind = ColumnKind.TEXT
    decimals: int | None = None  # numeric columns; defaults: integer 0, decimal 2, percent 1
    unit: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ColumnKind(self.kind))
        if self.decimals is not None and (self.kind not in _NUMERIC or not 0 <= self.decimals <= 10):
            raise ValueError(f"column {self.label!r}: decimals apply to numeric columns, 0 to 10")

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    @property
    def numeric(self) -> bool:
        return self.kind in _NUMERIC

    @property
    def places(self) -> int:
        return self.decimals if self.decimals is not None else _DEFAULT_DECIMALS.get(self.kind, 0)


def _check_cell(value: object, column: Column, where: str) -> None:
    if value is None:
        return
    kind = column.kind
    if kind in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError(f"{where}: expected a number, got {value!r}")
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise ValueError(f"{where}: {value!r} is not a finite number")
        if kind is ColumnKind.INTEGER and value != int(value):
            raise ValueError(f"{where}: {value!r} is not a whole number")
    elif kind is ColumnKind.DATE:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(f"{where}: expected a date, got {value!r}")
    elif kind is ColumnKind.DATETIME:
        if not isinstance(value, datetime):
            raise ValueError(f"{where}: expected an aware datetime, got {value!r}")
        require_aware(value, where)
    elif not isinstance(value, str):
        # Numbers belong in numeric columns, so Excel gets numbers; codes are text.
        raise ValueError(f"{where}: expected text, got {value!r} (use a numeric or date column)")


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[CellValue]]
    caption: str = ""
    footnote: str = ""
    sheet_name: str = ""  # Excel sheet; defaults to the caption

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(r) for r in self.rows))
        if not self.columns:
            raise ValueError(f"table {self.caption!r} has no columns")
        for r, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.caption!r} row {r} has {len(row)} cells for {len(self.columns)} columns"
                )
            for column, value in zip(self.columns, row, strict=True):
                _check_cell(value, column, f"table {self.caption!r} row {r} column {column.label!r}")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 一、 (黑体), 2 （一） (楷体), 3 1. (bold 仿宋)

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, got {self.level}")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class KeyValueList:
    items: Sequence[tuple[str, CellValue]]
    title: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple((k, v) for k, v in self.items))
        for key, value in self.items:
            if isinstance(value, datetime):
                require_aware(value, f"value of {key!r}")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return to_beijing(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dump_option(option: Mapping[str, Any]) -> str:
    # allow_nan=False: NaN is not JSON, and a browser would refuse the whole option.
    return json.dumps(
        option, ensure_ascii=False, default=_json_default, separators=(",", ":"), allow_nan=False
    )


@dataclass(frozen=True)
class Chart:
    """An ECharts ``option`` for the web, and the same data as a table for Word and Excel."""

    title: str
    option: Mapping[str, Any]
    data: Table

    def __post_init__(self) -> None:
        try:
            _dump_option(self.option)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"chart {self.title!r}: the option must be JSON data ({exc})") from None


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | KeyValueList | Chart | PageBreak


@dataclass(frozen=True)
class Document:
    title: str
    blocks: Sequence[Block] = ()
    subtitle: str = ""
    organization: str = ""  # the issuing body, signed at the end
    number: str = ""  # 文号, e.g. 常环发〔2026〕12号
    date: date | None = None

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("a document needs a title")
        object.__setattr__(self, "blocks", tuple(self.blocks))
        for block in self.blocks:
            if not isinstance(block, Heading | Paragraph | Table | KeyValueList | Chart | PageBreak):
                raise TypeError(f"not a document block: {block!r}")
        if isinstance(self.date, datetime):
            raise TypeError("the document date is a date (成文日期), not a datetime")

    def tables(self) -> list[Table]:
        """Tables in reading order, chart data included (one Excel sheet each)."""
        return [
            b if isinstance(b, Table) else _chart_table(b)
            for b in self.blocks
            if isinstance(b, Table | Chart)
        ]


def _chart_table(chart: Chart) -> Table:
    return replace(chart.data, caption=chart.data.caption or chart.title)


# -- shared formatting -------------------------------------------------------------------------


def _decimal(value: int | float | Decimal) -> Decimal:
    # str() of a float is its shortest repr, so 2.675 rounds like Excel shows it, to 2.68.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_value(value: CellValue, column: Column | None = None) -> str:
    """How a value reads in Word and on the web."""
    column = column or Column("")
    if value is None:
        return MISSING
    if column.numeric and isinstance(value, int | float | Decimal):
        number = _decimal(value) * (100 if column.kind is ColumnKind.PERCENT else 1)
        text = f"{number.quantize(Decimal(1).scaleb(-column.places), rounding=ROUND_HALF_UP):f}"
        if text.startswith("-") and not text.strip("-0."):
            text = text[1:]  # -0.00 reads as 0.00
        return text + ("%" if column.kind is ColumnKind.PERCENT else "")
    if isinstance(value, datetime):
        return to_beijing(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return f"{value:f}" if isinstance(value, Decimal) else repr(value)
    return str(value)


def _chinese_date(d: date) -> str:
    # GB/T 9704-2012 writes the 成文日期 in Arabic numerals without leading zeros.
    return f"{d.year}年{d.month}月{d.day}日"


# -- plain structure and HTML ------------------------------------------------------------------


def _table_dict(table: Table) -> dict[str, Any]:
    return {
        "caption": table.caption,
        "footnote": table.footnote,
        "columns": [{"label": c.header, "kind": str(c.kind), "numeric": c.numeric} for c in table.columns],
        "rows": [[format_value(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows],
    }


def to_dict(doc: Document) -> dict[str, Any]:
    """The document as JSON-ready data, cells already formatted, for templates and the API."""
    blocks: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", "text": block.text})
        elif isinstance(block, Table):
            blocks.append({"type": "table", **_table_dict(block)})
        elif isinstance(block, KeyValueList):
            items = [{"key": k, "value": format_value(v)} for k, v in block.items]
            blocks.append({"type": "key_value", "title": block.title, "items": items})
        elif isinstance(block, Chart):
            option = json.loads(_dump_option(block.option))
            blocks.append(
                {"type": "chart", "title": block.title, "option": option, "data": _table_dict(block.data)}
            )
        else:
            blocks.append({"type": "page_break"})
    return {
        "title": doc.title,
        "subtitle": doc.subtitle,
        "organization": doc.organization,
        "number": doc.number,
        "date": doc.date.isoformat() if doc.date else None,
        "blocks": blocks,
    }


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_NUM = ' class="num"'


def _html_table(table: Table, css: str = "epb-table") -> str:
    out = [f'<table class="{css}">']
    if table.caption:
        out.append(f"<caption>{_e(table.caption)}</caption>")
    out.append("<thead><tr>")
    for column in table.columns:
        out.append(f'<th scope="col"{_NUM if column.numeric else ""}>{_e(column.header)}</th>')
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>")
        for value, column in zip(row, table.columns, strict=True):
            out.append(f"<td{_NUM if column.numeric else ''}>{_e(format_value(value, column))}</td>")
        out.append("</tr>")
    out.append("</tbody>")
    if table.footnote:
        out.append(f'<tfoot><tr><td colspan="{len(table.columns)}">{_e(table.footnote)}</td></tr></tfoot>')
    out.append("</table>")
    return "".join(out)


def to_html(doc: Document) -> str:
    """A semantic, escaped HTML fragment (``<article>``) for embedding in a page.

    Every piece of text is escaped. A chart is a ``<div data-echarts='…'>`` holding its option as
    escaped JSON for the page's ECharts loader, followed by its data table, which is what
    readers without JavaScript, screen readers and printouts get.
    """
    out = ['<article class="epb-document">', "<header>"]
    if doc.number:
        out.append(f'<p class="epb-doc-number">{_e(doc.number)}</p>')
    out.append(f"<h1>{_e(doc.title)}</h1>")
    if doc.subtitle:
        out.append(f'<p class="epb-subtitle">{_e(doc.subtitle)}</p>')
    out.append("</header>")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level + 1}>{_e(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_e(block.text)}</p>")
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, KeyValueList):
            out.append('<div class="epb-kv">')
            if block.title:
                out.append(f'<p class="epb-kv-title">{_e(block.title)}</p>')
            out.append("<dl>")
            out += [f"<dt>{_e(k)}</dt><dd>{_e(format_value(v))}</dd>" for k, v in block.items]
            out.append("</dl></div>")
        elif isinstance(block, Chart):
            out.append('<figure class="epb-chart">')
            out.append(
                f'<div class="epb-chart-canvas" role="img" aria-label="{_e(block.title)}" '
                f"data-echarts='{_e(_dump_option(block.option))}'></div>"
            )
            out.append(f"<figcaption>{_e(block.title)}</figcaption>")
            out.append(_html_table(block.data, "epb-table epb-chart-data"))
            out.append("</figure>")
        else:
            out.append('<div class="epb-page-break" aria-hidden="true"></div>')
    if doc.organization or doc.date:
        out.append('<footer class="epb-signature">')
        if doc.organization:
            out.append(f"<p>{_e(doc.organization)}</p>")
        if doc.date:
            out.append(f'<p><time datetime="{doc.date.isoformat()}">{_chinese_date(doc.date)}</time></p>')
        out.append("</footer>")
    out.append("</article>")
    return "\n".join(out)


# -- Word ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontSpec:
    east_asia: str
    latin: str = "Times New Roman"
    size_pt: float = 16
    bold: bool = False


@dataclass(frozen=True)
class DocxLayout:
    """Fonts and page geometry; the defaults follow GB/T 9704-2012 where a choice exists."""

    title: FontSpec = field(default_factory=lambda: FontSpec("黑体", size_pt=22))
    subtitle: FontSpec = field(default_factory=lambda: FontSpec("楷体"))
    body: FontSpec = field(default_factory=lambda: FontSpec("仿宋"))
    heading1: FontSpec = field(default_factory=lambda: FontSpec("黑体"))
    heading2: FontSpec = field(default_factory=lambda: FontSpec("楷体"))
    heading3: FontSpec = field(default_factory=lambda: FontSpec("仿宋", bold=True))
    table: FontSpec = field(default_factory=lambda: FontSpec("仿宋", size_pt=12))
    page_number: FontSpec = field(default_factory=lambda: FontSpec("宋体", size_pt=14))
    margins_mm: tuple[float, float, float, float] = (37, 35, 28, 26)  # top, bottom, left, right
    line_pitch_pt: float = 28.95  # 225 mm type area / 22 lines


_LANG_SUCCESSORS = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def _apply_font(rpr: Any, font: FontSpec) -> None:
    """Set every script's font name on a ``w:rPr`` and mark East Asian text as zh-CN."""
    rfonts = rpr.get_or_add_rFonts()
    rfonts.attrib.clear()  # drops w:asciiTheme and the like, which would override the names
    for attr, name in (("w:ascii", font.latin), ("w:hAnsi", font.latin), ("w:cs", font.latin)):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:eastAsia"), font.east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        successor = next((rpr.find(qn(t)) for t in _LANG_SUCCESSORS if rpr.find(qn(t)) is not None), None)
        if successor is not None:
            successor.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), "en-US")  # Latin runs (numbers, units) are checked as English
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(document: Any, name: str, font: FontSpec, *, base: str = "Normal") -> Any:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
    _apply_font(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(font.size_pt)
    size_cs = style.element.rPr.find(qn("w:szCs"))
    if size_cs is not None:  # the template's complex-script size would disagree
        size_cs.set(qn("w:val"), str(round(font.size_pt * 2)))
    style.font.bold = font.bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    return style


def _remove(element: Any, tag: str) -> None:
    for found in element.findall(qn(tag)):
        element.remove(found)


def _setup_styles(document: Any, layout: DocxLayout) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _apply_font(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), layout.body)

    normal = _style(document, "Normal", layout.body)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(layout.line_pitch_pt)
    pf.first_line_indent = Pt(layout.body.size_pt * 2)  # two characters
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = _style(document, "Title", layout.title)
    _remove(title.element.get_or_add_pPr(), "w:pBdr")  # the template's blue rule under the title
    _remove(title.element.get_or_add_rPr(), "w:spacing")  # and its letter spacing
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    title.paragraph_format.space_after = Pt(layout.line_pitch_pt)
    subtitle = _style(document, "Subtitle", layout.subtitle)
    subtitle.font.italic = False
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for level, font in ((1, layout.heading1), (2, layout.heading2), (3, layout.heading3)):
        heading = _style(document, f"Heading {level}", font)
        heading.font.italic = False
        heading.paragraph_format.first_line_indent = Pt(layout.body.size_pt * 2)
        heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        heading.paragraph_format.line_spacing = Pt(layout.line_pitch_pt)
    number = _style(document, "EPB Document Number", layout.body)
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_after = Pt(layout.line_pitch_pt)
    signature = _style(document, "EPB Signature", layout.body)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.right_indent = Pt(layout.body.size_pt * 4)  # 右空四字
    for name, font, align in (
        (
            "EPB Table Caption",
            replace(layout.heading1, size_pt=layout.table.size_pt + 2),
            WD_ALIGN_PARAGRAPH.CENTER,
        ),
        ("EPB Table Text", layout.table, WD_ALIGN_PARAGRAPH.LEFT),
        (
            "EPB Table Note",
            replace(layout.table, size_pt=layout.table.size_pt - 1.5),
            WD_ALIGN_PARAGRAPH.LEFT,
        ),
    ):
        style = _style(document, name, font)
        style.paragraph_format.alignment = align
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _style(document, "Footer", layout.page_number)


def _page_number(paragraph: Any) -> None:
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def _setup_page(document: Any, layout: DocxLayout) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = layout.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    # GB/T 9704: the page number's line sits 7 mm below the type area.
    section.footer_distance = Mm(max(bottom - 7 - layout.page_number.size_pt * 25.4 / 72, 5))
    document.settings.odd_and_even_pages_header_footer = True
    indent = Pt(layout.page_number.size_pt)  # one character from the edge
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        paragraph.alignment = align
        if align is WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _page_number(paragraph)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _docx_table(document: Any, table: Table) -> None:
    if table.caption:
        document.add_paragraph(table.caption, style="EPB Table Caption")
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(grid.rows[0])
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles["EPB Table Text"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(column.header).bold = True
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for cell, value, column in zip(row.cells, values, table.columns, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles["EPB Table Text"]
            if column.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif value is None:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(format_value(value, column))
    if table.footnote:
        document.add_paragraph(table.footnote, style="EPB Table Note")


def to_docx(doc: Document, layout: DocxLayout | None = None) -> bytes:
    """Render as a Word document (see the module docstring for the layout)."""
    layout = layout or DocxLayout()
    document = docx.Document()
    _setup_styles(document, layout)
    _setup_page(document, layout)
    core = document.core_properties
    core.title, core.subject, core.author = doc.title, doc.subtitle, doc.organization
    core.language = "zh-CN"
    if doc.number:
        document.add_paragraph(doc.number, style="EPB Document Number")
    document.add_paragraph(doc.title, style="Title")
    if doc.subtitle:
        document.add_paragraph(doc.subtitle, style="Subtitle")
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style=f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text, style="Normal")
        elif isinstance(block, Table):
            _docx_table(document, block)
        elif isinstance(block, KeyValueList):
            if block.title:
                document.add_paragraph(block.title, style="Heading 3")
            for key, value in block.items:
                paragraph = document.add_paragraph(style="Normal")
                paragraph.add_run(f"{key}：").bold = True
                paragraph.add_run(format_value(value))
        elif isinstance(block, Chart):
            _docx_table(document, _chart_table(block))
        else:
            document.add_page_break()
    if doc.organization or doc.date:
        document.add_paragraph(style="Normal")  # a blank line before the signature
        if doc.organization:
            document.add_paragraph(doc.organization, style="EPB Signature")
        if doc.date:
            document.add_paragraph(_chinese_date(doc.date), style="EPB Signature")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- Excel -------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EXCEL_FORMATS = {ColumnKind.DATE: "yyyy-mm-dd", ColumnKind.DATETIME: "yyyy-mm-dd hh:mm"}


def _width(text: str) -> int:
    # Excel measures columns in Latin characters; CJK characters are about two wide.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _number_format(column: Column) -> str:
    if column.kind in _EXCEL_FORMATS:
        return _EXCEL_FORMATS[column.kind]
    if column.numeric:
        body = "0" + ("." + "0" * column.places if column.places else "")
        return body + ("%" if column.kind is ColumnKind.PERCENT else "")
    return "@"


def _sheet_names(tables: Iterable[Table]) -> list[str]:
    names: list[str] = []
    for n, table in enumerate(tables, start=1):
        base = _SHEET_FORBIDDEN.sub("_", table.sheet_name or table.caption or f"表{n}").strip("' ")[:31]
        base = base or f"表{n}"
        name, k = base, 2
        while name.casefold() in {x.casefold() for x in names} or name.casefold() == "封面":
            suffix = f"({k})"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        names.append(name)
    return names


def _excel_value(value: CellValue) -> CellValue:
    if isinstance(value, datetime):
        return to_beijing(value).replace(tzinfo=None)  # Excel has no time zones: Beijing time
    return value


def _write_text(cell: Any, text: str) -> None:
    cell.value = text
    if text.startswith("="):
        cell.data_type = "s"  # user text is never a formula


def _excel_sheet(ws: Any, table: Table) -> None:
    row = 1
    widths = [_width(c.header) for c in table.columns]
    if table.caption:
        _write_text(ws.cell(row, 1), table.caption)
        ws.cell(row, 1).font = Font(bold=True, size=12)
        if len(table.columns) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
        row += 1
    header_row = row
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(row, col)
        _write_text(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in table.rows:
        row += 1
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = ws.cell(row, col)
            if isinstance(value, str):
                _write_text(cell, value)
            else:
                cell.value = _excel_value(value)
            cell.number_format = _number_format(column)
            cell.border = _BORDER
            if value is not None:
                widths[col - 1] = max(widths[col - 1], _width(format_value(value, column)))
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    last = get_column_letter(len(table.columns))
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{last}{row}"
    if table.footnote:
        _write_text(ws.cell(row + 2, 1), table.footnote)
        ws.cell(row + 2, 1).font = Font(italic=True, size=9)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)


def _put(ws: Any, row: int, value: CellValue, *, column: int = 1, font: Font | None = None) -> None:
    cell = ws.cell(row, column)
    if isinstance(value, str):
        _write_text(cell, value)
    else:
        cell.value = _excel_value(value)
        if isinstance(value, date):
            kind = ColumnKind.DATETIME if isinstance(value, datetime) else ColumnKind.DATE
            cell.number_format = _EXCEL_FORMATS[kind]
    if font is not None:
        cell.font = font


def to_xlsx(doc: Document) -> bytes:
    """Render as an Excel workbook: a cover sheet, then one sheet per table (charts' data too).

    Header rows are bold, filled and frozen, with a filter; numbers are numbers with a number
    format, dates are dates, times are Beijing time; text is never taken for a formula.
    """
    workbook = Workbook()
    cover = workbook.active
    cover.title = "封面"
    bold, section = Font(bold=True), Font(bold=True, size=12)
    _put(cover, 1, doc.title, font=Font(bold=True, size=16))
    facts: list[tuple[str, CellValue]] = [
        (k, v)
        for k, v in (("副标题", doc.subtitle), ("发布单位", doc.organization), ("文号", doc.number))
        if v
    ]
    facts += [("日期", doc.date)] if doc.date else []
    row = 2
    for block in (KeyValueList(facts), *(b for b in doc.blocks if isinstance(b, KeyValueList))):
        row += 1
        if block.title:
            _put(cover, row, block.title, font=section)
            row += 1
        for key, value in block.items:
            _put(cover, row, key, font=bold)
            _put(cover, row, value, column=2)
            row += 1
    tables = doc.tables()
    names = _sheet_names(tables)
    if tables:
        _put(cover, row + 1, "表格目录", font=section)
        row += 1
    for table, name in zip(tables, names, strict=True):
        row += 1
        _put(cover, row, name, font=Font(color="0563C1", underline="single"))
        cover.cell(row, 1).hyperlink = Hyperlink(ref=f"A{row}", location=f"{quote_sheetname(name)}!A1")
        _put(cover, row, table.caption, column=2)
        _excel_sheet(workbook.create_sheet(name), table)
    cover.column_dimensions["A"].width = max([12] + [_width(c.value) + 4 for c in cover["A"][1:] if c.value])
    cover.column_dimensions["B"].width = 60
    workbook.properties.title = doc.title
    workbook.properties.creator = doc.organization or "epb"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
