"""How fast the HJ 212 codec decodes, on one core: frames/s and MB/s for typical frame mixes.

Run: ``.venv/bin/python bench/hj212_parse.py`` (about ten seconds; ``--quick`` for two).
Each mix is a stream of distinct frames (different times and values, so no cache flatters
the figures) fed to one ``Decoder`` in 64 KiB reads, every event taken out and every value
parsed; the best of three runs is shown. Target: ≥ 50 000 realtime frames/s (≈ 400 bytes).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The path set-up above lets the script run standalone, without the package installed.
from epb.hj212 import (
    BadFrame,
    CpValue,
    Decoder,
    Packet,
    Values,
    Version,
    build_upload,
    crc16,
    make_qn,
)

START = datetime(2024, 6, 1, tzinfo=UTC)
MN_2017 = "010000A8900016F000169DC0"
WATER = ["w01018", "w21003", "w21011", "w21001", "w01001", "w00000", "w01010", "w01009", "w01014"]
AIR = ["a21026", "a21002", "a34013", "a19001", "a01012", "a00000"]
OLD = ["011", "060", "101", "065", "001", "B01"]
KEY = bytes(range(16))


def realtime(rng: random.Random, i: int) -> bytes:
    when = START + timedelta(seconds=30 * i)
    values: Values = {code: {"Rtd": round(rng.uniform(0, 500), 3), "Flag": "N"} for code in WATER}
    return build_upload(
        cn="2011", mn=MN_2017, st="32", qn=make_qn(when), data_time=when, values=values, ack=True
    )


def hourly(rng: random.Random, i: int) -> bytes:
    when = START + timedelta(hours=i)
    values: dict[str, dict[str, CpValue]] = {}
    for code in AIR:
        low, high = sorted(round(rng.uniform(0, 300), 2) for _ in range(2))
        average = round((low + high) / 2, 2)
        values[code] = {
            "Cou": round(rng.uniform(0, 9e3), 3),
            "Min": low,
            "Avg": average,
            "Max": high,
            "Flag": "N",
        }
    cn = "2061" if i % 2 else "2051"
    return build_upload(cn=cn, mn=MN_2017, st="31", qn=make_qn(when), data_time=when, values=values, ack=True)


def old_2005(rng: random.Random, i: int) -> bytes:
    when = START + timedelta(minutes=10 * i)
    values: Values = {code: {"Rtd": round(rng.uniform(0, 300), 2), "Flag": "N"} for code in OLD}
    return build_upload(
        cn="2011", mn="LD130133000015", st="32", data_time=when, values=values, version=Version.V2005
    )


def encrypted_2025(rng: random.Random, i: int) -> bytes:
    when = START + timedelta(seconds=30 * i)
    values: Values = {code: {"Rtd": round(rng.uniform(0, 500), 3), "Flag": "N"} for code in WATER}
    return build_upload(
        cn="2011", mn=MN_2017, st="32", qn=make_qn(when), data_time=when, values=values,
        version=Version.V2025, ack=True, sm4_key=KEY,
    )  # fmt: skip


def chunks_of(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def random_chunks(stream: bytes, rng: random.Random) -> list[bytes]:
    """Reads of 1–700 bytes: most frames arrive in two or three pieces."""
    out, at = [], 0
    while at < len(stream):
        size = rng.randint(1, 700)
        out.append(stream[at : at + size])
        at += size
    return out


def decode_all(reads: list[bytes], key_for: Callable[[str], bytes | None] | None) -> int:
    decoder = Decoder(key_for=key_for)
    count = 0
    for data in reads:
        decoder.feed(data)
        for event in decoder.events():
            if isinstance(event, Packet):
                count += 1
            elif isinstance(event, BadFrame):
                raise AssertionError(f"unexpected {event!r}")
    return count


def measure(
    name: str, frames: list[bytes], reads: list[bytes], key_for: Callable[[str], bytes | None] | None
) -> None:
    size = sum(map(len, frames))
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        decoded = decode_all(reads, key_for)
        best = min(best, time.perf_counter() - began)
        assert decoded == len(frames), (decoded, len(frames))
    print(
        f"{name:<40} {len(frames):>7} {size / len(frames):>8.0f} B {len(frames) / best:>12,.0f} frames/s "
        f"{size / best / 1e6:>7.1f} MB/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames, for a smoke run")
    args = parser.parse_args()
    count = 4000 if args.quick else 20000
    rng = random.Random(212)
    print(f"Python {sys.version.split()[0]}, one core; best of 3 runs\n")
    print(f"{'mix':<40} {'frames':>7} {'avg size':>10}")
    mixes: list[tuple[str, Callable[[random.Random, int], bytes], Callable[[str], bytes | None] | None]] = [
        ("realtime 2011 (2017)", realtime, None),
        ("minute/hour 2051/2061 Cou/Min/Avg/Max", hourly, None),
        ("2005 frames (no QN/Flag, 3-digit)", old_2005, None),
        ("2025 SM4-encrypted realtime", encrypted_2025, {MN_2017: KEY}.get),
    ]
    realtime_frames: list[bytes] = []
    for name, make, key_for in mixes:
        frames = [make(rng, i) for i in range(count)]
        realtime_frames = realtime_frames or frames
        measure(name, frames, chunks_of(b"".join(frames), 65536), key_for)
    stream = b"".join(realtime_frames)
    measure("realtime split across reads (1–700 B)", realtime_frames, random_chunks(stream, rng), None)
    junk = b"\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a"
    measure(
        "realtime with a Modbus poll between",
        realtime_frames,
        chunks_of(junk.join(realtime_frames), 65536),
        None,
    )

    segments = [frame[6:-6] for frame in realtime_frames]
    began = time.perf_counter()
    for segment in segments:
        crc16(segment)
    spent = time.perf_counter() - began
    megabytes = sum(map(len, segments)) / 1e6
    print(f"\nCRC alone: {len(segments) / spent:,.0f} segments/s, {megabytes / spent:.0f} MB/s")


if __name__ == "__main__":
    main()
