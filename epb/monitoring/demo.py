"""Demo devices: one data logger on every demo outlet, plus three ambient automatic stations.

MNs look like the field's: 24 hexadecimal characters (EPC-96: header, manufacturer, object
class, serial) for 2017/2025 loggers, 14 characters for the old 2005 one. Most keep the factory
password 123456, as most real ones do. ``epb simulate --from-registry`` impersonates them.
Idempotent: outlets that already have a device are left alone.
"""

from __future__ import annotations

from typing import Any

from epb.core.choices import OrgLevel
from epb.core.models import OrgUnit
from epb.monitoring import services
from epb.monitoring.models import Device

VENDORS = ("A8900", "B3C17", "C7D20")
SM4_TEST_KEY = "30" * 16  # the key of HJ 212-2025 App. A.2, as reported: sixteen 0x30 bytes
AMBIENT = (
    ("21", "010000A8900021F0000000D1", "新孟河新闸水质自动站"),
    ("22", "010000A8900022F0000000D2", "常州市监测站空气自动站"),
    ("23", "010000A8900023F0000000D3", "天宁区声环境自动监测点"),
)


def mn_for(index: int, kind: str) -> str:
    vendor = VENDORS[index % len(VENDORS)]
    object_class = "16F00" if kind == "water" else "17A00"
    return f"01{vendor}{object_class}{index:012X}"


def load(stdout: Any) -> None:
    from epb.enterprises.models import Outlet

    outlets = list(Outlet.objects.select_related("enterprise").order_by("enterprise__name", "code"))
    if not outlets:
        return
    created = 0
    old_logger = Device.objects.filter(version="2005").exists()
    for index, outlet in enumerate(outlets, start=1):
        if Device.objects.filter(outlet=outlet).exists():
            continue
        profile: dict[str, Any] = {"name": f"{outlet.name}数采仪"}
        mn = mn_for(index, outlet.kind)
        if "电镀" in outlet.enterprise.name and outlet.kind == "water" and not old_logger:
            mn, profile["version"] = f"LD{130133000000 + index:012d}", "2005"  # an old logger still in use
            old_logger = True
        elif outlet.kind == "gas" and "热电" in outlet.enterprise.name:
            profile |= {"version": "2025", "sm4_key": SM4_TEST_KEY, "flow_unit": "m3/h"}
        services.register_device(
            actor=None,
            mn=mn,
            pw="123456" if index % 4 else f"{(index * 7919) % 1000000:06d}",
            system="31" if outlet.kind == "gas" else "32",
            outlet=outlet,
            **profile,
        )
        created += 1
    district = OrgUnit.objects.filter(level=OrgLevel.DISTRICT).order_by("path").first()
    for system, mn, name in AMBIENT:
        if district is not None and not Device.objects.filter(mn=mn).exists():
            services.register_device(
                actor=None, mn=mn, pw="123456", system=system, org_unit=district, name=name
            )
            created += 1
    if created:
        stdout.write(f"  monitoring devices: {Device.objects.count()}\n")
    from epb.monitoring.centre import demo as centre_demo

    centre_demo.load(stdout)
