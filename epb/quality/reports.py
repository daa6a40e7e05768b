"""Reports of the early-warning system (S8) and the monthly water bulletin, as documents.

Each report is one ``epb.lib.documents.Document`` rendered as a web page (with its ECharts
charts), Word and Excel from the same data: the drinking-water daily report (日查日报); the
clean-water rivers' daily report, weekly notice and monthly evaluation (一日一报、一周一告、一月一评);
and the monthly water-quality bulletin. Every report reads through the viewer's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from epb.lib.documents import Chart, Column, ColumnKind, Document, Heading, KeyValueList, Paragraph, Table
from epb.lib.timeutil import beijing_date, day_bounds, iso_week, week_bounds
from epb.quality import charts, conf, rules
from epb.quality.choices import ReportKind, SiteKind, WarningStatus
from epb.quality.data import WaterData, number, shown
from epb.quality.items import item as find_item
from epb.quality.items import item_name
from epb.quality.models import EarlyWarning, WaterSample, WaterSite
from epb.standards.numeric import Measurement
from epb.standards.water import class_grade

KEY_ITEMS = ("pH", "DO", "CODMn", "NH3N", "TP", "TN")


def _sites(user: Any, **filters: Any) -> list[WaterSite]:
    return list(
        WaterSite.objects.visible_to(user)
        .filter(is_active=True, **filters)
        .select_related("water_body", "org_unit")
        .order_by("sort_order", "code")
    )


def _items_present(rows: Sequence[dict[str, Any]]) -> list[str]:
    present = {code for values in rows for code in values}
    ordered = [c for c in KEY_ITEMS if c in present]
    return ordered + sorted(c for c in present if c not in ordered and c in rules.evaluable({c: 0}))


def _label(code: str) -> str:
    return find_item("water", code).label


def _grade(klass: str | None) -> str:
    return "—" if klass is None else class_grade(klass)["grade"]


def _class(values: dict[str, Any], site: WaterSite) -> tuple[str | None, bool | None, str]:
    result = rules.evaluate(values, site.evaluated_as, site.target_class or None)
    if result is None:
        return None, None, "—"
    return result.water_class, result.meets_target, "、".join(result.main_pollutants_text()) or "—"


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return {True: yes, False: no, None: "—"}[value]


def _organization() -> str:
    return conf.organization()


def _warnings_block(sites: Sequence[WaterSite], start: Any, end: Any) -> list[Any]:
    # Warnings of the period, and earlier ones still being handled.
    found = list(
        EarlyWarning.objects.filter(site__in=sites, observed_at__lt=end)
        .filter(Q(observed_at__gte=start) | ~Q(status=WarningStatus.CLOSED))
        .select_related("site")
        .order_by("observed_at")
    )
    if not found:
        return [Paragraph(_("本期无预警。"))]
    rows = [
        (
            w.site.name,
            w.get_kind_display(),
            w.get_level_display(),
            w.message,
            w.get_status_display(),
            w.raised_at,
        )
        for w in found
    ]
    return [
        Table(
            [
                Column(_("断面")),
                Column(_("类型")),
                Column(_("级别")),
                Column(_("内容")),
                Column(_("状态")),
                Column(_("监测时间"), ColumnKind.DATETIME),
            ],
            rows,
            caption=_("预警情况"),
            sheet_name=_("预警"),
        )
    ]


# -- 日查日报: drinking-water sources, daily --------------------------------------------------------


def drinking_daily(day: date, user: Any) -> Document:
    sites = _sites(user, kind=SiteKind.DRINKING_SOURCE)
    start, end = day_bounds(day)
    samples = {
        s.site_id: s
        for s in WaterSample.objects.filter(
            site__in=sites, is_valid=True, sampled_at__gte=start, sampled_at__lt=end
        ).order_by("sampled_at")
    }
    items = _items_present([s.values for s in samples.values()])
    rows: list[tuple[Any, ...]] = []
    failing, missing = [], []
    for site in sites:
        sample = samples.get(site.pk)
        if sample is None:
            missing.append(site.name)
            rows.append((site.name, site.water_body.name, None, *["—"] * len(items), "—", _("未报送"), "—"))
            continue
        judged = rules.drinking_compliant(sample.values, site.evaluated_as)
        klass, _meets, _main = _class(sample.values, site)
        if judged is not None and not judged[0]:
            failing.append(site.name)
        rows.append(
            (
                site.name,
                site.water_body.name,
                sample.sampled_at,
                *[sample.values.get(c, "—") for c in items],
                rules.class_label_of(klass),
                _yes_no(None if judged is None else judged[0], _("达标"), _("不达标")),
                "、".join(item_name("water", c) for c in (judged[1] if judged else ())) or "—",
            )
        )
    reported = len(sites) - len(missing)
    text = _("%(date)s，全市 %(n)s 个集中式饮用水源地中 %(r)s 个报送了水质数据") % {
        "date": f"{day.year}年{day.month}月{day.day}日",
        "n": len(sites),
        "r": reported,
    }
    text += _("，水质均达标。") if not failing else _("，%(f)s 水质不达标。") % {"f": "、".join(failing)}
    if missing:
        text += _("未报送：%(m)s。") % {"m": "、".join(missing)}
    table = Table(
        [
            Column(_("水源地")),
            Column(_("所在水体")),
            Column(_("采样时间"), ColumnKind.DATETIME),
            *[Column(_label(c)) for c in items],
            Column(_("水质类别")),
            Column(_("是否达标")),
            Column(_("超标项目")),
        ],
        rows,
        caption=_("集中式饮用水源地水质日报表"),
        footnote=_(
            "评价依据：GB 3838-2002 表1（Ⅲ类）及表2；低于检出限以“<检出限”表示，按检出限的一半参与计算。"
        ),
        sheet_name=_("日报"),
    )
    blocks: list[Any] = [Heading(_("一、总体情况")), Paragraph(text), Heading(_("二、监测结果")), table]
    blocks.append(_trend_chart(sites, day - timedelta(days=29), day, "NH3N", _("近30日氨氮浓度")))
    blocks += [Heading(_("三、预警情况")), *_warnings_block(sites, start, end)]
    return Document(
        _("集中式饮用水源地水质日报"),
        blocks,
        subtitle=f"{day.year}年{day.month}月{day.day}日",
        organization=_organization(),
        date=day,
    )


def _trend_chart(sites: Sequence[WaterSite], first: date, last: date, code: str, title: str) -> Chart:
    start, _end = day_bounds(first)
    _start, end = day_bounds(last)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    per: dict[int, dict[date, Any]] = {s.pk: {} for s in sites}
    for sample in WaterSample.objects.filter(
        site__in=sites, is_valid=True, sampled_at__gte=start, sampled_at__lt=end
    ):
        raw = sample.values.get(code)
        if raw not in (None, ""):
            per[sample.site_id][beijing_date(sample.sampled_at)] = rules.parse_measurement(raw).value
    labels = [f"{d.month}/{d.day}" for d in days]
    series = [(s.name, [number(per[s.pk].get(d)) for d in days]) for s in sites]
    data = Table(
        [
            Column(_("日期"), ColumnKind.DATE),
            *[Column(s.name, ColumnKind.DECIMAL, decimals=3) for s in sites],
        ],
        [(d, *[per[s.pk].get(d) for s in sites]) for d in days],
        caption=title,
        sheet_name=_("趋势"),
    )
    return Chart(title, charts.line(title, series, categories=labels, unit="mg/L"), data)


# -- 清水工程河道: 一日一报、一周一告、一月一评 ------------------------------------------------------


def _clean_sites(user: Any) -> list[WaterSite]:
    return [s for s in _sites(user, water_body__clean_water=True) if s.kind != SiteKind.DRINKING_SOURCE]


def _period_table(
    sites: Sequence[WaterSite],
    means: dict[int, dict[str, Measurement]],
    before: dict[int, dict[str, Measurement]],
    caption: str,
    before_label: str,
) -> tuple[Table, list[str], list[str]]:
    items = _items_present(list(means.values()))
    rows, off, worse = [], [], []
    for site in sites:
        values = means.get(site.pk, {})
        klass, meets, main = _class(values, site)
        prev_class, _m, _x = _class(before.get(site.pk, {}), site)
        if meets is False:
            off.append(site.name)
        change = rules.change_wording(prev_class, klass)
        if change.endswith("变差"):
            worse.append(site.name)
        rows.append(
            (
                site.name,
                site.water_body.name,
                rules.class_label_of(site.target_class or None),
                *[shown(values.get(c)) for c in items],
                rules.class_label_of(klass),
                _grade(klass),
                _yes_no(meets, _("达标"), _("未达标")),
                main,
                change,
            )
        )
    table = Table(
        [
            Column(_("断面")),
            Column(_("河道")),
            Column(_("目标")),
            *[Column(_label(c)) for c in items],
            Column(_("水质类别")),
            Column(_("水质状况")),
            Column(_("达标情况")),
            Column(_("主要污染指标（超标倍数）")),
            Column(before_label),
        ],
        rows,
        caption=caption,
        footnote=_("评价依据：GB 3838-2002、《地表水环境质量评价办法（试行）》；超标倍数按Ⅲ类标准计。"),
    )
    return table, off, worse


def _means_between(sites: Sequence[WaterSite], first: date, last: date) -> dict[int, dict[str, Measurement]]:
    start, _end = day_bounds(first)
    _start, end = day_bounds(last)
    grouped: dict[int, list[rules.Reading]] = {s.pk: [] for s in sites}
    for sample in WaterSample.objects.filter(
        site__in=sites, is_valid=True, sampled_at__gte=start, sampled_at__lt=end
    ):
        grouped[sample.site_id].append(
            rules.Reading(beijing_date(sample.sampled_at), sample.values, sample.source)
        )
    out = {}
    for pk, readings in grouped.items():
        if readings:
            monthly = rules.monthly_means(readings, auto_preferred=conf.get("AUTO_PREFERRED_ITEMS"))
            out[pk] = rules.annual_means(monthly) if len(monthly) > 1 else next(iter(monthly.values()))
    return out


def _class_chart(title: str, sites: Sequence[WaterSite], means: dict[int, dict[str, Measurement]]) -> Chart:
    counts = {label: 0 for label in charts.CLASS_LABELS}
    for site in sites:
        klass, _m, _x = _class(means.get(site.pk, {}), site)
        if klass is not None:
            counts[rules.class_label_of(klass)] += 1
    option = charts.class_pie(title, counts)
    data = Table(
        [Column(_("水质类别")), Column(_("断面数"), ColumnKind.INTEGER)],
        list(counts.items()),
        caption=title,
        sheet_name=_("类别构成"),
    )
    return Chart(title, option, data)


def _summary(sites: Sequence[WaterSite], off: list[str], worse: list[str], what: str) -> Paragraph:
    text = _("%(what)s共监测 %(n)s 个断面，") % {"what": what, "n": len(sites)}
    text += _("均达到水质目标。") if not off else _("%(o)s 未达到水质目标。") % {"o": "、".join(off)}
    if worse:
        text += _("水质变差的断面：%(w)s。") % {"w": "、".join(worse)}
    return Paragraph(text)


def clean_daily(day: date, user: Any) -> Document:
    sites = _clean_sites(user)
    today = _means_between(sites, day, day)
    yesterday = _means_between(sites, day - timedelta(days=1), day - timedelta(days=1))
    table, off, worse = _period_table(sites, today, yesterday, _("清水工程河道水质日报表"), _("较前一日"))
    start, end = day_bounds(day)
    return Document(
        _("清水工程河道水质日报"),
        [
            Heading(_("一、总体情况")),
            _summary(sites, off, worse, _("当日清水工程河道及上游清水通道")),
            Heading(_("二、监测结果")),
            table,
            Heading(_("三、预警情况")),
            *_warnings_block(sites, start, end),
        ],
        subtitle=_("一日一报 · %(d)s") % {"d": f"{day.year}年{day.month}月{day.day}日"},
        organization=_organization(),
        date=day,
    )


def clean_weekly(day: date, user: Any) -> Document:
    sites = _clean_sites(user)
    start, end = week_bounds(day)
    monday = beijing_date(start)
    sunday = monday + timedelta(days=6)
    this = _means_between(sites, monday, sunday)
    last = _means_between(sites, monday - timedelta(days=7), monday - timedelta(days=1))
    table, off, worse = _period_table(sites, this, last, _("清水工程河道水质周告表（周均值）"), _("较上周"))
    year, week = iso_week(day)
    return Document(
        _("清水工程河道水质周告"),
        [
            Heading(_("一、总体情况")),
            _summary(sites, off, worse, _("本周清水工程河道")),
            Heading(_("二、周均值评价")),
            table,
            _class_chart(_("本周断面水质类别构成"), sites, this),
            Heading(_("三、预警情况")),
            *_warnings_block(sites, start, end),
        ],
        subtitle=_("一周一告 · %(y)s年第%(w)s周（%(a)s—%(b)s）")
        % {
            "y": year,
            "w": week,
            "a": f"{monday.month}月{monday.day}日",
            "b": f"{sunday.month}月{sunday.day}日",
        },
        organization=_organization(),
        date=sunday,
    )


def _month_last(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def clean_monthly(day: date, user: Any) -> Document:
    sites = _clean_sites(user)
    year, month = day.year, day.month
    data = WaterData(sites, [year - 1, year])
    this = {s.pk: data.monthly(s.pk).get((year, month), {}) for s in sites}
    prev = (year, month - 1) if month > 1 else (year - 1, 12)
    before = {s.pk: data.monthly(s.pk).get(prev, {}) for s in sites}
    table, off, worse = _period_table(sites, this, before, _("清水工程河道水质月评表（月均值）"), _("较上月"))
    chart_series = [
        (s.name, [rules.class_number(data.monthly_class(s.pk, (year, m))) for m in range(1, 13)])
        for s in sites
    ]
    data_table = Table(
        [Column(_("断面")), *[Column(f"{m}月") for m in range(1, 13)]],
        [
            (s.name, *[rules.class_label_of(data.monthly_class(s.pk, (year, m))) for m in range(1, 13)])
            for s in sites
        ],
        caption=_("逐月水质类别"),
        sheet_name=_("逐月类别"),
    )
    start, end = day_bounds(date(year, month, 1))[0], day_bounds(_month_last(year, month))[1]
    return Document(
        _("清水工程河道水质月评"),
        [
            Heading(_("一、总体情况")),
            _summary(sites, off, worse, _("本月清水工程河道")),
            Heading(_("二、月均值评价")),
            table,
            Chart(_("本年逐月水质类别"), charts.classes(_("本年逐月水质类别"), chart_series), data_table),
            Heading(_("三、预警情况")),
            *_warnings_block(sites, start, end),
        ],
        subtitle=_("一月一评 · %(y)s年%(m)s月") % {"y": year, "m": month},
        organization=_organization(),
        date=_month_last(year, month),
    )


# -- the monthly water bulletin ----------------------------------------------------------------


def monthly_bulletin(day: date, user: Any) -> Document:
    """水环境质量月报: drinking-water sources, Taihu assessment sections, inflow rivers and lakes,
    for the month and the year to date."""
    year, month = day.year, day.month
    drinking = _sites(user, kind=SiteKind.DRINKING_SOURCE)
    taihu = _sites(user, taihu_assessment=True)
    inflow = _sites(user, water_body__inflow_taihu=True, kind=SiteKind.RIVER_SECTION)
    lakes = _sites(user, kind=SiteKind.LAKE_POINT)
    every = {s.pk: s for s in [*drinking, *taihu, *inflow, *lakes]}
    data = WaterData(every.values(), [year - 1, year])

    blocks: list[Any] = []
    ok_sources = []
    rows = []
    for site in drinking:
        judged = rules.drinking_compliant(data.monthly(site.pk).get((year, month), {}), site.evaluated_as)
        ytd = rules.drinking_verdict(
            data.monthly_of_year(site.pk, year), site.evaluated_as, months=rules.months_of_year(year, month)
        )
        if judged is not None and judged[0]:
            ok_sources.append(site)
        rows.append(
            (
                site.name,
                site.water_body.name,
                _yes_no(None if judged is None else judged[0], _("达标"), _("不达标")),
                "、".join(item_name("water", c) for c in (judged[1] if judged else ())) or "—",
                ytd.months_compliant,
                ytd.months_evaluated,
            )
        )
    rate = rules.percent(len(ok_sources), len([r for r in rows if r[2] != "—"]), int(conf.get("RATE_PLACES")))
    blocks += [
        Heading(_("一、集中式饮用水源地")),
        Paragraph(
            _("本月全市 %(n)s 个集中式饮用水源地水质达标率为 %(r)s。")
            % {"n": len(drinking), "r": "—" if rate is None else f"{rate}%"}
        ),
        Table(
            [
                Column(_("水源地")),
                Column(_("所在水体")),
                Column(_("本月")),
                Column(_("超标项目")),
                Column(_("本年达标月数"), ColumnKind.INTEGER),
                Column(_("本年评价月数"), ColumnKind.INTEGER),
            ],
            rows,
            caption=_("表1 集中式饮用水源地水质达标情况"),
            sheet_name=_("饮用水源地"),
        ),
    ]

    def section_rows(sites: Sequence[WaterSite]) -> tuple[list[tuple[Any, ...]], int]:
        out, on = [], 0
        for site in sites:
            values = data.monthly(site.pk).get((year, month), {})
            klass, meets, main = _class(values, site)
            ytd_class, ytd_meets, _x = _class(data.annual(site.pk, year, month), site)
            last_year = _class(data.monthly(site.pk).get((year - 1, month), {}), site)[0]
            on += bool(meets)
            out.append(
                (
                    site.name,
                    site.water_body.name,
                    rules.class_label_of(site.target_class or None),
                    rules.class_label_of(klass),
                    _yes_no(meets, _("达标"), _("未达标")),
                    main,
                    rules.class_label_of(ytd_class),
                    rules.change_wording(last_year, klass),
                )
            )
        return out, on

    columns = [
        Column(_("断面")),
        Column(_("所在水体")),
        Column(_("目标")),
        Column(_("本月类别")),
        Column(_("达标情况")),
        Column(_("主要污染指标（超标倍数）")),
        Column(_("年初至今类别")),
        Column(_("较上年同月")),
    ]
    taihu_rows, taihu_on = section_rows(taihu)
    blocks += [
        Heading(_("二、省级太湖考核断面")),
        Paragraph(
            _("本月 %(n)s 个省级太湖考核断面中 %(on)s 个达到水质目标。") % {"n": len(taihu), "on": taihu_on}
        ),
        Table(columns, taihu_rows, caption=_("表2 省级太湖考核断面水质"), sheet_name=_("太湖考核断面")),
        _class_chart(
            _("考核断面本月水质类别构成"),
            taihu,
            {s.pk: data.monthly(s.pk).get((year, month), {}) for s in taihu},
        ),
    ]
    inflow_rows, _on = section_rows(inflow)
    worse_v = [r[0] for r in inflow_rows if r[6] == rules.class_label_of(rules.WORSE_THAN_V)]
    blocks += [
        Heading(_("三、入太湖河道")),
        Paragraph(
            _("年初至今（按月均值计算）入太湖河道断面中劣Ⅴ类 %(n)s 个%(which)s。")
            % {"n": len(worse_v), "which": ("：" + "、".join(worse_v)) if worse_v else ""}
        ),
        Table(columns, inflow_rows, caption=_("表3 入太湖河道水质"), sheet_name=_("入湖河道")),
    ]
    lake_rows = []
    by_lake: dict[str, list[WaterSite]] = {}
    for point in lakes:
        by_lake.setdefault(point.water_body.name, []).append(point)
    for name, points in by_lake.items():
        now = rules.lake_result([data.monthly(p.pk).get((year, month), {}) for p in points])
        then = rules.lake_result([data.monthly(p.pk).get((year - 1, month), {}) for p in points])
        lake_rows.append(
            (
                name,
                len(points),
                rules.class_label_of(now.section.water_class if now else None),
                None if now is None or now.tli is None else now.tli.value,
                "—" if now is None or now.tli is None else now.tli.grade,
                None if then is None or then.tli is None else then.tli.value,
            )
        )
    blocks += [
        Heading(_("四、重点湖泊")),
        Table(
            [
                Column(_("湖泊")),
                Column(_("点位数"), ColumnKind.INTEGER),
                Column(_("水质类别")),
                Column(_("综合营养状态指数"), ColumnKind.DECIMAL),
                Column(_("营养状态")),
                Column(_("上年同月指数"), ColumnKind.DECIMAL),
            ],
            lake_rows,
            caption=_("表4 重点湖泊水质及营养状态"),
            footnote=_("湖泊总氮单独评价，不参与水质类别评价；营养状态按总站生字〔2001〕090号。"),
            sheet_name=_("湖泊"),
        ),
    ]
    facts = KeyValueList(
        [
            (_("统计时段"), f"{year}年{month}月"),
            (_("饮用水源地达标率"), "—" if rate is None else f"{rate}%"),
            (_("太湖考核断面达标"), f"{taihu_on}/{len(taihu)}"),
            (_("入湖河道劣Ⅴ类（年初至今）"), str(len(worse_v))),
        ],
        title=_("本月概况"),
    )
    return Document(
        _("水环境质量月报"),
        [facts, *blocks],
        subtitle=f"{year}年{month}月",
        organization=_organization(),
        date=_month_last(year, month),
    )


REPORTS: dict[str, Callable[[date, Any], Document]] = {
    ReportKind.DRINKING_DAILY: drinking_daily,
    ReportKind.CLEAN_DAILY: clean_daily,
    ReportKind.CLEAN_WEEKLY: clean_weekly,
    ReportKind.CLEAN_MONTHLY: clean_monthly,
    ReportKind.MONTHLY_BULLETIN: monthly_bulletin,
}


def build(kind: str, day: date, user: Any) -> Document:
    if kind not in REPORTS:
        raise ValueError(f"unknown report {kind!r}")
    return REPORTS[kind](day, user)
