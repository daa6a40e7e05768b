"""An enterprise's compliance history by quarter, in the spirit of ECHO's Detailed Facility Report.

The history is assembled from *providers*: each app that holds records about an enterprise
registers a function that counts them per quarter. Enforcement registers inspections, violations,
measures and penalties; monitoring registers exceedances; complaints registers complaints. The
registry lives here, below those apps in the import order, so that the enterprise page can show
rows from apps it may not import (docs/enterprises.md, "History providers").

Register from your app's ``AppConfig.ready()``::

    from epb.enterprises.history import count_by_quarter, register_history_provider

    def exceedances(enterprise, start, end):
        times = Alarm.objects.filter(outlet__enterprise=enterprise, kind="exceedance",
                                     started_at__gte=start, started_at__lt=end)
        return count_by_quarter(times.values_list("started_at", flat=True))

    register_history_provider("exceedances", _("在线监测超标"), exceedances, order=10, status="violation")

``fn(enterprise, start, end)`` receives aware UTC bounds (half-open, Beijing quarters) and
returns ``{quarter_label: value}`` with labels from :func:`epb.lib.timeutil.quarter_label`
(``"2026Q1"``). A value is a count (``int``), an amount (``Decimal``, yuan) or a list of short
texts (each one item; the page shows how many, and the texts on hover). Quarters left out are zero.
Values must not carry personal data: the page is shown to the enterprise itself.

``status`` says how a row feeds the quarterly status strip (ECHO's one character per quarter):
``"serious"`` rows make a quarter ``S``, ``"violation"`` rows ``V``; other rows are context.
A provider that raises is reported on its row and its quarters become ``U`` (undetermined) when
it feeds the strip; the rest of the page still renders.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from epb.lib.timeutil import beijing_date, quarter_bounds, quarter_label

if TYPE_CHECKING:
    from epb.enterprises.models import Enterprise

logger = logging.getLogger(__name__)

HistoryValue = int | Decimal | list[str]
ProviderFn = Callable[["Enterprise", dt.datetime, dt.datetime], Mapping[str, Any]]
StatusRole = Literal["", "violation", "serious"]

#: ECHO's status codes: no violation, violation, significant violation, undetermined.
STATUS_NONE, STATUS_VIOLATION, STATUS_SERIOUS, STATUS_UNDETERMINED = "_", "V", "S", "U"
#: ECHO's "last 3 years": the 12 most recently completed quarters plus the current one.
COMPLETED_QUARTERS = 12


@dataclass(frozen=True)
class HistoryProvider:
    key: str
    label: Any  # a lazy translation is kept lazy, so each reader sees their language
    fn: ProviderFn
    order: int = 100
    status: StatusRole = ""
    unit: Any = ""


_PROVIDERS: dict[str, HistoryProvider] = {}


def register_history_provider(
    key: str,
    label: Any,
    fn: ProviderFn,
    *,
    order: int = 100,
    status: StatusRole = "",
    unit: Any = "",
) -> None:
    """Add (or replace, by key) a row of the history. Safe to call again on a reload."""
    if status not in ("", "violation", "serious"):
        raise ValueError(f"history provider {key!r}: status must be '', 'violation' or 'serious'")
    _PROVIDERS[key] = HistoryProvider(key, label if label is not None else key, fn, order, status, unit)


def unregister_history_provider(key: str) -> None:
    _PROVIDERS.pop(key, None)


def history_providers() -> list[HistoryProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


# -- quarters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    label: str  # "2026Q1"
    start: dt.datetime  # aware UTC, inclusive
    end: dt.datetime  # aware UTC, exclusive
    current: bool = False


def history_quarters(today: dt.date, completed: int = COMPLETED_QUARTERS) -> list[Quarter]:
    """``completed`` whole quarters before ``today``'s quarter, then the current one; oldest first."""
    quarters: list[Quarter] = []
    start, end = quarter_bounds(today)
    quarters.append(Quarter(quarter_label(today), start, end, current=True))
    for _ in range(completed):
        previous_day = beijing_date(start) - dt.timedelta(days=1)
        start, end = quarter_bounds(previous_day)
        quarters.append(Quarter(quarter_label(previous_day), start, end))
    return list(reversed(quarters))


def count_by_quarter(times: Iterable[dt.datetime | dt.date | None]) -> dict[str, int]:
    """Count instants (aware datetimes) or dates per Beijing quarter label."""
    counts: Counter[str] = Counter()
    for value in times:
        if value is not None:
            counts[quarter_label(value)] += 1
    return dict(counts)


def items_by_quarter(pairs: Iterable[tuple[dt.datetime | dt.date | None, str]]) -> dict[str, list[str]]:
    """Group ``(when, text)`` pairs into lists per Beijing quarter label."""
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for when, text in pairs:
        if when is not None:
            grouped[quarter_label(when)].append(text)
    return dict(grouped)


def sum_by_quarter(
    pairs: Iterable[tuple[dt.datetime | dt.date | None, Decimal | None]],
) -> dict[str, Decimal]:
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for when, amount in pairs:
        if when is not None and amount is not None:
            totals[quarter_label(when)] += amount
    return dict(totals)


# -- the assembled history --------------------------------------------------------------------


@dataclass
class HistoryCell:
    amount: int | Decimal = 0
    items: list[str] = field(default_factory=list)

    @property
    def positive(self) -> bool:
        return bool(self.amount)

    @property
    def display(self) -> str:
        if isinstance(self.amount, Decimal):
            return f"{self.amount:,.2f}" if self.amount else ""
        return str(self.amount) if self.amount else ""

    @property
    def title(self) -> str:
        return "\n".join(self.items)


@dataclass
class HistoryRow:
    key: str
    label: str
    status: StatusRole
    unit: str
    cells: list[HistoryCell]
    error: str = ""

    @property
    def total(self) -> int | Decimal:
        if any(isinstance(c.amount, Decimal) for c in self.cells):
            return sum((Decimal(c.amount) for c in self.cells), Decimal(0))
        return sum(int(c.amount) for c in self.cells)


@dataclass
class History:
    quarters: list[Quarter]
    rows: list[HistoryRow]
    status: list[str]

    @property
    def status_string(self) -> str:
        return "".join(self.status)

    def quarters_with(self, code: str) -> int:
        return sum(1 for s in self.status if s == code)


def _cell(key: str, value: Any) -> HistoryCell:
    if isinstance(value, bool):
        raise TypeError(f"provider {key!r} returned a bool; return a count, an amount or a list")
    if isinstance(value, int):
        return HistoryCell(value)
    if isinstance(value, Decimal):
        return HistoryCell(value)
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
        return HistoryCell(len(items), items)
    raise TypeError(f"provider {key!r} returned {type(value).__name__}; return int, Decimal or list")


def compliance_history(
    enterprise: Enterprise, today: dt.date | None = None, completed: int = COMPLETED_QUARTERS
) -> History:
    from django.utils import timezone

    quarters = history_quarters(today or timezone.localdate(), completed)
    labels = [q.label for q in quarters]
    start, end = quarters[0].start, quarters[-1].end
    rows: list[HistoryRow] = []
    for provider in history_providers():
        row = HistoryRow(provider.key, str(provider.label), provider.status, str(provider.unit), [])
        try:
            data = provider.fn(enterprise, start, end) or {}
            unknown = sorted(set(data) - set(labels))
            if unknown:
                raise ValueError(f"quarter labels outside the window: {', '.join(unknown[:3])}")
            row.cells = [
                _cell(provider.key, data[label]) if label in data else HistoryCell() for label in labels
            ]
        except Exception as exc:  # one broken provider must not take the page down
            logger.exception("history provider %s failed for enterprise %s", provider.key, enterprise.pk)
            row.cells = [HistoryCell() for _ in labels]
            row.error = str(exc) or type(exc).__name__
        rows.append(row)
    return History(quarters, rows, _status(rows, len(labels)))


def history_total(
    key: str, enterprise: Enterprise, today: dt.date | None = None, completed: int = COMPLETED_QUARTERS
) -> int | Decimal | None:
    """One row's total over the window of :func:`compliance_history`, asking only that row's
    provider (a list of candidates needs one figure per enterprise, not its whole history).
    ``None`` when no such provider is registered or it fails."""
    from django.utils import timezone

    provider = _PROVIDERS.get(key)
    if provider is None:
        return None
    quarters = history_quarters(today or timezone.localdate(), completed)
    labels = {q.label for q in quarters}
    try:
        data = provider.fn(enterprise, quarters[0].start, quarters[-1].end) or {}
        if not set(data) <= labels:
            raise ValueError(f"quarter labels outside the window: {sorted(set(data) - labels)[:3]}")
        cells = [_cell(key, value) for value in data.values()]
    except Exception:
        logger.exception("history provider %s failed for enterprise %s", key, enterprise.pk)
        return None
    return HistoryRow(key, "", provider.status, "", cells).total


def _status(rows: list[HistoryRow], n: int) -> list[str]:
    feeding = [r for r in rows if r.status]
    if not feeding:
        return [STATUS_UNDETERMINED] * n
    status: list[str] = []
    for i in range(n):
        if any(r.status == "serious" and r.cells[i].positive for r in feeding):
            status.append(STATUS_SERIOUS)
        elif any(r.status == "violation" and r.cells[i].positive for r in feeding):
            status.append(STATUS_VIOLATION)
        elif any(r.error for r in feeding):
            status.append(STATUS_UNDETERMINED)
        else:
            status.append(STATUS_NONE)
    return status


__all__ = [
    "COMPLETED_QUARTERS",
    "History",
    "HistoryCell",
    "HistoryProvider",
    "HistoryRow",
    "Quarter",
    "compliance_history",
    "count_by_quarter",
    "history_providers",
    "history_quarters",
    "history_total",
    "items_by_quarter",
    "register_history_provider",
    "sum_by_quarter",
    "unregister_history_provider",
]
