"""From the ingest path to the evaluation task, without slowing the acknowledgements.

The batch hook runs in the storage thread (or the writer) after each commit, when the devices have
their answers already. It only notes, in memory, which device and kind of data got which time
range (and the packets whose DataTime was already seen, for the repeated-timestamp check), and
at most every ``MONITORING_EVALUATE_SECONDS`` (default 5 s) hands that over as one
``evaluate`` task: one small insert into the task table instead of work per packet. The receiver
and the writer call ``tick`` about once a second, so quiet periods are handed over too.

If the process dies with a few seconds of notes unsent, nothing stored is lost: the periodic
tasks close the hours and days and scan for offline devices; only the provisional judgement
of those seconds' values is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from epb.monitoring import conf
from epb.monitoring.choices import DataKind
from epb.monitoring.ingest import StoredBatch

logger = logging.getLogger("epb.monitoring.handover")
WATCHED = frozenset({DataKind.REALTIME, DataKind.MINUTE, DataKind.HOUR, DataKind.DAY})
MAX_REPEATS = 1000
MAX_SEEN = 200_000


class Handover:
    def __init__(self, enqueue: Callable[..., Any] | None = None) -> None:
        self._enqueue = enqueue  # the evaluation task's enqueue unless given
        self._lock = threading.Lock()
        self._work: dict[tuple[int, int], list[dt.datetime]] = {}
        self._repeats: list[list[Any]] = []
        self._seen: dict[tuple[int, int], dt.datetime] = {}
        self._last = time.monotonic()

    def on_batch(self, batch: StoredBatch) -> None:
        with self._lock:
            work, seen, repeats = self._work, self._seen, self._repeats
            for r in batch.readings:
                if r.cn not in WATCHED:
                    continue
                key = (r.device_id, r.cn)
                when = r.data_time
                span = work.get(key)
                if span is None:
                    work[key] = [when, when]
                elif when < span[0]:
                    span[0] = when
                elif when > span[1]:
                    span[1] = when
                newest = seen.get(key)
                if newest is None or when > newest:
                    if newest is None and len(seen) >= MAX_SEEN:
                        seen.clear()
                    seen[key] = when
                elif len(repeats) < MAX_REPEATS:
                    repeats.append([r.device_id, r.cn, when.isoformat(), r.part, dict(r.data)])
        self.tick()

    def tick(self) -> None:
        if not self._work or time.monotonic() - self._last < conf.evaluate_seconds():
            return
        self.flush()

    def take(self) -> tuple[list[list[Any]], list[list[Any]]]:
        with self._lock:
            work, repeats = self._work, self._repeats
            self._work, self._repeats = {}, []
            self._last = time.monotonic()
        items = [[d, cn, span[0].isoformat(), span[1].isoformat()] for (d, cn), span in work.items()]
        return items, repeats

    def flush(self) -> None:
        items, repeats = self.take()
        if not items and not repeats:
            return
        enqueue = self._enqueue
        if enqueue is None:
            from epb.monitoring.tasks import evaluate

            enqueue = evaluate.enqueue
        try:
            enqueue(items, repeats)
        except Exception:
            # The task table is unreachable (database down): keep the notes for the next try.
            logger.exception("could not hand %d items over to the evaluation", len(items))
            with self._lock:
                for d, cn, first, last in items:
                    span = self._work.setdefault(
                        (d, cn), [dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)]
                    )
                    span[0] = min(span[0], dt.datetime.fromisoformat(first))
                    span[1] = max(span[1], dt.datetime.fromisoformat(last))

    def reset(self) -> None:
        with self._lock:
            self._work, self._repeats, self._seen = {}, [], {}


HANDOVER = Handover()
