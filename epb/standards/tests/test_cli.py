"""``epb evaluate KIND``: JSON lines in, one JSON line out per line, errors per line."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from typing import Any

import pytest

from epb.standards import cli


def _run(kind: str, *lines: str | bytes) -> list[dict[str, Any]]:
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    out = io.BytesIO()
    cli.run(kind, io.BytesIO(data), out)
    return [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]


def test_aqi_lines_in_order_with_errors_and_blank_lines() -> None:
    out = _run(
        "aqi",
        '{"version": "2026", "period": "24h", "PM2_5": 75, "PM10": 150}',
        "",
        "   ",
        "not json",
        "[1, 2]",
        '{"version": "2030", "PM2_5": 1}',
        '{"version": "2026", "PM2_5": -1}',
        '{"version": "2026", "PM25": 1}',
        '{"version": "2026", "PM2_5": NaN}',
        '{"version": "2026", "PM2_5": "35 ug"}',
        '{"version": "2026", "PM2_5": true}',
        '{"PM2_5": 35}',
        '{"version": "2012", "period": "1h", "CO": 10.1, "id": "st-7"}',
        '{"date": "2026-02-28", "PM2_5": 75}',
    )
    assert len(out) == 12  # the two blank lines give nothing
    assert out[0]["aqi"] == 114 and out[0]["level"] == 3 and out[0]["category"] == "轻度污染"
    assert out[0]["primary_pollutants"] == ["PM2_5"] and out[0]["iaqi"] == {"PM10": 112, "PM2_5": 114}
    assert [set(o) for o in out[1:10]] == [{"error"}] * 9
    assert "invalid JSON" in out[1]["error"]
    assert "unknown AQI version" in out[3]["error"]
    assert "negative" in out[4]["error"]
    assert "unknown pollutant 'PM25'" in out[5]["error"]
    assert "NaN" in out[6]["error"]
    assert out[10] == {"id": "st-7", **{k: v for k, v in out[10].items() if k != "id"}}
    assert out[10]["aqi"] == 101 and out[10]["version"] == "2012"
    assert out[11]["aqi"] == 100 and out[11]["version"] == "2012"


def test_aqi_null_aqi_has_null_level_and_category() -> None:
    (out,) = _run("aqi", '{"version": "2026", "PM2_5": 35, "SO2": null}')
    assert out["aqi"] is None and out["level"] is None and out["category"] is None
    assert out["primary_pollutants"] == [] and out["iaqi"]["PM2_5"] == 50


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"version": 2026.0, "PM2_5": 1}', "version"),
        ('{"version": "2026", "period": 24, "PM2_5": 1}', "period"),
        ('{"version": "2026", "date": 20260301, "PM2_5": 1}', "date"),
        ('{"version": "2026", "round_concentrations": "yes", "PM2_5": 1}', "round_concentrations"),
        ('{"version": "2026", "PM2_5": {"value": 1}}', "expected a number"),
    ],
)
def test_aqi_field_types(line: str, message: str) -> None:
    (out,) = _run("aqi", line)
    assert message in out["error"]


def test_water_kind() -> None:
    out = _run(
        "water",
        '{"water_body": "river", "values": {"COD": 25, "NH3N": "0.05L", "TP": 0.35}, "target_class": "III"}',
        '{"values": {"XYZ": 1}}',
        '{"values": {}}',
        '{"values": {"COD": null}}',
        '{"water_body": "lake", "values": {"TP": 0.06, "TN": 1.2}, "include_tn": true}',
        '{"values": {"COD": 10}, "colour": "blue"}',
        '{"values": [1]}',
        '{"values": {"COD": 10}, "include_tn": 1}',
        '{"values": {"COD": 10}, "target_class": "VI"}',
    )
    first = out[0]
    assert first["class"] == "V"
    assert first["item_classes"] == {"COD": "IV", "NH3N": "I", "TP": "V"}
    assert first["exceedances"] == {"COD": 0.25, "TP": 0.75}
    assert first["main_pollutants"] == ["TP", "COD"]
    assert first["meets_target"] is False
    assert "unknown item code 'XYZ'" in out[1]["error"]
    assert "no item values" in out[2]["error"] and "no item values" in out[3]["error"]
    assert out[4]["class"] == "IV" and out[4]["item_classes"]["TN"] == "IV"
    assert "unknown field 'colour'" in out[5]["error"]
    assert "expected an object" in out[6]["error"]
    assert "include_tn" in out[7]["error"]
    assert "unknown water class" in out[8]["error"]


def test_river_lake_tli_drinking_kinds() -> None:
    (river,) = _run("river", json.dumps({"sections": [{"COD": 25}, {"COD": 10}, {"COD": 45}]}))
    assert river["method"] == "section_mean" and river["grade"] == "轻度污染"
    (lake,) = _run("lake", json.dumps({"points": [{"TP": [0.04, 0.06], "Chla": 10}, {"TP": 0.1}]}))
    assert lake["class"] == "IV" and lake["tli"]["grade"] in {"中营养", "轻度富营养"}
    (tli,) = _run("tli", '{"values": {"Chla": 10, "TP": 0.1, "TN": 1.5, "SD": 0.5, "CODMn": 5}}')
    assert tli["tli"] == 54.92 and tli["grade"] == "轻度富营养"
    (drink,) = _run("drinking", '{"values": {"NH3N": 0.3, "Fe": 0.5}, "extra_limits": {"Benzene": 0.01}}')
    assert drink["compliant"] is False and drink["failing_items"] == ["Fe"]
    (plain,) = _run("drinking", '{"values": {"NH3N": 0.3}, "water_body": "lake"}')
    assert plain["compliant"] is True
    errors = (
        _run(
            "river",
            '{"sections": []}',
            '{"sections": [1]}',
            "{}",
        )
        + _run("lake", '{"points": [1]}', '{"points": "a"}')
        + _run("tli", '{"values": {"Chla": 0}}')
    )
    assert all(set(e) == {"error"} for e in errors)


def test_noise_kind() -> None:
    out = _run(
        "noise",
        '{"zone": "1", "period": "night", "leq": 46.2, "lmax": 62}',
        '{"zone": 2, "period": "day", "leq": 60}',
        '{"zone": "4", "period": "day", "leq": 60}',
        '{"zone": "1", "period": "day"}',
        '{"zone": "4b", "period": "night", "leq": 58, "railway_background": true}',
        '{"zone": "1", "period": "day", "leq": "loud"}',
        '{"zone": "1", "period": "day", "leq": "50"}',
        '{"zone": "1", "period": "day", "leq": null}',
    )
    assert out[0]["limit"] == 45 and out[0]["exceeds"] is True and out[0]["exceedance_db"] == 1.2
    assert out[0]["lmax_exceeds"] is True
    assert out[1] == {**out[1], "limit": 60.0, "exceeds": False, "exceedance_db": 0.0}
    assert "unknown noise zone" in out[2]["error"]
    assert "leq: required" in out[3]["error"]
    assert out[4]["limit"] == 55.0 and out[4]["exceeds"] is True
    assert "leq: expected a number" in out[5]["error"]
    assert "leq: expected a number" in out[6]["error"]
    assert "leq: expected a number" in out[7]["error"]


def test_gb3095_kind() -> None:
    out = _run(
        "gb3095",
        '{"pollutant": "PM2_5", "period": "24h", "date": "2026-05-01", "value": 62}',
        '{"pollutant": "PM2_5", "period": "24h", "edition": "2012", "zone_class": 1}',
        '{"pollutant": "PM2_5"}',
        '{"pollutant": "PM2_5", "period": "24h", "edition": "2012", "value": "62"}',
    )
    assert out[0]["limit"] == 60.0 and out[0]["exceeds"] is True
    assert out[0]["exceedance_multiple"] == pytest.approx(2 / 60)
    assert out[1]["limit"] == 35.0 and "exceeds" not in out[1]
    assert "required" in out[2]["error"]
    assert "value: expected a number" in out[3]["error"]


def test_invalid_utf8_and_deep_nesting() -> None:
    out = _run("aqi", b'{"version": "2026", "PM2_5": 1}\xff', "[" * 100000)
    assert out[0] == {"error": "line is not valid UTF-8"}
    assert "invalid JSON" in out[1]["error"]


def test_last_line_without_newline() -> None:
    out = io.BytesIO()
    cli.run("noise", io.BytesIO(b'{"zone": "1", "period": "day", "leq": 50}'), out)
    assert json.loads(out.getvalue())["exceeds"] is False


def echo_record(record: dict[str, Any]) -> dict[str, Any]:
    """{"say": ...}"""
    if record.get("boom"):
        raise RuntimeError("kaput")
    if record.get("odd"):
        return {"thing": object()}
    return {"echo": record}


def test_a_kind_is_one_registry_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.KINDS, "echo", cli.Kind(__name__, "echo_record", "echo the record"))
    out = _run("echo", '{"say": 1.25, "id": 3}', '{"boom": true}', '{"odd": true, "id": [1]}')
    assert out[0] == {"id": 3, "echo": {"say": 1.25}}  # Decimal from the parser goes out as a number
    assert out[1] == {"error": "internal error: RuntimeError: kaput"}
    assert out[2]["error"].startswith("internal error: unserialisable result")


class _Stdio:
    def __init__(self, data: bytes = b"") -> None:
        self.buffer = io.BytesIO(data)


def test_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "kinds:" in capsys.readouterr().out
    assert cli.main([]) == 2
    assert "usage" in capsys.readouterr().out
    assert cli.main(["nope"]) == 2
    assert "unknown kind" in capsys.readouterr().err
    assert cli.main(["noise", "--help"]) == 0
    assert '"zone"' in capsys.readouterr().out
    assert cli.main(["noise", "extra"]) == 2
    assert "unexpected arguments" in capsys.readouterr().err
    stdin, stdout = _Stdio(b'{"zone": "1", "period": "day", "leq": 56}\n'), _Stdio()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cli.main(["noise"]) == 0
    assert json.loads(stdout.buffer.getvalue())["exceeds"] is True


def test_every_kind_has_help() -> None:
    for name, kind in cli.KINDS.items():
        handler = cli._handler(kind)
        assert handler.__doc__ and "{" in handler.__doc__, name


@pytest.mark.slow
def test_output_is_streamed_line_by_line() -> None:
    code = "import sys; from epb.standards.cli import main; sys.exit(main(['noise']))"
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # output must not depend on the locale
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for leq, exceeds in ((50, False), (60, True)):
            proc.stdin.write(json.dumps({"zone": "1", "period": "day", "leq": leq}).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 20)
            assert ready, "no answer before the next line was sent"
            assert json.loads(proc.stdout.readline())["exceeds"] is exceeds
        proc.stdin.write(b'{"zone": "1", "period": "day", "leq": 50, "x": "\xe6\xb5\x8b"}\n')
        proc.stdin.close()
        rest = proc.stdout.read().decode("utf-8")
        assert "unknown field 'x'" in rest
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.slow
def test_chinese_output_survives_an_ascii_locale() -> None:
    code = "import sys; from epb.standards.cli import main; sys.exit(main(['aqi']))"
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=b'{"version": "2026", "PM2_5": 75}\n',
        capture_output=True,
        env=env,
        timeout=30,
        check=True,
    )
    assert json.loads(done.stdout.decode("utf-8"))["category"] == "轻度污染"


def test_byte_order_mark_and_crlf_are_read_through() -> None:
    # Files saved by spreadsheet tools start with a BOM and end lines with CR LF.
    out = _run(
        "aqi", b'\xef\xbb\xbf{"version": "2012", "PM2_5": 75}\r', b"\r", b'{"version": "2012", "PM10": 150}\r'
    )
    assert [o["aqi"] for o in out] == [100, 100]


@pytest.mark.parametrize(
    ("value", "iaqi"),
    [("75", 100), (" 40 ", 57), ("NA", None), ("-", None), ("", None), ("—", None), (None, None)],
)
def test_aqi_numeric_strings_and_dashes(value: object, iaqi: int | None) -> None:
    (out,) = _run("aqi", json.dumps({"version": "2012", "PM2_5": value, "PM10": 20}))
    assert out["iaqi"].get("PM2_5") == iaqi
    assert ("PM2_5" in out["missing"]) == (iaqi is None)


@pytest.mark.parametrize("value", ["abc", "1,5", "0x10", "NaN", "Infinity", "-1"])
def test_aqi_bad_strings_are_errors(value: str) -> None:
    (out,) = _run("aqi", json.dumps({"version": "2012", "PM2_5": value}))
    assert "PM2_5" in out["error"]
