"""Every write of the monitoring app outside the ingest hot path: registry, commands, quarantine,
retention. Keyword-only ``actor``; regulatory records (devices, commands) through the audit layer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import Role
from epb.core.models import OrgUnit, User
from epb.hj212 import FrameError, decode_frame
from epb.monitoring import partitions, rules
from epb.monitoring.choices import CommandKind, CommandState, FrameOutcome
from epb.monitoring.models import Command, Device, DeviceStatus, QuarantineEntry, RawFrame

logger = logging.getLogger("epb.monitoring.services")

# Who may register devices and send commands: bureau staff with the device in their jurisdiction.
OPERATOR_ROLES = frozenset({Role.LEADERSHIP, Role.DEPT_STAFF, Role.DISTRICT_STAFF})
PROFILE_FIELDS = (
    "name",
    "version",
    "crc_variants",
    "accept_lowercase_crc",
    "accept_length_mismatch",
    "encoding",
    "flow_unit",
    "sm4_key",
    "rtd_interval",
    "min_interval",
    "note",
)
EDITABLE_FIELDS = frozenset({*PROFILE_FIELDS, "pw", "mn", "system", "outlet", "org_unit", "is_active"})


def is_operator(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "role", None) in OPERATOR_ROLES)
    )


def _require_operator(actor: User | None, device: Device | None = None) -> None:
    """``actor`` None is the system itself; a person must be an operator who can see the device."""
    if actor is None:
        return
    if not is_operator(actor):
        raise PermissionDenied(_("只有环保部门工作人员可以操作监测设备"))
    if (
        device is not None
        and device.pk is not None
        and not Device.objects.visible_to(actor).filter(pk=device.pk).exists()
    ):
        raise PermissionDenied(_("该设备不在您的管辖范围内"))


def _check_placement(actor: User | None, outlet: Any, org_unit: OrgUnit | None) -> None:
    if actor is None:
        return
    from epb.enterprises.models import Outlet

    if outlet is not None and not Outlet.objects.visible_to(actor).filter(pk=outlet.pk).exists():
        raise PermissionDenied(_("该排放口不在您的管辖范围内"))
    if org_unit is not None and not OrgUnit.objects.visible_to(actor).filter(pk=org_unit.pk).exists():
        raise PermissionDenied(_("该辖区不在您的管辖范围内"))


# ---------------------------------------------------------------------------- the registry


def register_device(
    *,
    actor: User | None,
    mn: str,
    pw: str,
    system: str,
    outlet: Any = None,
    org_unit: OrgUnit | None = None,
    **profile: Any,
) -> Device:
    """Register a data logger. A source device takes its place from its outlet's enterprise."""
    _require_operator(actor)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段") for name in sorted(unknown)})
    if outlet is not None:
        org_unit = outlet.enterprise.grid
    _check_placement(actor, outlet, org_unit)
    profile.setdefault("crc_variants", ["hj212"])
    with transaction.atomic():
        device = audit.create(
            Device,
            actor=actor,
            mn=mn.strip(),
            pw=pw,
            system=system,
            outlet=outlet,
            org_unit=org_unit,
            **profile,
        )
        DeviceStatus.objects.create(device=device)
        QuarantineEntry.objects.filter(mn=device.mn).update(device=device)
    return device


def update_device(device: Device, *, actor: User | None, **changes: Any) -> Device:
    """Change a device's registration or profile (the SM4 key is logged as changed, never shown)."""
    _require_operator(actor, device)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("不可修改的字段") for name in sorted(unknown)})
    if "outlet" in changes:
        outlet = changes["outlet"]
        if outlet is not None:
            changes["org_unit"] = outlet.enterprise.grid
        _check_placement(actor, outlet, changes.get("org_unit"))
    elif "org_unit" in changes:
        _check_placement(actor, None, changes["org_unit"])
    note = _("SM4 密钥已更换") if "sm4_key" in changes and changes["sm4_key"] != device.sm4_key else ""
    with transaction.atomic():
        # tracking rather than update: the device's own ``note`` field would clash with the log's.
        with audit.tracking(device, actor=actor, action="monitoring.device.updated", note=note):
            for name, value in changes.items():
                setattr(device, name, value)
            device.updated_at = timezone.now()
            device.full_clean(validate_constraints=False)
            device.save()
        if "mn" in changes:
            QuarantineEntry.objects.filter(mn=device.mn).update(device=device)
    return device


@dataclass(frozen=True)
class DeviceSpec:
    """One device of a fleet registered in bulk (simulated fleets, imports)."""

    mn: str
    pw: str
    system: str
    outlet_id: int | None = None
    org_unit_id: int | None = None
    name: str = ""
    version: str = ""
    sm4_key: str = ""


def register_devices_bulk(specs: Iterable[DeviceSpec], *, actor: User | None, reason: str) -> int:
    """Register many devices at once with one summary audit entry (``reason`` says why).

    Each device is validated as ``register_device`` would; a source device takes its org unit
    from its outlet's enterprise. All or nothing.
    """
    from epb.enterprises.models import Outlet

    _require_operator(actor)
    specs = list(specs)
    outlets = {
        pk: (kind, grid_id)
        for pk, kind, grid_id in Outlet.objects.filter(
            pk__in={s.outlet_id for s in specs if s.outlet_id}
        ).values_list("pk", "kind", "enterprise__grid_id")
    }
    now = timezone.now()
    devices = []
    for spec in specs:
        kind, grid_id = outlets.get(spec.outlet_id, (None, None)) if spec.outlet_id else (None, None)
        org_unit_id = grid_id if spec.outlet_id else spec.org_unit_id
        errors = rules.placement_errors(spec.system, kind, org_unit_id is not None)
        if spec.outlet_id and kind is None:
            errors["outlet"] = _("排放口不存在")
        if errors:
            raise ValidationError({f"{spec.mn}: {field}": message for field, message in errors.items()})
        device = Device(
            mn=spec.mn,
            pw=spec.pw,
            system=spec.system,
            outlet_id=spec.outlet_id,
            org_unit_id=org_unit_id,
            name=spec.name,
            version=spec.version,
            sm4_key=spec.sm4_key,
            crc_variants=["hj212"],
            created_at=now,
            updated_at=now,
        )
        device.clean_fields(exclude=["outlet", "org_unit"])
        devices.append(device)
    with transaction.atomic(), audit.system_writes(reason):
        Device.objects.bulk_create(devices, batch_size=500)
        ids = dict(Device.objects.filter(mn__in=[s.mn for s in specs]).values_list("mn", "pk"))
        DeviceStatus.objects.bulk_create([DeviceStatus(device_id=ids[s.mn]) for s in specs], batch_size=500)
        audit.log(
            "monitoring.device.bulk_registered",
            None,
            actor=actor,
            note=reason,
            extra={
                "count": len(specs),
                "first": specs[0].mn if specs else "",
                "last": specs[-1].mn if specs else "",
            },
        )
    return len(specs)


def sync_device_placement() -> int:
    """Keep each source device's ``org_unit`` equal to its enterprise's grid (enterprises move)."""
    moved = 0
    stale = Device.objects.filter(outlet__isnull=False).exclude(org_unit=F("outlet__enterprise__grid"))
    for device in stale.select_related("outlet__enterprise"):
        assert device.outlet is not None
        audit.update(
            device,
            actor=None,
            actor_label="monitoring",
            note="随企业所属网格同步",
            org_unit=device.outlet.enterprise.grid,
            updated_at=timezone.now(),
        )
        moved += 1
    return moved


# ---------------------------------------------------------------------------- commands


def create_command(
    *,
    actor: User | None,
    device: Device,
    kind: str,
    begin_time: datetime | None = None,
    end_time: datetime | None = None,
) -> Command:
    """Queue a command for a device; the receiver holding its connection sends it."""
    from epb.monitoring.commands import new_qn

    _require_operator(actor, device)
    now = timezone.now()
    errors = rules.command_errors(kind, begin_time, end_time, now)
    if errors:
        raise ValidationError(errors)
    if not device.is_active:
        raise ValidationError({"device": _("设备已停用")})
    return audit.create(
        Command,
        actor=actor,
        device=device,
        kind=CommandKind(kind),
        qn=new_qn(device.pk, now),
        begin_time=begin_time,
        end_time=end_time,
        created_by=actor,
    )


def cancel_command(command: Command, *, actor: User | None) -> bool:
    """Withdraw a command that has not been sent yet. False if it was sent in the meantime."""
    _require_operator(actor, command.device)
    with transaction.atomic():
        moved = Command.objects.filter(pk=command.pk, state=CommandState.PENDING).update(
            state=CommandState.CANCELLED, finished_at=timezone.now()
        )
        if moved:
            before = {"state": command.state}
            command.state = CommandState.CANCELLED
            audit.log(
                "monitoring.command.cancelled",
                command,
                actor=actor,
                before=before,
                after={"state": command.state},
            )
    return bool(moved)


# ---------------------------------------------------------------------------- quarantine


@dataclass(frozen=True)
class ReplayResult:
    replayed: int
    remaining: int


def replay_quarantine(entry: QuarantineEntry, *, actor: User | None, chunk: int = 500) -> ReplayResult:
    """Put an MN's quarantined frames into the data, now that its device is registered right.

    Frames whose PW still does not match stay in quarantine; nothing is stored twice (a frame
    that was also resent and stored meanwhile is recognised by its key).
    """
    from epb.monitoring.ingest import Directory, Inbound, flush_status, store_batch

    device = Device.objects.filter(mn=entry.mn).first()
    if device is None:
        raise ValidationError(_("请先登记 MN 为 %(mn)s 的设备") % {"mn": entry.mn})
    _require_operator(actor, device)
    if not device.is_active:
        raise ValidationError(_("设备已停用，不能回放"))
    directory = Directory()
    directory.lookup([device.mn])
    known = directory.get(device.mn)
    assert known is not None
    replayed = 0
    last_id = 0
    with transaction.atomic():
        while True:
            frames = list(
                RawFrame.objects.filter(mn=entry.mn, outcome=FrameOutcome.QUARANTINED, id__gt=last_id)
                .order_by("id")
                .only("id", "received_at", "peer", "raw")[:chunk]
            )
            if not frames:
                break
            last_id = frames[-1].id
            batch: list[Inbound] = []
            ids: list[int] = []
            for frame in frames:
                try:
                    packet = decode_frame(bytes(frame.raw), profile=known.profile, key_for=directory.key_for)
                except FrameError:
                    continue
                if not rules.pw_matches(known.pw, packet.pw):
                    continue
                batch.append(Inbound(frame.received_at.timestamp(), frame.peer, packet))
                ids.append(frame.id)
            if batch:
                store_batch(batch, directory, evidence=False)
                RawFrame.objects.filter(id__in=ids).update(outcome=FrameOutcome.REPLAYED, device=device)
                replayed += len(ids)
        flush_status(directory, everything=True)
        remaining = RawFrame.objects.filter(mn=entry.mn, outcome=FrameOutcome.QUARANTINED).count()
        QuarantineEntry.objects.filter(pk=entry.pk).update(
            device=device, resolved_at=timezone.now() if not remaining else None
        )
        audit.log(
            "monitoring.quarantine.replayed",
            device,
            actor=actor,
            note=entry.mn,
            extra={"replayed": replayed, "remaining": remaining},
        )
    return ReplayResult(replayed, remaining)


# ---------------------------------------------------------------------------- retention


def raw_retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "HJ212_RAW_RETENTION_DAYS", 3 * 365)))


def purge_raw_frames(*, now: datetime | None = None, chunk: int = 10000) -> int:
    """Delete raw frames older than the retention; whole months go by dropping their partition."""
    cutoff = (now or timezone.now()) - raw_retention()
    dropped = partitions.drop_raw_partitions_before(cutoff)
    if dropped:
        logger.info("dropped raw-frame partitions %s", ", ".join(dropped))
    deleted = 0
    while True:
        ids = list(RawFrame.objects.filter(received_at__lt=cutoff).values_list("id", flat=True)[:chunk])
        if not ids:
            break
        with transaction.atomic():
            deleted += RawFrame.objects.filter(id__in=ids, received_at__lt=cutoff).delete()[0]
    return deleted
