"""The weekly and monthly bulletins (周报、月报), in the order of the ministry's monthly 12369 bulletin,
as one document rendered to the web, Word and Excel by ``epb.lib.documents``."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from epb.complaints import rules
from epb.complaints.analysis import (
    NO_ENTERPRISE,
    UNASSIGNED,
    Breakdown,
    Period,
    breakdown,
    callback_by,
    in_period,
    pie_chart,
    timeliness,
)
from epb.complaints.models import Complaint
from epb.lib.documents import (
    CellValue,
    Column,
    ColumnKind,
    Document,
    Heading,
    KeyValueList,
    Paragraph,
    Table,
)


def _share(part: int, whole: int) -> Decimal | None:
    return rules.ratio(part, whole)


def _table(label: str, counts: Counter[str], total: int, caption: str, limit: int | None = None) -> Table:
    items = counts.most_common(limit)
    return Table(
        [Column(label), Column("件数", ColumnKind.INTEGER), Column("占比", ColumnKind.PERCENT)],
        [[name, n, _share(n, total)] for name, n in items],
        caption=caption,
    )


def _change_text(current: int, previous: int, word: str) -> str:
    value = rules.change(current, previous)
    if value is None:
        return f"{word}无可比数据"
    if value == 0:
        return f"{word}持平"
    pct = f"{abs(value) * 100:.1f}%"
    return f"{word}{'上升' if value > 0 else '下降'}{pct}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def bulletin(qs: QuerySet[Complaint], period: Period, *, scope_name: str = "") -> Document:
    """The weekly or monthly bulletin, in the order of the ministry's monthly 12369 bulletin:
    totals with 环比/同比 and acceptance; channels; pollution types and sub-types; industries;
    regions; timeliness under the 60-day rule; callbacks and satisfaction; hotspots and incidents."""
    current = in_period(qs, period.start, period.end)
    stats = breakdown(current)
    prev_total = in_period(qs, *period.previous).count() if period.previous else 0
    prev_stats = breakdown(in_period(qs, *period.previous)) if period.previous else Breakdown()
    yoy_total = in_period(qs, *period.year_ago).count() if period.year_ago else 0
    word_prev = "环比" if period.kind != "weekly" else "较上周"
    title_kind = {"weekly": "周报", "monthly": "月报"}.get(period.kind, "情况")
    name = scope_name or settings.SITE_NAME.replace("环境保护局", "")
    total = stats.total
    blocks: list[Any] = []

    declined_total = sum(stats.declined.values())
    blocks.append(Heading("一、总体情况"))
    blocks.append(
        Paragraph(
            f"{period.label}，共收到环境信访{total}件，{_change_text(total, prev_total, word_prev)}，"
            f"{_change_text(total, yoy_total, '同比')}。"
            f"其中投诉举报{stats.complaints}件、咨询{stats.consultations}件；"
            f"已受理{stats.accepted}件，不予受理{declined_total}件，移送其他部门{stats.transferred}件，"
            f"并案{stats.merged}件；截至统计时已办结{stats.replied}件，仍在办理{stats.open}件。"
        )
    )
    if stats.declined:
        blocks.append(_table("不予受理理由", stats.declined, declined_total, "不予受理情况"))
    blocks.append(
        KeyValueList(
            [
                ("来件总数", str(total)),
                (f"上期（{word_prev}）", str(prev_total)),
                ("去年同期", str(yoy_total)),
                ("重复举报", str(stats.repeat)),
                ("群体性", str(len(stats.mass))),
                ("突发环境事件", str(len(stats.sudden))),
            ],
            title="主要数据",
        )
    )

    blocks.append(Heading("二、举报渠道"))
    blocks.append(
        Table(
            [
                Column("渠道"),
                Column("件数", ColumnKind.INTEGER),
                Column("占比", ColumnKind.PERCENT),
                Column(word_prev, ColumnKind.PERCENT),
            ],
            [
                [c, n, _share(n, total), rules.change(n, prev_stats.channel.get(c, 0))]
                for c, n in stats.channel.most_common()
            ],
            caption="各渠道来件",
        )
    )
    blocks.append(pie_chart("来源渠道", stats.channel.most_common(), "渠道"))

    blocks.append(Heading("三、污染类型"))
    blocks.append(Paragraph("一件信访可涉及多种污染类型，各类型占比之和可大于100%。"))
    blocks.append(_table("污染类型", stats.type, total, "各污染类型来件"))
    sub_rows = []
    for type_name, counter in sorted(stats.sub_type.items(), key=lambda p: -stats.type.get(p[0], 0)):
        whole = sum(counter.values())
        sub_rows += [[type_name, sub, n, _share(n, whole)] for sub, n in counter.most_common()]
    blocks.append(
        Table(
            [
                Column("污染类型"),
                Column("子类"),
                Column("件数", ColumnKind.INTEGER),
                Column("类内占比", ColumnKind.PERCENT),
            ],
            sub_rows,
            caption="各类型的子类构成",
        )
    )

    blocks.append(Heading("四、涉及行业"))
    industry_total = sum(stats.industry.values())
    if industry_total:
        blocks.append(Paragraph(f"关联到污染源档案的来件{industry_total}件，按被举报单位所属行业统计如下。"))
        blocks.append(_table("行业", stats.industry, industry_total, "被举报单位行业分布"))
    else:
        blocks.append(Paragraph("本期来件未关联到污染源档案中的企业。"))

    blocks.append(Heading("五、区域分布"))
    prev_by_district = prev_stats.district
    blocks.append(
        Table(
            [
                Column("辖市区"),
                Column("件数", ColumnKind.INTEGER),
                Column("占比", ColumnKind.PERCENT),
                Column(word_prev, ColumnKind.PERCENT),
            ],
            [
                [d, n, _share(n, total), rules.change(n, prev_by_district.get(d, 0))]
                for d, n in stats.district.most_common()
            ],
            caption="各辖市区来件",
        )
    )
    blocks.append(_table("网格", stats.grid, total, "来件较多的网格（前10）", limit=10))

    blocks.append(Heading("六、办理时效"))
    timing = timeliness(qs, period)
    blocks.append(
        Paragraph(
            f"按60日内办结的要求，{timing.cohort_label}受理的{timing.accepted}件中，已办结{timing.finished}件，"
            f"尚未办结{timing.open}件；目前超期未办结{timing.open_overdue}件。本期办结的件中按期办结{timing.met}件、"
            f"超期办结{timing.late}件，按期办结率{_pct(timing.on_time_rate)}。"
        )
    )

    blocks.append(Heading("七、回访与满意度"))
    rows: list[list[CellValue]] = []
    for unit, f in callback_by(current, "district"):
        rows.append(
            [unit, f.owed, f.done, f.callback_rate, f.satisfied, f.basic, f.unsatisfied, f.satisfaction_rate]
        )
    blocks.append(
        Table(
            [
                Column("辖市区"),
                Column("应回访", ColumnKind.INTEGER),
                Column("已回访", ColumnKind.INTEGER),
                Column("回访率", ColumnKind.PERCENT),
                Column("满意", ColumnKind.INTEGER),
                Column("基本满意", ColumnKind.INTEGER),
                Column("不满意", ColumnKind.INTEGER),
                Column("满意率", ColumnKind.PERCENT),
            ],
            rows,
            caption="回访与满意度（实名举报）",
            footnote="回访率＝已回访（联系上）÷应回访；满意率＝（满意＋基本满意）÷已评价。",
        )
    )

    blocks.append(Heading("八、热点与研判"))
    hot = [f"{place}{kind}问题{n}件" for (place, kind), n in stats.hotspot.most_common(5) if n >= 2]
    blocks.append(Paragraph("本期热点：" + ("；".join(hot) + "。" if hot else "无集中反映的热点问题。")))
    repeated = [(n, c) for n, c in stats.enterprise.most_common() if n != NO_ENTERPRISE and c >= 2]
    if repeated:
        blocks.append(
            Paragraph("被多次举报的单位：" + "；".join(f"{n}（{c}件）" for n, c in repeated[:10]) + "。")
        )
    if stats.mass or stats.sudden:
        blocks.append(
            Paragraph(
                f"群体性信访{len(stats.mass)}件（{'、'.join(stats.mass) or '无'}），"
                f"突发环境事件{len(stats.sudden)}件（{'、'.join(stats.sudden) or '无'}），"
                "均已即时报告局领导。"
            )
        )
    minimum = 5
    ranked = [(d, n) for d, n in stats.district.most_common() if n >= minimum and d != UNASSIGNED]
    if ranked:
        blocks.append(
            Paragraph(
                f"来件{minimum}件以上的辖市区："
                + "、".join(f"{d}{n}件" for d, n in ranked)
                + "，请相关辖市区政府和环保部门予以关注。"
            )
        )
    return Document(
        title=f"{name}环境信访投诉{title_kind}",
        subtitle=period.label,
        organization=settings.SITE_NAME,
        date=min(period.last_day, timezone.localdate()),
        blocks=blocks,
    )
