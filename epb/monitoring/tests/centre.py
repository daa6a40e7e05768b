"""Helpers for the centre's tests: frames with chosen values and flags, stored through the
ingest path with the batch hook and the evaluation running inline at a chosen time."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import time_machine

from epb.hj212 import CpValue, Decoder, Packet, build_upload, make_qn
from epb.monitoring.ingest import Directory, Inbound, store_batch

Values = Mapping[str, float | tuple[float | None, str] | dict[str, CpValue]]


def frame(device: Any, cn: str, when: dt.datetime, values: Values, *, st: str | None = None) -> bytes:
    """An upload of ``values``: code → value, (value, flag), or the fields themselves."""
    suffix = "Rtd" if cn == "2011" else "Avg"
    data: dict[str, dict[str, CpValue]] = {}
    for code, spec in values.items():
        if isinstance(spec, dict):
            data[code] = spec
            continue
        value, flag = spec if isinstance(spec, tuple) else (spec, "N")
        item: dict[str, CpValue] = {}
        if value is not None:
            item[suffix] = value
            if cn != "2011":
                item["Min"] = item["Max"] = value
        item["Flag"] = flag
        data[code] = item
    return build_upload(
        cn=cn,
        mn=device.mn,
        st=st or device.system,
        pw=device.pw,
        data_time=when,
        values=data,
        qn=make_qn(when + dt.timedelta(seconds=1)),
        ack=True,
    )


@contextlib.contextmanager
def at(when: dt.datetime) -> Iterator[None]:
    with time_machine.travel(when, tick=False):
        yield


def store(
    *frames: bytes, received: dt.datetime, directory: Directory | None = None, capture: Any = None
) -> None:
    """Store frames as one batch received at ``received`` (the clock set there too), running the
    batch hook (and so the evaluation) after the commit when ``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``."""
    decoder = Decoder()
    for f in frames:
        decoder.feed(f)
    records = [
        Inbound(received.timestamp(), "10.0.0.9", e) for e in decoder.events() if isinstance(e, Packet)
    ]
    directory = directory or Directory()
    with at(received):
        if capture is None:
            store_batch(records, directory)
        else:
            with capture(execute=True):
                store_batch(records, directory)
