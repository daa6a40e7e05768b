"""Real-time AQI as the China National Environmental Monitoring Centre (CNEMC) published it.

Station rows of CNEMC's real-time publication (air.cnemc.cn, archived hourly as CSV in the public
repository HeQinWill/CNEMC, ``Archive/<day>/<day>T<hour>.csv``): the hour's concentrations and
the AQI and primary pollutant CNEMC published with them. Each row is evaluated as a real-time
(``"1h"``) report of the edition in force on its day and must give the published figures.

In that archive the hour's O3 value is the column named ``o3_24h`` (the AQI of every row is
reproduced with it; the column named ``o3`` is not the hour's value: 2023-03-22 08:00, 1111A,
``o3`` 233 at 8 a.m. with a published AQI of 47). From 2026-03-01 the two columns agree.
"""

from __future__ import annotations

import datetime as dt

import pytest

from epb.standards import aqi as A

COLUMNS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2_5")
# CNEMC's names of primary pollutants
NAMES = {"PM10": "PM10", "PM2.5": "PM2_5", "O3": "O3", "-": ""}

# hour, station, SO2 NO2 CO O3 PM10 PM2.5 (empty: missing, / not monitored), published AQI, primary
PUBLISHED = """
2022-01-04T08 1001A 6 69 1.3 1 73 44 62 PM10,PM2.5
2022-01-04T08 1002A 1 11 0.3 34 28 25 36 -
2022-01-04T08 1007A 3 59 0.7 1 50 18 50 -
2022-01-04T08 1012A 2 59 0.6 2 51 28 51 PM10
2022-01-04T08 1044A 10 49 0.7 4 59 39 55 PM10,PM2.5
2022-01-04T08 1074A 53 63 1.0 3 118 92 122 PM2.5
2022-01-04T08 1114A 16 29 0.7 39 17 15 22 -
2022-01-04T08 1133A 10 67 3.6 18 178 121 159 PM2.5
2022-01-04T08 1151A 4 105 1.7 0 216 149 199 PM2.5
2022-01-04T08 1160A 8 73 1.0 1 132 101 133 PM2.5
2022-01-04T08 1166A 4 54 0.8 8 86 40 68 PM10
2022-06-15T15 1015A 5 12 0.7 145 37 26 46 -
2022-06-15T15 1018A 5 15 0.8 132 34 44 62 PM2.5
2022-06-15T15 1027A 7 12 0.8 182 17 15 78 O3
2022-06-15T15 1029A 7 9 0.5 241 91 39 121 O3
2022-06-15T15 1031A 8 15 0.6 238 83 50 119 O3
2022-06-15T15 1067A 3 13 0.6 146 61 32 56 PM10
2022-06-15T15 1075A 13 7 0.4 200 36 18 100 O3
2022-06-15T15 1134A 5 41 0.6 78 22 68 92 PM2.5
2022-06-15T15 1143A _ 29 _ 228 48 24 114 O3
2022-06-15T15 1147A 4 16 0 187 25 20 84 O3
2022-06-15T15 1188A 11 6 0.6 252 48 31 126 O3
2023-03-22T08 1001A 3 6 0.3 78 1489 301 500 PM10
2023-03-22T08 1035A 16 17 0.5 82 414 80 292 PM10
2023-03-22T08 1041A 6 60 1.0 30 163 134 178 PM2.5
2023-03-22T08 1052A 5 36 0.8 17 657 142 500 PM10
2023-03-22T08 1057A 1 _ 0.3 70 1368 314 500 PM10
2023-03-22T08 1081A 7 36 0.4 51 472 103 365 PM10
2023-03-22T08 1085A 4 24 0.3 72 568 133 468 PM10
2023-03-22T08 1090A 6 14 0.4 73 _ 234 284 PM2.5
2023-03-22T08 1111A 11 59 0.7 60 47 30 47 -
2023-03-22T08 1121A 10 26 0.8 88 529 66 429 PM10
2023-03-22T08 1154A 8 43 1.2 1 51 24 51 PM10
2026-03-10T09 1001A 3 63 0.7 27 83 59 98 PM2.5
2026-03-10T09 1054A 6 _ 0.5 14 115 59 NA -
2026-03-10T09 1071A 12 40 0.7 _ 113 63 103 PM2.5
2026-03-10T09 1124A 7 10 0.4 79 55 37 54 PM10,PM2.5
2026-03-10T09 1751A _ 24 0.9 81 43 26 NA -
2026-03-10T09 1763A 24 55 7.3 32 158 122 160 PM2.5
2026-03-10T09 1819A 3 21 0.6 74 _ 130 172 PM2.5
2026-03-10T09 1957A / 34 / 61 184 66 125 PM10
2026-03-10T09 2274A 8 22 0.8 86 78 60 100 PM2.5
2026-03-10T09 2275A 9 24 0.8 74 75 61 101 PM2.5
2026-03-10T09 2291A 10 24 0.7 65 99 68 108 PM2.5
2026-03-10T09 2551A 5 29 0.7 4 51 31 51 PM10
2026-03-10T09 2568A 5 9 0.5 37 27 22 32 -
2026-03-10T09 2695A 4 13 0.8 58 174 57 121 PM10
2026-03-10T09 2708A 2 13 0.3 103 11 3 33 -
"""

# Rows with a pollutant missing where CNEMC's practice and the editions' own rules differ:
# hour, station, concentrations, published AQI (missing_practice="cnemc"), AQI by the edition.
PRACTICE = """
2022-01-04T08 1053A 12 62 1.2 0 _ 51 NA 70
2022-01-04T08 1140A 95 63 2.9 13 274 _ NA 162
2022-06-15T15 1079A 5 7 0.6 222 _ 29 111 111
2022-06-15T15 1144A 3 _ _ 180 36 20 NA 75
2026-03-10T09 1746A 5 15 0.5 84 _ 56 92 NA
2026-03-10T09 3567A 26 50 1.5 18 153 _ NA 113
2026-03-10T09 3994A 6 10 0.4 38 _ 17 25 NA
"""


def _rows(table: str) -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in table.strip().splitlines()]


def _inputs(fields: tuple[str, ...]) -> dict[str, str | None]:
    return {name: (None if v == "_" else v) for name, v in zip(COLUMNS, fields, strict=True)}


def _edition(hour: str) -> str:
    return A.edition_for(dt.date.fromisoformat(hour[:10]))


def _aqi(text: str) -> int | None:
    return None if text == "NA" else int(text)


@pytest.mark.parametrize("row", _rows(PUBLISHED), ids=lambda r: f"{r[0]}-{r[1]}")
def test_published_real_time_aqi(row: tuple[str, ...]) -> None:
    hour, _station, *values, published, primary = row
    result = A.aqi(_inputs(tuple(values)), "1h", _edition(hour))
    assert result.aqi == _aqi(published)
    expected = {NAMES[p] for p in primary.split(",")} - {""}
    assert set(result.primary_pollutants) == expected


def test_the_published_cases_cover_both_editions_and_the_edges() -> None:
    rows = _rows(PUBLISHED)
    assert {_edition(r[0]) for r in rows} == {"2012", "2026"}
    assert len(rows) >= 30
    assert any("," in r[-1] for r in rows)  # tied primary pollutants
    assert any(r[-2] == "500" for r in rows)  # PM10 above the last breakpoint


@pytest.mark.parametrize("row", _rows(PRACTICE), ids=lambda r: f"{r[0]}-{r[1]}")
def test_cnemc_missing_data_practice(row: tuple[str, ...]) -> None:
    hour, _station, *values, published, by_edition = row
    inputs = _inputs(tuple(values))
    edition = _edition(hour)
    assert A.aqi(inputs, "1h", edition, missing_practice="cnemc").aqi == _aqi(published)
    assert A.aqi(inputs, "1h", edition).aqi == _aqi(by_edition)


def test_unknown_missing_practice() -> None:
    with pytest.raises(ValueError, match="missing_practice"):
        A.aqi({"PM2_5": 1}, "1h", "2026", missing_practice="city")
