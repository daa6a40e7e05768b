"""``epb hj212``: decode (the public contract), frame, tables."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from epb.hj212 import Version, build_upload, cli
from epb.hj212.tests.vectors import VECTORS

CONTRACT_KEYS = {
    "ok",
    "error",
    "version",
    "qn",
    "st",
    "cn",
    "pw",
    "mn",
    "flag",
    "data_time",
    "crc_ok",
    "values",
    "raw",
}
KEY = bytes(range(16))


class Pipe(io.BytesIO):
    """A binary stdin/stdout that records the order of reads and writes."""

    def __init__(self, chunks: list[bytes] | None = None, log: list[str] | None = None) -> None:
        super().__init__()
        self.chunks = list(chunks or [])
        self.log = log if log is not None else []

    def read1(self, size: int | None = -1) -> bytes:
        self.log.append("read")
        return self.chunks.pop(0) if self.chunks else b""

    def write(self, data: Any) -> int:
        self.log.append("write")
        return super().write(data)


class Std:
    def __init__(self, buffer: io.BytesIO) -> None:
        self.buffer = buffer


def run(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], chunks: list[bytes], log: list[str] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    stdin, stdout = Pipe(chunks, log), Pipe(log=log)
    monkeypatch.setattr(sys, "stdin", Std(stdin))
    monkeypatch.setattr(sys, "stdout", Std(stdout))
    code = cli.main(argv)
    lines = stdout.getvalue().decode("utf-8").splitlines()
    return code, [json.loads(line) for line in lines]


def test_decode_writes_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(monkeypatch, ["decode"], [VECTORS["lib-2005-ms-datatime"] + b"\r\n"])
    assert code == 0 and len(out) == 1
    obj = out[0]
    assert CONTRACT_KEYS <= set(obj)
    assert obj["ok"] is True and obj["error"] is None and obj["crc_ok"] is True
    assert (obj["version"], obj["qn"], obj["st"], obj["cn"], obj["pw"], obj["mn"], obj["flag"]) == (
        "2005",
        None,
        "32",
        "2011",
        "123456",
        "LD130133000015",
        None,
    )
    assert obj["data_time"] == "2016-08-24T00:38:17+08:00"
    assert obj["values"] == {
        "B01": {"Rtd": 36.91},
        "011": {"Rtd": 231.0, "Flag": "N"},
        "060": {"Rtd": 1.803, "Flag": "N"},
    }
    assert obj["raw"] == VECTORS["lib-2005-ms-datatime"].decode()


def test_decode_every_vector_with_junk_and_without_tails(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = b"MODBUS\x00\x01".join(VECTORS.values())
    code, out = run(monkeypatch, ["decode"], [stream[i : i + 100] for i in range(0, len(stream), 100)])
    assert code == 0
    assert [o["raw"].encode() for o in out] == list(VECTORS.values())
    assert [o["ok"] for o in out] == [not name.startswith("neg-") for name in VECTORS]
    bad = out[-1]
    assert bad["error_code"] == "bad_crc" and bad["error"].startswith(
        "CRC mismatch: expected 6C00, received 0681"
    )
    assert bad["cn"] == "2051" and bad["values"]["112"] == {"Min": 0.0, "Avg": 0.0, "Max": 0.0}
    log = out[list(VECTORS).index("derived-3020-utf8-log")]
    assert log["values"] == {"i11001": {"Info": "//清洗管路//"}} and log["cp"]["PolId"] == "w01018"
    assert out[0]["cp"] == {"RtdInterval": 30}


def test_decode_streams_each_frame_before_reading_on(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    a, b = VECTORS["derived-9014"], VECTORS["derived-9013"]
    code, out = run(monkeypatch, ["decode"], [a + b"\r\n", b], log)
    assert code == 0 and [o["cn"] for o in out] == ["9014", "9013"]
    assert log[:3] == ["read", "write", "read"]  # the first frame is out before the next read


def test_decode_lenient_accepts_modbus(monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = run(monkeypatch, ["decode", "--lenient"], [VECTORS["neg-1623-modbus-le"]])
    assert out[0]["ok"] is True and set(out[0]["deviations"]) == {"crc_variant", "oversize"}


def test_decode_junk_option_and_undecodable_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    cut = b"##0010QN=\xff\xfe\x80;C"
    _, out = run(monkeypatch, ["decode", "--junk"], [b"\xffjunk" + VECTORS["derived-9014"], b"\r\n" + cut])
    assert out[0] == {"junk": "\\xffjunk"}
    assert out[1]["ok"] is True
    assert (
        out[2]["ok"] is False
        and out[2]["error_code"] == "truncated"
        and out[2]["raw"] == "##0010QN=\\xff\\xfe\\x80;C"
    )
    assert out[2]["values"] == {} and out[2]["crc_ok"] is False and out[2]["version"] is None
    assert out[2]["crc_expected"] is None and out[2]["mn"] is None
    _, out = run(monkeypatch, ["decode"], [b"##0101QN=1;ST=32;CN=2011;PW=1;MN=M1;", b"##0101QN="])
    assert [(o["error_code"], o["cn"], o["mn"]) for o in out] == [
        ("truncated", "2011", "M1"),
        ("truncated", None, None),
    ]


def test_decode_gbk_raw(monkeypatch: pytest.MonkeyPatch) -> None:
    segment = VECTORS["derived-3020-utf8-log"][6:-4].decode().encode("gbk")
    raw = b"##%04d%bDEC1" % (len(segment), segment)
    _, out = run(monkeypatch, ["decode"], [raw])
    assert out[0]["ok"] and "清洗管路" in out[0]["raw"] and out[0]["deviations"] == ["not_utf8"]


def test_decode_cp_items_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    from epb.hj212 import frame

    raw = frame(b"ST=32;CN=1012;CP=&&SystemTime=20240601083000;BeginTime=bad;QnRtn=1;ExeRtn=x;FANSTATUS=1&&")
    _, out = run(monkeypatch, ["decode"], [raw])
    assert out[0]["cp"] == {
        "SystemTime": "2024-06-01T08:30:00+08:00",
        "BeginTime": "bad",
        "QnRtn": 1,
        "ExeRtn": "x",
        "FANSTATUS": "1",
    }


def encrypted() -> bytes:
    from datetime import UTC, datetime

    return build_upload(
        cn="2011", mn="MN1", st="32", qn="1", data_time=datetime(2026, 1, 1, tzinfo=UTC),
        values={"w01018": {"Rtd": 27.3, "SampleTime": datetime(2026, 1, 1, tzinfo=UTC)}},
        version=Version.V2025, sm4_key=KEY,
    )  # fmt: skip


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"MN1": KEY.hex()}),
        f"# keys\n\nMN1 {KEY.hex().upper()}  # the test device\nOTHER={'00' * 16}\n",
    ],
)
def test_decode_with_sm4_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str) -> None:
    keys = tmp_path / "keys"
    keys.write_text(content, encoding="utf-8")
    _, out = run(monkeypatch, ["decode", "--sm4-keys", str(keys)], [encrypted()])
    assert out[0]["ok"] and out[0]["encrypted"]
    assert out[0]["values"] == {"w01018": {"Rtd": 27.3, "SampleTime": "2026-01-01T08:00:00+08:00"}}
    _, out = run(monkeypatch, ["decode"], [encrypted()])
    assert out[0]["ok"] is False and out[0]["error_code"] == "bad_crc"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "the key file's JSON must be an object"),
        ('{"MN1": "zz"}', "the key of MN1 is not 32 hex digits"),
        ("MN1 00", "the key of MN1 is not 32 hex digits"),
        ("MN1", "line 1: expected 'MN KEY'"),
        (None, "No such file"),
    ],
)
def test_bad_key_files(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    keys = tmp_path / "keys"
    if content is not None:
        keys.write_text(content, encoding="utf-8")
    code, out = run(monkeypatch, ["decode", "--sm4-keys", str(keys)], [encrypted()])
    assert code == 2 and out == []
    assert message in capsys.readouterr().err


def test_decode_max_buffer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(monkeypatch, ["decode", "--max-buffer", "1024"], [b"##9999QN=" + b"1" * 3000])
    assert code == 0 and out[0]["error_code"] == "too_long"
    code, out = run(monkeypatch, ["decode", "--max-buffer", "100"], [])
    assert code == 2 and "--max-buffer must be at least 1024" in capsys.readouterr().err


def test_frame_command(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.BytesIO(b"QN=1;ST=32;CN=2011;Flag=4;CP=&&&&\r\n\nCN=9014;CP=&&&&\n")
    stdout = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", Std(stdin))
    monkeypatch.setattr(sys, "stdout", Std(stdout))
    assert cli.main(["frame"]) == 0
    assert (
        stdout.getvalue() == b"##0033QN=1;ST=32;CN=2011;Flag=4;CP=&&&&AB41\r\n##0015CN=9014;CP=&&&&8581\r\n"
    )


def test_tables_command(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", Std(stdout))
    assert cli.main(["tables"]) == 0
    text = stdout.getvalue().decode()
    assert "| 9014 | both | interaction | 数据应答 |" in text and "### Exchanges" in text


@pytest.mark.parametrize(
    ("argv", "code"), [([], 2), (["nope"], 2), (["--help"], 0), (["decode", "--bad"], 2)]
)
def test_usage(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == code
    captured = capsys.readouterr()
    assert "epb hj212" in captured.out + captured.err


def test_broken_pipe_stops_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()

    class Closed(Pipe):
        def write(self, data: Any) -> int:
            raise BrokenPipeError

    class Out:
        buffer = Closed()

        def fileno(self) -> int:
            return write_end

    monkeypatch.setattr(sys, "stdin", Std(Pipe([VECTORS["derived-9014"]])))
    monkeypatch.setattr(sys, "stdout", Out())
    try:
        assert cli.main(["decode"]) == 0
        os.write(write_end, b"x")  # the descriptor now leads to /dev/null, not to the pipe
        os.close(write_end)
        assert os.read(read_end, 10) == b""
    finally:
        os.close(read_end)
