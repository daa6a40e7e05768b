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

from django.db import DatabaseError

from epb.monitoring import conf
from epb.monitoring.choices import DataKind
from epb.monitoring.ingest import StoredBatch

logger = logging.getLogger("epb.monitoring.handover")
WATCHED = frozenset({DataKind.REALTIME, DataKind.MINUTE, DataKind.HOUR, DataKind.DAY})
MAX_REPEATS = 1000
MAX_SEEN = 200_000
TASK_DEVICES = 500  # devices per evaluation task


class Handover:
    def __init__(self, enqueue: Callable[..., Any] | None = None) -> None:
        self._enqueue = enqueue  # the evaluation task's enqueue unless given
        self._lock = threading.Lock()
        self._work: dict[tuple[int, int], list[dt.datetime]] = {}
        self._repeats: list[list[Any]] = []
        self._seen: dict[tuple[int, int], dt.datetime] = {}
        self._last = time.monotonic()
        self._wake: threading.Event | None = None

    def on_batch(self, batch: StoredBatch) -> None:
        with self._lock:
            work, seen, repeats = self._work, self._seen, self._repeats
            for device_id, cn, when, part, data in batch.readings:
                if cn not in WATCHED:
                    continue
                key = (device_id, cn)
                newest = seen.get(key)
                if newest is None or when > newest:
                    # The common case: the device's next packet of this kind. (The span's end is
                    # never past the newest time seen.)
                    if newest is None and len(seen) >= MAX_SEEN:
                        seen.clear()
                    seen[key] = when
                    span = work.get(key)
                    if span is None:
                        work[key] = [when, when]
                    else:
                        span[1] = when
                    continue
                span = work.get(key)
                if span is None:
                    work[key] = [when, when]
                elif when < span[0]:
                    span[0] = when
                if len(repeats) < MAX_REPEATS:
                    repeats.append([device_id, cn, when.isoformat(), part, dict(data)])
        self.tick()

    def tick(self) -> None:
        """Due? Hand the notes over: from a thread of the hand-over's own (the storage thread only
        swaps a dict), or here when ``MONITORING_HANDOVER_THREAD`` is off (tests: at once, inline)."""
        if not self._work or time.monotonic() - self._last < conf.evaluate_seconds():
            return
        if not conf.handover_thread():
            self.flush()
            return
        with self._lock:
            if self._wake is None:
                self._wake = threading.Event()
                threading.Thread(target=self._run, name="epb-monitoring-handover", daemon=True).start()
            self._last = time.monotonic()
        self._wake.set()

    def _run(self) -> None:
        from django.db import connection

        assert self._wake is not None
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                self.flush()
            finally:
                connection.close_if_unusable_or_obsolete()

    def take(self) -> tuple[list[list[Any]], list[list[Any]]]:
        with self._lock:
            work, repeats = self._work, self._repeats
            self._work, self._repeats = {}, []
            self._last = time.monotonic()
        items = [[d, cn, span[0].isoformat(), span[1].isoformat()] for (d, cn), span in work.items()]
        return items, repeats

    def flush(self) -> None:
        """Enqueue the notes as evaluation tasks of at most ``TASK_DEVICES`` devices each, so
        several workers can share a large fleet."""
        items, repeats = self.take()
        if not items and not repeats:
            return
        enqueue = self._enqueue
        if enqueue is None:
            from epb.monitoring.tasks import evaluate

            enqueue = evaluate.enqueue
        # A device's items (and repeats) stay in one task: its evaluation reads its own state.
        n = max(1, -(-len({item[0] for item in items}) // TASK_DEVICES))
        parts: list[tuple[list[list[Any]], list[list[Any]]]] = [([], []) for _ in range(n)]
        for item in items:
            parts[int(item[0]) % n][0].append(item)
        for repeat in repeats:
            parts[int(repeat[0]) % n][1].append(repeat)
        left = [p for p in parts if p[0] or p[1]]
        try:
            while left:
                enqueue(*left[0])
                left.pop(0)
        except Exception as exc:
            # The task table is unreachable (database down, or an SQLite write lock held longer
            # than the busy timeout): keep the notes for the next try. A database error is an
            # expected condition and gets one line; anything else its traceback.
            count = sum(len(p[0]) for p in left)
            if isinstance(exc, DatabaseError):
                logger.warning(
                    "could not hand %d items over to the evaluation yet (%s); retrying", count, exc
                )
            else:
                logger.exception("could not hand %d items over to the evaluation", count)
            with self._lock:
                for chunk, again in left:
                    self._repeats.extend(again[: MAX_REPEATS - len(self._repeats)])
                    for d, cn, first, last in chunk:
                        t0, t1 = dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)
                        span = self._work.setdefault((d, cn), [t0, t1])
                        span[0], span[1] = min(span[0], t0), max(span[1], t1)

    def reset(self) -> None:
        with self._lock:
            self._work, self._repeats, self._seen = {}, [], {}


HANDOVER = Handover()
