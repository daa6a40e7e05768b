"""Storing a batch of received frames: one synchronous function, testable without sockets.

The receiver (or, in scaled mode, ``epb writer``) hands ``store_batch`` the frames that arrived
within one group-commit window. In one transaction it writes every frame as evidence
(``RawFrame``), every data packet of a registered device with the right PW as a ``Reading``
(once per MN, CN, DataTime and part: resends are not stored twice), unknown MNs and wrong PWs
to the quarantine, the devices' live status (one update per device per batch, never per
packet), and the devices' answers to centre commands. Only when this function has returned
may the receiver acknowledge the batch's packets. Hooks registered with
``register_batch_hook`` run after the commit.

The hot path writes with ``executemany`` and plain SQL (the same statements on SQLite and
PostgreSQL except where noted), because Django's ORM costs several times more per row here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction

from epb.hj212 import BadFrame, Packet, Profile
from epb.monitoring import rules
from epb.monitoring.choices import DataKind, FrameOutcome, QuarantineReason

logger = logging.getLogger("epb.monitoring.ingest")


class Inbound(NamedTuple):
    """One frame as it arrived: when (``time.time()``), from where, and what the codec made of it.

    A named tuple, not a dataclass: one is made per frame on the event loop."""

    received: float
    peer: str
    event: Packet | BadFrame


# ---------------------------------------------------------------------------- the directory


@dataclass
class _Status:
    """What a batch (or several) changed in one device's ``DeviceStatus``."""

    seen: datetime
    peer: str
    frames: int = 0
    rejected: int = 0
    data_at: datetime | None = None
    last_cn: int | None = None
    kinds: dict[int, datetime] = field(default_factory=dict)

    def merge(self, later: _Status) -> None:
        if later.seen >= self.seen:
            self.seen, self.peer = later.seen, later.peer
        self.frames += later.frames
        self.rejected += later.rejected
        if later.data_at is not None and (self.data_at is None or later.data_at >= self.data_at):
            self.data_at = later.data_at
            self.last_cn = later.last_cn if later.last_cn is not None else self.last_cn
        for cn, when in later.kinds.items():
            if cn not in self.kinds or when > self.kinds[cn]:
                self.kinds[cn] = when


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    id: int
    mn: str
    pw: str
    active: bool
    flow_unit: str
    profile: Profile
    key: bytes | None


class Directory:
    """The registry as the gateway needs it: MN → device, PW, profile, SM4 key.

    Read from the event loop (``key_for`` / ``profile_for`` for the decoder, plain dict reads)
    and refreshed from the database in the storage thread (``refresh``, ``lookup``), which
    swaps whole dicts so readers never see a half-built one.
    """

    def __init__(self, status_seconds: float | None = None) -> None:
        self._by_mn: dict[str, DeviceEntry] = {}
        self._stamp: datetime | None = None
        self._lock = threading.Lock()
        # Device status is written at most every ``status_seconds`` per device (and by
        # ``flush_status``), so a device reporting often costs one status write per interval,
        # not one per packet.
        if status_seconds is None:
            status_seconds = float(getattr(settings, "HJ212_STATUS_SECONDS", 5.0))
        self.status_seconds = status_seconds
        self._pending: dict[int, _Status] = {}
        self._flushed: dict[int, float] = {}
        # District → city forwarding: device id → target ids, and targets taking every device.
        self.forward: dict[int, tuple[int, ...]] = {}
        self.forward_all: tuple[int, ...] = ()
        self._targets_loaded = False

    def __len__(self) -> int:
        return len(self._by_mn)

    def get(self, mn: str | None) -> DeviceEntry | None:
        return self._by_mn.get(mn) if mn is not None else None

    def key_for(self, mn: str) -> bytes | None:
        entry = self._by_mn.get(mn)
        return entry.key if entry is not None else None

    def profile_for(self, mn: str) -> Profile | None:
        entry = self._by_mn.get(mn)
        return entry.profile if entry is not None else None

    @staticmethod
    def _entry(device: Any) -> DeviceEntry:
        return DeviceEntry(
            id=device.pk,
            mn=device.mn,
            pw=device.pw,
            active=device.is_active,
            flow_unit=device.flow_unit,
            profile=rules.profile_for_device(
                version=device.version,
                crc_variants=list(device.crc_variants or []),
                accept_lowercase_crc=device.accept_lowercase_crc,
                accept_length_mismatch=device.accept_length_mismatch,
            ),
            key=rules.sm4_key_bytes(device.sm4_key),
        )

    def _merge(self, devices: Iterable[Any]) -> int:
        with self._lock:
            by_mn = dict(self._by_mn)
            changed = 0
            for device in devices:
                entry = self._entry(device)
                # A device whose MN was changed must no longer answer to the old one.
                for mn, old in list(by_mn.items()):
                    if old.id == entry.id and mn != entry.mn:
                        del by_mn[mn]
                by_mn[entry.mn] = entry
                changed += 1
                if self._stamp is None or device.updated_at > self._stamp:
                    self._stamp = device.updated_at
            self._by_mn = by_mn
        return changed

    def refresh(self) -> int:
        """Load the registry (all of it the first time, then what changed); returns rows read."""
        from epb.monitoring.models import Device

        qs = Device.objects.all()
        if self._stamp is not None:
            qs = qs.filter(updated_at__gte=self._stamp)
        self.refresh_targets()
        return self._merge(qs)

    def refresh_targets(self) -> None:
        """Which devices' frames are queued for which upstream centre (``ForwardTarget``)."""
        from epb.monitoring.models import ForwardTarget

        forward: dict[int, list[int]] = {}
        every: list[int] = []
        for target in ForwardTarget.objects.filter(is_active=True).prefetch_related("devices"):
            if target.all_devices:
                every.append(target.pk)
            else:
                for device_id in target.devices.values_list("pk", flat=True):
                    forward.setdefault(device_id, []).append(target.pk)
        self.forward = {device_id: tuple(ids) for device_id, ids in forward.items()}
        self.forward_all = tuple(every)
        self._targets_loaded = True

    def targets_for(self, device_id: int) -> tuple[int, ...]:
        own = self.forward.get(device_id)
        return self.forward_all + own if own else self.forward_all

    @property
    def forwarding(self) -> bool:
        if not self._targets_loaded:
            self.refresh_targets()
        return bool(self.forward or self.forward_all)

    def status_due(
        self, batch: dict[int, _Status], now: float, *, everything: bool = False
    ) -> dict[int, _Status]:
        """Merge a batch's status changes; return those to write now (and forget them)."""
        with self._lock:
            pending = self._pending
            for device_id, status in batch.items():
                known = pending.get(device_id)
                if known is None:
                    pending[device_id] = status
                else:
                    known.merge(status)
            interval = self.status_seconds
            flushed = self._flushed
            due = {
                device_id: status
                for device_id, status in pending.items()
                if everything or now - flushed.get(device_id, -1e18) >= interval
            }
            for device_id in due:
                del pending[device_id]
                flushed[device_id] = now
            return due

    def status_not_written(self, due: dict[int, _Status]) -> None:
        """The transaction that was to write ``due`` failed: keep the changes for the next one."""
        with self._lock:
            for device_id, status in due.items():
                self._flushed.pop(device_id, None)
                known = self._pending.get(device_id)
                if known is not None:
                    status.merge(known)
                self._pending[device_id] = status

    def lookup(self, mns: Iterable[str]) -> None:
        """Read MNs the directory does not know yet (a device registered a moment ago)."""
        from epb.monitoring.models import Device

        missing = {mn for mn in mns if mn and mn not in self._by_mn}
        if missing:
            self._merge(Device.objects.filter(mn__in=missing))


# ---------------------------------------------------------------------------- hooks


class StoredReading(NamedTuple):
    """One stored packet as the hooks see it (a named tuple: one is made per packet)."""

    device_id: int
    cn: int
    data_time: datetime
    part: int
    data: dict[str, dict[str, Any]]


@dataclass
class StoredBatch:
    """What a committed batch stored. ``readings`` includes resends (already stored before), so
    hooks must be idempotent — alarm evaluation by state change is."""

    readings: list[StoredReading] = field(default_factory=list)
    device_ids: set[int] = field(default_factory=set)


BatchHook = Callable[[StoredBatch], None]
_HOOKS: list[BatchHook] = []


def register_batch_hook(hook: BatchHook) -> None:
    """Run ``hook(batch)`` after every committed batch (in the storage thread or writer).

    Keep it quick (enqueue a task for anything slow); an exception is logged and never
    affects the acknowledgements, which have been sent already.
    """
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def unregister_batch_hook(hook: BatchHook) -> None:
    if hook in _HOOKS:
        _HOOKS.remove(hook)


TickHook = Callable[[], None]
_TICKS: list[TickHook] = []


def register_tick_hook(hook: TickHook) -> None:
    """Run ``hook()`` about once a second in the storage thread (or writer), with ``flush_status``:
    for hooks that hand work over in batches and must not wait for the next batch to do so."""
    if hook not in _TICKS:
        _TICKS.append(hook)


def unregister_tick_hook(hook: TickHook) -> None:
    if hook in _TICKS:
        _TICKS.remove(hook)


def _run_ticks() -> None:
    for hook in list(_TICKS):
        try:
            hook()
        except Exception:
            logger.exception("tick hook %r failed", hook)


def _run_hooks(batch: StoredBatch) -> None:
    for hook in list(_HOOKS):
        try:
            hook(batch)
        except Exception:
            logger.exception("batch hook %r failed", hook)


# ---------------------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    frames: int = 0
    readings: int = 0
    quarantined: int = 0
    rejected: int = 0
    answers: int = 0


@dataclass
class _Quarantine:
    mn: str
    device_id: int | None
    reason: str
    first: datetime
    last: datetime
    peer: str
    st: str
    cn: str
    pw: str
    frames: int = 0


_STATUS_COLUMN = {
    DataKind.REALTIME: "realtime_at",
    DataKind.MINUTE: "minute_at",
    DataKind.HOUR: "hour_at",
    DataKind.DAY: "day_at",
}

INSERT_RAW = (
    "INSERT INTO monitoring_rawframe (received_at, peer, mn, device_id, cn, outcome, error, raw) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
INSERT_FORWARD = (
    "INSERT INTO monitoring_forwarditem (target_id, device_id, received_at, raw, attempts) "
    "VALUES (%s, %s, %s, %s, 0)"
)
INSERT_READING = (
    "INSERT INTO monitoring_reading (device_id, cn, data_time, part, received_at, data, resent) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
UPSERT_QUARANTINE = (
    "INSERT INTO monitoring_quarantineentry "
    "(mn, device_id, reason, first_at, last_at, frames, last_peer, last_st, last_cn, last_pw, resolved_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL) "
    "ON CONFLICT (mn) DO UPDATE SET device_id = excluded.device_id, reason = excluded.reason, "
    "last_at = excluded.last_at, frames = monitoring_quarantineentry.frames + excluded.frames, "
    "last_peer = excluded.last_peer, last_st = excluded.last_st, last_cn = excluded.last_cn, "
    "last_pw = excluded.last_pw, resolved_at = NULL"
)
# The newest of a column and a parameter, NULLs ignored: SQLite's two-argument max() is NULL
# if either is, PostgreSQL's GREATEST ignores NULLs.
_NEWEST = {
    "sqlite": "max(coalesce({c}, %s), coalesce(%s, {c}))",
    "postgresql": "GREATEST({c}, %s::timestamptz)",
}


def _status_sql(vendor: str) -> tuple[str, int]:
    newest = _NEWEST.get(vendor, _NEWEST["sqlite"])
    columns = ["last_seen_at", "last_data_at", "realtime_at", "minute_at", "hour_at", "day_at"]
    sets = [f"{c} = {newest.format(c=c)}" for c in columns]
    sets += [
        "last_peer = %s",
        "frames = frames + %s",
        "rejected = rejected + %s",
        "last_cn = coalesce(%s, last_cn)",
    ]
    sql = "UPDATE monitoring_devicestatus SET " + ", ".join(sets) + " WHERE device_id = %s"  # noqa: S608
    return sql, newest.count("%s")


_STATEMENTS: dict[str, dict[str, Any]] = {}


# PostgreSQL: one statement per batch and table, the rows passed as one array per column —
# a single round trip instead of one per row, and the server does the looping.

COLUMNAR_PG = {
    "raw": (
        "INSERT INTO monitoring_rawframe (received_at, peer, mn, device_id, cn, outcome, error, raw) "
        "SELECT * FROM unnest(%b::timestamptz[], %b::varchar[], %b::varchar[], %b::bigint[], "
        "%b::smallint[], %b::smallint[], %b::text[], %b::bytea[])"
    ),
    "reading": (
        "INSERT INTO monitoring_reading (device_id, cn, data_time, part, received_at, data, resent) "
        "SELECT d, c, t, p, r, j::json, s FROM unnest(%b::bigint[], %b::smallint[], %b::timestamptz[], "
        "%b::smallint[], %b::timestamptz[], %b::text[], %b::boolean[]) AS u(d, c, t, p, r, j, s) "
        "ON CONFLICT DO NOTHING"
    ),
    "status": (
        "UPDATE monitoring_devicestatus s SET last_seen_at = GREATEST(s.last_seen_at, u.a), "
        "last_data_at = GREATEST(s.last_data_at, u.b), realtime_at = GREATEST(s.realtime_at, u.c), "
        "minute_at = GREATEST(s.minute_at, u.d), hour_at = GREATEST(s.hour_at, u.e), "
        "day_at = GREATEST(s.day_at, u.f), last_peer = u.g, frames = s.frames + u.h, "
        "rejected = s.rejected + u.i, last_cn = coalesce(u.j, s.last_cn) "
        "FROM unnest(%b::timestamptz[], %b::timestamptz[], %b::timestamptz[], %b::timestamptz[], "
        "%b::timestamptz[], %b::timestamptz[], %b::varchar[], %b::bigint[], "
        "%b::bigint[], %b::smallint[], %b::bigint[]) AS u(a, b, c, d, e, f, g, h, i, j, k) "
        "WHERE s.device_id = u.k"
    ),
}


def _raw_cursor(vendor: str) -> Any:
    """The driver's cursor. On PostgreSQL a server-binding one: Django's connection makes
    client-binding cursors, which would spell every array element out as escaped SQL text."""
    if vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(connection.connection)
    return connection.connection.cursor()


def _execute_rows(
    cursor: Any, vendor: str, statements: dict[str, Any], name: str, rows: Sequence[Any]
) -> None:
    columnar = COLUMNAR_PG.get(name) if vendor == "postgresql" else None
    if columnar is None:
        cursor.executemany(statements[name], rows)
    else:
        cursor.execute(columnar, [list(column) for column in zip(*rows, strict=True)])


def _statements(vendor: str) -> dict[str, Any]:
    """The hot-path statements in the driver's own parameter style (they run on the raw cursor)."""
    found = _STATEMENTS.get(vendor)
    if found is None:
        status, n_newest = _status_sql(vendor)
        found = {
            "raw": INSERT_RAW,
            "reading": INSERT_READING,
            "status": status,
            "quarantine": UPSERT_QUARANTINE,
            "forward": INSERT_FORWARD,
        }
        if vendor == "sqlite":
            found = {name: sql.replace("%s", "?") for name, sql in found.items()}
        found["n_newest"] = n_newest
        _STATEMENTS[vendor] = found
    return found


def _time_adapter(vendor: str) -> Callable[[datetime], Any]:
    """Aware datetimes as the driver stores them: SQLite text in UTC, as Django writes it."""
    if vendor != "sqlite":
        return lambda value: value
    cache: dict[datetime, str] = {}

    def sqlite_time(value: datetime) -> str:
        text = cache.get(value)
        if text is None:
            if value.tzinfo is not UTC:
                value = value.astimezone(UTC)
            text = cache[value] = value.replace(tzinfo=None).isoformat(" ")
        return text

    return sqlite_time


def _encode_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _mn(text: str | None) -> str:
    return (text or "")[:64]


def _cn(text: str | None) -> int | None:
    return int(text) if text and len(text) <= 4 and text.isdigit() else None


_prepared: set[int] = set()


def prepare_connection() -> None:
    """Per-connection set-up of the storage connection.

    On SQLite the project default ``synchronous=NORMAL`` survives a process crash but may lose
    the last commits on power loss; an acknowledged packet must survive both, so the storage
    connection commits with ``synchronous=FULL`` (``HJ212_SQLITE_SYNCHRONOUS``).
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return  # (the pragma cannot change inside a transaction: a caller's, or a test's)
    connection.ensure_connection()
    raw = connection.connection
    if id(raw) in _prepared:
        return
    mode = str(getattr(settings, "HJ212_SQLITE_SYNCHRONOUS", "FULL")).upper()
    if mode in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={mode}")
    _prepared.add(id(raw))


def store_batch(records: Sequence[Inbound], directory: Directory, *, evidence: bool = True) -> BatchResult:
    """Store one batch durably (see the module documentation). Raises if nothing was stored.

    ``evidence=False`` skips the raw-frame rows: for frames that are already kept (a replay
    from the quarantine).
    """

    result = BatchResult(frames=len(records))
    if not records:
        return result
    prepare_connection()
    directory.lookup(
        {r.event.mn for r in records if isinstance(r.event, Packet) and r.event.mn}
        | {
            r.event.partial.mn
            for r in records
            if isinstance(r.event, BadFrame) and r.event.partial is not None and r.event.partial.mn
        }
    )

    vendor = connection.vendor
    statements = _statements(vendor)
    adapt = _time_adapter(vendor)
    raw_rows: list[tuple[Any, ...]] = []
    reading_rows: list[tuple[Any, ...]] = []
    statuses: dict[int, _Status] = {}
    quarantine: dict[str, _Quarantine] = {}
    answers: list[tuple[int, str, str, int | None, datetime]] = []
    time_requests: set[int] = set()
    stored = StoredBatch()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode_default).encode
    when_cache: dict[float, tuple[datetime, Any]] = {}
    cn_cache: dict[str | None, int | None] = {}
    hooks = bool(_HOOKS)
    forwarding = directory.forwarding
    forward_rows: list[tuple[Any, ...]] = []

    for record in records:
        cached = when_cache.get(record.received)
        if cached is None:
            moment = datetime.fromtimestamp(record.received, UTC)
            cached = when_cache[record.received] = (moment, adapt(moment))
        when, when_db = cached
        event = record.event
        if isinstance(event, BadFrame):
            partial = event.partial
            mn = _mn(partial.mn if partial is not None else None)
            entry = directory.get(mn)
            error = f"{event.error.code.value}: {event.error.message}"
            raw_rows.append(
                (
                    when_db,
                    record.peer,
                    mn,
                    entry.id if entry else None,
                    _cn(partial.cn if partial else None),
                    FrameOutcome.REJECTED,
                    error,
                    event.raw,
                )
            )
            result.rejected += 1
            if entry is not None:
                status = statuses.get(entry.id)
                if status is None:
                    status = statuses[entry.id] = _Status(when, record.peer)
                status.rejected += 1
            continue

        packet = event
        mn = _mn(packet.mn)
        entry = directory.get(mn) if mn else None
        cn_text = packet.cn
        if cn_text in cn_cache:
            cn = cn_cache[cn_text]
        else:
            cn = cn_cache[cn_text] = _cn(cn_text)
        reason = None
        if not mn:
            reason = QuarantineReason.NO_MN
        elif entry is None:
            reason = QuarantineReason.UNKNOWN_MN
        elif not entry.active:
            reason = QuarantineReason.INACTIVE
        elif not rules.pw_matches(entry.pw, packet.pw):
            reason = QuarantineReason.WRONG_PW
        if reason is not None:
            raw_rows.append(
                (
                    when_db,
                    record.peer,
                    mn,
                    entry.id if entry else None,
                    cn,
                    FrameOutcome.QUARANTINED,
                    "",
                    packet.raw,
                )
            )
            q = quarantine.get(mn)
            if q is None:
                q = quarantine[mn] = _Quarantine(
                    mn, entry.id if entry else None, reason, when, when, record.peer, "", "", ""
                )
            q.frames += 1
            q.reason = reason
            q.last = max(q.last, when)
            q.peer, q.st, q.cn, q.pw = (
                record.peer,
                (packet.st or "")[:8],
                (packet.cn or "")[:8],
                (packet.pw or "")[:64],
            )
            result.quarantined += 1
            continue

        assert entry is not None
        status = statuses.get(entry.id)
        if status is None:
            status = statuses[entry.id] = _Status(when, record.peer)
        status.frames += 1
        if when >= status.seen:
            status.seen, status.peer = when, record.peer
        role = rules.role_of(packet)
        outcome = FrameOutcome.OTHER
        if role is rules.Role.DATA:
            assert cn is not None and packet.data_time is not None
            outcome = FrameOutcome.DATA
            part = (packet.pno or 0) if packet.has_subpackets else 0
            data = rules.stored_data(packet.values, flow_unit=entry.flow_unit, cp_text=packet.cp_text)
            reading_rows.append(
                (entry.id, cn, adapt(packet.data_time), part, when_db, dumps(data), packet.rf)
            )
            if hooks:
                stored.readings.append(StoredReading(entry.id, cn, packet.data_time, part, data))
            if forwarding:
                for target in directory.targets_for(entry.id):
                    forward_rows.append((target, entry.id, when_db, packet.raw))
            result.readings += 1
            status.last_cn = cn
            if status.data_at is None or when > status.data_at:
                status.data_at = when
            if cn in _STATUS_COLUMN:
                newest = status.kinds.get(cn)
                if newest is None or packet.data_time > newest:
                    status.kinds[cn] = packet.data_time
        elif role is rules.Role.HEARTBEAT:
            outcome = FrameOutcome.HEARTBEAT
        elif role is rules.Role.ANSWER:
            outcome = FrameOutcome.INTERACTION
            qn = rules.answer_qn(packet)
            if qn and packet.cn:
                rtn = packet.qn_rtn if packet.cn == "9011" else packet.exe_rtn
                answers.append((entry.id, packet.cn, qn, rtn, when))
        elif role is rules.Role.TIME_REQUEST:
            time_requests.add(entry.id)
        raw_rows.append((when_db, record.peer, mn, entry.id, cn, outcome, "", packet.raw))

    n_newest = statements["n_newest"]
    due = directory.status_due(statuses, time.monotonic())
    status_rows = _status_rows(due, adapt, n_newest)
    stored.device_ids = set(statuses)
    try:
        _write(
            statements,
            raw_rows if evidence else [],
            reading_rows,
            status_rows,
            [
                (
                    q.mn,
                    q.device_id,
                    q.reason,
                    adapt(q.first),
                    adapt(q.last),
                    q.frames,
                    q.peer,
                    q.st,
                    q.cn,
                    q.pw,
                )
                for q in quarantine.values()
            ],
            answers,
            time_requests,
            result,
            stored if hooks and (stored.readings or stored.device_ids) else None,
            forward_rows,
        )
    except BaseException:
        directory.status_not_written(due)
        raise
    return result


def _status_rows(
    statuses: dict[int, _Status], adapt: Callable[[datetime], Any], n_newest: int
) -> list[list[Any]]:
    rows = []
    for device_id, s in statuses.items():
        params: list[Any] = []
        for value in (
            s.seen,
            s.data_at,
            s.kinds.get(DataKind.REALTIME),
            s.kinds.get(DataKind.MINUTE),
            s.kinds.get(DataKind.HOUR),
            s.kinds.get(DataKind.DAY),
        ):
            params += [adapt(value) if value is not None else None] * n_newest
        params += [s.peer, s.frames, s.rejected, s.last_cn, device_id]
        rows.append(params)
    return rows


def flush_status(directory: Directory, *, everything: bool = False) -> int:
    """Write the status changes that are due (all of them with ``everything``); returns devices written.

    The receiver and the writers call it about once a second, so a device that fell silent
    still has its last frame in ``DeviceStatus`` within a few seconds.
    """
    _run_ticks()
    due = directory.status_due({}, time.monotonic(), everything=everything)
    if not due:
        return 0
    vendor = connection.vendor
    statements = _statements(vendor)
    try:
        _write(
            statements,
            [],
            [],
            _status_rows(due, _time_adapter(vendor), statements["n_newest"]),
            [],
            [],
            set(),
            None,
            None,
        )
    except BaseException:
        directory.status_not_written(due)
        raise
    return len(due)


def _write(
    statements: dict[str, Any],
    raw_rows: list[tuple[Any, ...]],
    reading_rows: list[tuple[Any, ...]],
    status_rows: list[list[Any]],
    quarantine_rows: list[tuple[Any, ...]],
    answers: list[tuple[int, str, str, int | None, datetime]],
    time_requests: set[int],
    result: BatchResult | None,
    stored: StoredBatch | None,
    forward_rows: list[tuple[Any, ...]] | None = None,
) -> None:
    """One transaction: the rows, the command answers, the forwarding queue, and the hooks
    after the commit."""
    from epb.monitoring import commands

    with transaction.atomic():
        # The driver's own cursor: Django's wrappers (and its debug-mode query log) cost more
        # per batch than the statements; errors are still turned into Django's exceptions.
        connection.ensure_connection()
        with connection.wrap_database_errors:
            vendor = connection.vendor
            cursor = _raw_cursor(vendor)
            try:
                if raw_rows:
                    _execute_rows(cursor, vendor, statements, "raw", raw_rows)
                if reading_rows:
                    _execute_rows(cursor, vendor, statements, "reading", reading_rows)
                if status_rows:
                    _execute_rows(cursor, vendor, statements, "status", status_rows)
                if quarantine_rows:
                    cursor.executemany(statements["quarantine"], quarantine_rows)
                if forward_rows:
                    cursor.executemany(statements["forward"], forward_rows)
            finally:
                cursor.close()
        for device_id, cn_text, qn, rtn, when in answers:
            if commands.record_answer(device_id, cn_text, qn, rtn, when) and result is not None:
                result.answers += 1
        for device_id in time_requests:
            commands.request_time_calibration(device_id)
        if stored is not None:
            batch = stored
            transaction.on_commit(lambda: _run_hooks(batch))
