"""GB 3095 limits by edition and phase; table 4 data validity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from epb.standards import gb3095 as G
from epb.standards.tables import load

# (pollutant, period): (grade 1, grade 2), typed from GB 3095-2012 tables 1 and 2.
LIMITS_2012 = {
    ("SO2", "annual"): (20, 60), ("SO2", "24h"): (50, 150), ("SO2", "1h"): (150, 500),
    ("NO2", "annual"): (40, 40), ("NO2", "24h"): (80, 80), ("NO2", "1h"): (200, 200),
    ("CO", "24h"): (4, 4), ("CO", "1h"): (10, 10),
    ("O3", "8h"): (100, 160), ("O3", "1h"): (160, 200),
    ("PM10", "annual"): (40, 70), ("PM10", "24h"): (50, 150),
    ("PM2_5", "annual"): (15, 35), ("PM2_5", "24h"): (35, 75),
    ("TSP", "annual"): (80, 200), ("TSP", "24h"): (120, 300),
    ("NOx", "annual"): (50, 50), ("NOx", "24h"): (100, 100), ("NOx", "1h"): (250, 250),
    ("Pb", "annual"): ("0.5", "0.5"), ("Pb", "quarterly"): (1, 1),
    ("BaP", "annual"): ("0.001", "0.001"), ("BaP", "24h"): ("0.0025", "0.0025"),
}  # fmt: skip
# GB 3095-2026 tables 1 and 2: (transition grade 1, grade 2, final grade 1, grade 2).
LIMITS_2026 = {
    ("SO2", "annual"): (20, 60, 20, 20), ("SO2", "24h"): (50, 150, 50, 50),
    ("SO2", "1h"): (150, 500, 150, 150),
    ("NO2", "annual"): (40, 40, 30, 30), ("NO2", "24h"): (80, 80, 50, 50),
    ("NO2", "1h"): (200, 200, 200, 200),
    ("CO", "24h"): (4, 4, 4, 4), ("CO", "1h"): (10, 10, 10, 10),
    ("O3", "8h"): (100, 160, 100, 160), ("O3", "1h"): (160, 200, 160, 200),
    ("PM10", "annual"): (40, 60, 20, 50), ("PM10", "24h"): (50, 120, 50, 100),
    ("PM2_5", "annual"): (15, 30, 10, 25), ("PM2_5", "24h"): (35, 60, 25, 50),
    ("TSP", "annual"): (80, 200, 80, 200), ("TSP", "24h"): (120, 300, 120, 300),
    ("NOx", "annual"): (50, 50, 40, 40), ("NOx", "24h"): (100, 100, 70, 70),
    ("NOx", "1h"): (250, 250, 250, 250),
    ("Pb", "annual"): ("0.5", "0.5", "0.5", "0.5"), ("Pb", "quarterly"): (1, 1, 1, 1),
    ("BaP", "annual"): ("0.001", "0.001", "0.001", "0.001"),
    ("BaP", "24h"): ("0.0025", "0.0025", "0.0025", "0.0025"),
}  # fmt: skip


@pytest.mark.parametrize(("key", "pair"), LIMITS_2012.items())
def test_2012_limits(key: tuple[str, str], pair: tuple[object, object]) -> None:
    pollutant, period = key
    for zone, expected in zip((1, 2), pair, strict=True):
        limit = G.gb3095_limit(pollutant, period, zone, "2012")
        assert limit.value == Decimal(str(expected))
        assert limit.source.startswith("GB 3095-2012 表")
        assert G.gb3095_limit(pollutant, period, str(zone), date="2025-12-31").value == limit.value


@pytest.mark.parametrize(("key", "values"), LIMITS_2026.items())
def test_2026_limits_by_phase(key: tuple[str, str], values: tuple[object, ...]) -> None:
    pollutant, period = key
    for phase, date, offset in (("transition", "2030-12-31", 0), ("final", "2031-01-01", 2)):
        for zone in (1, 2):
            expected = Decimal(str(values[offset + zone - 1]))
            assert G.gb3095_limit(pollutant, period, zone, "2026", phase=phase).value == expected
            assert G.gb3095_limit(pollutant, period, zone, date=date).value == expected
    assert len(LIMITS_2026) == len(load("gb3095")["editions"]["2026"]["limits"])
    assert len(LIMITS_2012) == len(load("gb3095")["editions"]["2012"]["limits"])


@pytest.mark.parametrize(
    ("date", "edition", "phase"),
    [
        ("2016-01-01", "2012", "single"),
        ("2026-02-28", "2012", "single"),
        ("2026-03-01", "2026", "transition"),
        (dt.date(2030, 12, 31), "2026", "transition"),
        ("2031-01-01", "2026", "final"),
    ],
)
def test_edition_and_phase_by_date(date: object, edition: str, phase: str) -> None:
    assert G.edition_for(date) == edition  # type: ignore[arg-type]
    assert G.phase_for(edition, date) == phase  # type: ignore[arg-type]
    limit = G.gb3095_limit("PM2_5", "24h", 2, date=date)  # type: ignore[arg-type]
    assert (limit.edition, limit.phase) == (edition, phase)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("PM2_5", "24h", 2), {}, "edition or the date"),
        (("PM2_5", "24h", 2, "2026"), {}, "give the phase or the date"),
        (("PM2_5", "24h", 2, "2026"), {"phase": "later"}, "unknown phase"),
        (("PM2_5", "24h", 2, "2026"), {"phase": "final", "date": "2027-01-01"}, "does not cover"),
        (("PM2_5", "24h", 2, "2012"), {"date": "2027-01-01"}, "has no phase"),
        (("PM2_5", "24h", 3, "2012"), {}, "zone class"),
        (("PM2_5", "24h", True, "2012"), {}, "zone class"),
        (("PM2_5", "8h", 2, "2012"), {}, "no '8h' limit"),
        (("PM25", "24h", 2, "2012"), {}, "unknown pollutant"),
        (("PM2_5", "24h", 2, "2018"), {}, "unknown GB 3095 edition"),
        (("PM2_5", "24h", 2), {"date": "2011-01-01"}, "no GB 3095 edition"),
        (("PM2_5", "24h", 2), {"date": "1/1/2026"}, "YYYY-MM-DD"),
    ],
)
def test_limit_errors(args: tuple[object, ...], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        G.gb3095_limit(*args, **kwargs)  # type: ignore[arg-type]


def test_limit_object() -> None:
    limit = G.gb3095_limit("PM2_5", "24h", 2, "GB 3095-2026", phase="transition")
    assert not limit.exceeded_by(60) and limit.exceeded_by("60.1")
    assert limit.exceedance_multiple(75) == Decimal("0.25")
    assert limit.exceedance_multiple(60) is None
    assert limit.to_dict() == {
        "pollutant": "PM2_5",
        "period": "24h",
        "zone_class": 2,
        "limit": 60.0,
        "unit": "ug/m3",
        "standard": "GB 3095-2026",
        "phase": "transition",
        "source": "GB 3095-2026 表1",
    }
    assert G.gb3095_limit("CO", "24h", 1, 2012).unit == "mg/m3"


@pytest.mark.parametrize(
    ("func", "pollutant", "count", "valid", "required"),
    [
        (G.daily_validity, "PM2_5", 20, True, 20),
        (G.daily_validity, "PM2_5", 19, False, 20),
        (G.daily_validity, "CO", 24, True, 20),
        (G.daily_validity, "NOx", 20, True, 20),
        (G.daily_validity, "TSP", 24, True, 24),
        (G.daily_validity, "BaP", 23, False, 24),
        (G.hourly_validity, "SO2", 45, True, 45),
        (G.hourly_validity, "O3", 44, False, 45),
    ],
)
def test_daily_and_hourly_validity(
    func: object, pollutant: str, count: int, valid: bool, required: int
) -> None:
    result = func(pollutant, count)  # type: ignore[operator]
    assert (result.valid, result.required, result.actual) == (valid, required, count)


def test_eight_hour_and_o3_daily_max() -> None:
    assert G.eight_hour_validity(6).valid and not G.eight_hour_validity(5).valid
    assert G.o3_daily_max_8h_validity(14).valid
    assert not G.o3_daily_max_8h_validity(13).valid
    kept = G.o3_daily_max_8h_validity(10, daily_max=161, limit=160)
    assert kept.valid and kept.note
    assert not G.o3_daily_max_8h_validity(10, daily_max=160, limit=160).valid
    assert not G.o3_daily_max_8h_validity(10, daily_max=161).valid


@pytest.mark.parametrize(
    ("pollutant", "counts", "valid", "failing"),
    [
        ("SO2", {m: 27 for m in range(1, 13)}, True, ()),  # 324
        ("SO2", {**{m: 27 for m in range(1, 13)}, 2: 25, 3: 28, 4: 28}, True, ()),
        ("SO2", {**{m: 27 for m in range(1, 13)}, 2: 24, 3: 30}, False, (2,)),
        ("SO2", {**{m: 27 for m in range(1, 13)}, 5: 26, 6: 30}, False, (5,)),
        ("PM2_5", {**{m: 27 for m in range(1, 13)}, 2: 26}, False, ()),  # 323 in the year
        ("PM2_5", {m: 27 for m in range(1, 12)}, False, (12,)),  # December missing
        ("TSP", {m: 5 for m in range(1, 13)}, True, ()),
        ("Pb", {m: 5 for m in range(1, 12)}, False, (12,)),
    ],
)
def test_annual_validity(
    pollutant: str, counts: dict[int, int], valid: bool, failing: tuple[int, ...]
) -> None:
    result = G.annual_validity(pollutant, counts)
    assert result.valid is valid
    assert result.failing_months == failing


def test_quarterly_validity() -> None:
    assert G.quarterly_validity("Pb", 1, {1: 5, 2: 5, 3: 5}).valid
    assert not G.quarterly_validity("Pb", 1, {1: 5, 2: 4, 3: 6}).valid
    assert not G.quarterly_validity("Pb", 2, {4: 5, 5: 5, 6: 4}).valid
    assert G.quarterly_validity("Pb", 4, {10: 5, 11: 5, 12: 5}).to_dict()["valid"] is True


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: G.daily_validity("O3", 20), "no 24h validity rule"),
        (lambda: G.daily_validity("PM2_5", -1), "non-negative integer"),
        (lambda: G.daily_validity("PM2_5", 20.0), "non-negative integer"),  # type: ignore[arg-type]
        (lambda: G.annual_validity("SO2", {13: 30}), "outside 1-12"),
        (lambda: G.quarterly_validity("Pb", 5, {}), "quarter"),
        (lambda: G.quarterly_validity("Pb", 1, {4: 5}), "outside 1-3"),
        (lambda: G.quarterly_validity("SO2", 1, {}), "no quarterly validity rule"),
    ],
)
def test_validity_errors(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
