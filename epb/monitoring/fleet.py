"""Simulated fleets in the registry: read the registered devices, or register invented ones.

``epb simulate --from-registry`` feeds the devices registered here (the demo registers one per
demo outlet); without it the simulator invents MNs, and ``register_fleet`` (used by the bench
and by ``epb simulate --register``) puts them in the registry first, each on an outlet of its own
under one simulated enterprise per ten outlets.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from epb.core import audit
from epb.core import services as core_services
from epb.core.choices import OrgLevel
from epb.core.models import OrgUnit
from epb.monitoring import services
from epb.monitoring.choices import SystemCode
from epb.monitoring.models import Device
from epb.monitoring.simulator import FleetDevice


def from_registry(limit: int | None = None) -> list[FleetDevice]:
    """The active registered devices (up to ``limit``), sources first, in MN order."""
    qs = (
        Device.objects.filter(is_active=True)
        .select_related("outlet")
        .order_by(F("outlet_id").asc(nulls_last=True), "mn")
    )
    out = []
    for device in qs[:limit] if limit else qs:
        outlet = device.outlet
        out.append(
            FleetDevice(
                mn=device.mn,
                pw=device.pw,
                st=device.system,
                version=device.version,
                sm4_key=device.sm4_key,
                standard=outlet.standard if outlet is not None else "",
                flow_unit=device.flow_unit,
                reference_o2=float(outlet.reference_o2)
                if outlet is not None and outlet.reference_o2
                else None,
            )
        )
    return out


def _grid() -> OrgUnit:
    town = OrgUnit.objects.filter(level=OrgLevel.TOWN).order_by("path").first()
    if town is not None:
        return town
    city = OrgUnit.objects.filter(level=OrgLevel.CITY).first() or core_services.create_org_unit(
        actor=None, level=OrgLevel.CITY, code="SIM-CITY", name="模拟市"
    )
    district = core_services.create_org_unit(
        actor=None, level=OrgLevel.DISTRICT, code="SIM-DISTRICT", name="模拟区", parent=city
    )
    return core_services.create_org_unit(
        actor=None, level=OrgLevel.TOWN, code="SIM-TOWN", name="模拟街道", parent=district
    )


def register_fleet(devices: list[FleetDevice], *, reason: str = "simulated fleet") -> int:
    """Register invented devices that are not registered yet, each on an outlet of its own."""
    from epb.enterprises.demo import synthetic_uscc
    from epb.enterprises.models import Enterprise, Outlet

    known = set(Device.objects.filter(mn__in=[d.mn for d in devices]).values_list("mn", flat=True))
    todo = [d for d in devices if d.mn not in known]
    if not todo:
        return 0
    grid = _grid()
    with transaction.atomic(), audit.system_writes(reason):
        base = Enterprise.objects.count() + 7_000_000
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"模拟排污单位{base + i // 10:07d}",
                    uscc=synthetic_uscc(base + i // 10),
                    grid=grid,
                    industry="模拟",
                )
                for i in range(0, len(todo), 10)
            ]
        )
        saved = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[e.uscc for e in enterprises])}
        outlets = Outlet.objects.bulk_create(
            [
                Outlet(
                    enterprise=saved[synthetic_uscc(base + i // 10)],
                    code=f"SIM{i % 10:02d}",
                    name="模拟排放口",
                    kind="gas" if d.st == SystemCode.AIR_SOURCE else "water",
                    standard=d.standard,
                )
                for i, d in enumerate(todo)
            ]
        )
        ids = {
            (o.enterprise_id, o.code): o.pk
            for o in Outlet.objects.filter(enterprise__in=saved.values()).only("pk", "enterprise_id", "code")
        }
        del outlets
    specs = [
        services.DeviceSpec(
            mn=d.mn,
            pw=d.pw,
            system=d.st,
            outlet_id=ids[(saved[synthetic_uscc(base + i // 10)].pk, f"SIM{i % 10:02d}")],
            org_unit_id=grid.pk,
            version=d.version,
            sm4_key=d.sm4_key,
        )
        for i, d in enumerate(todo)
    ]
    return services.register_devices_bulk(specs, actor=None, reason=reason)
