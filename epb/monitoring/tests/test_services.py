"""Registry, quarantine, retention and partition services."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from epb.core.models import AuditEntry
from epb.monitoring import demo, partitions, rules, services
from epb.monitoring.choices import FrameOutcome
from epb.monitoring.ingest import Directory
from epb.monitoring.models import Device, QuarantineEntry, RawFrame, Reading
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.test_ingest import store
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db


def test_an_ambient_station_is_registered_without_an_outlet(tree: Any) -> None:
    station = services.register_device(
        actor=None, mn="AQ0001", pw="123456", system="22", org_unit=tree.district_a
    )
    assert station.outlet is None and station.org_unit == tree.district_a and station.status.frames == 0
    with pytest.raises(ValidationError) as error:
        services.register_device(actor=None, mn="AQ0002", pw="123456", system="22")
    assert "org_unit" in error.value.message_dict
    assert not Device.objects.filter(mn="AQ0002").exists()


def test_a_source_device_takes_its_place_from_its_enterprise(enterprise: Any, tree: Any) -> None:
    device = make_device(make_outlet(enterprise), org_unit=tree.town_b1)  # the outlet wins
    assert device.org_unit == enterprise.grid


def test_a_wrong_password_is_corrected_and_its_frames_replayed(enterprise: Any, leader: Any) -> None:
    device = make_device(make_outlet(enterprise), pw="111111")
    directory = Directory()
    store(directory, upload(device, pw="222222"), upload(device, pw="222222", when=T0 + timedelta(minutes=1)))
    entry = QuarantineEntry.objects.get(mn=device.mn)
    assert entry.reason == "wrong_pw" and entry.last_pw == "222222"
    assert services.replay_quarantine(entry, actor=leader) == services.ReplayResult(0, 2)  # still wrong
    services.update_device(device, actor=leader, pw="222222")
    assert services.replay_quarantine(entry, actor=leader) == services.ReplayResult(2, 0)
    assert Reading.objects.filter(device=device).count() == 2
    assert RawFrame.objects.filter(mn=device.mn, outcome=FrameOutcome.REPLAYED).count() == 2
    assert AuditEntry.objects.filter(action="monitoring.quarantine.replayed", actor=leader).count() == 2


def test_the_sm4_key_is_never_written_to_the_audit_log(enterprise: Any, leader: Any) -> None:
    device = make_device(make_outlet(enterprise), sm4_key="AB" * 16)
    services.update_device(device, actor=leader, sm4_key="CD" * 16)
    entries = AuditEntry.objects.filter(object_id=str(device.pk), action__startswith="monitoring.device")
    text = " ".join(str(e.before) + str(e.after) + str(e.changes) for e in entries)
    assert "ABAB" not in text and "CDCD" not in text
    assert entries.filter(note="SM4 密钥已更换").exists()


def test_bulk_registration_validates_and_logs_once(enterprise: Any) -> None:
    outlet = make_outlet(enterprise, kind="gas")
    specs = [
        services.DeviceSpec(mn=f"BULK{i}", pw="123456", system="31", outlet_id=outlet.pk) for i in range(3)
    ]
    assert services.register_devices_bulk(specs, actor=None, reason="import") == 3
    assert AuditEntry.objects.filter(action="monitoring.device.bulk_registered").count() == 1
    with pytest.raises(ValidationError):
        services.register_devices_bulk(
            [services.DeviceSpec(mn="BULK9", pw="123456", system="32", outlet_id=outlet.pk)],
            actor=None,
            reason="x",
        )
    assert not Device.objects.filter(mn="BULK9").exists()


def test_devices_follow_their_enterprise_to_another_grid(enterprise: Any, tree: Any) -> None:
    from epb.core import audit

    device = make_device(make_outlet(enterprise))
    audit.update(enterprise, actor=None, grid=tree.town_b1)
    assert services.sync_device_placement() == 1
    device.refresh_from_db()
    assert device.org_unit == tree.town_b1
    assert services.sync_device_placement() == 0


def test_raw_frames_past_their_retention_are_purged(enterprise: Any, settings: Any) -> None:
    settings.HJ212_RAW_RETENTION_DAYS = 30
    device = make_device(make_outlet(enterprise))
    directory = Directory()
    old = datetime(2026, 1, 1, tzinfo=UTC)
    store(directory, upload(device), at=old.timestamp())
    store(directory, upload(device, when=T0 + timedelta(hours=1)), at=(old + timedelta(days=40)).timestamp())
    assert services.purge_raw_frames(now=old + timedelta(days=45)) == 1
    assert RawFrame.objects.count() == 1
    assert Reading.objects.count() == 2  # readings are kept


def test_monthly_partitions_are_created_ahead_and_strays_moved_out_of_default(enterprise: Any) -> None:
    if connection.vendor != "postgresql":
        assert partitions.ensure_partitions() == []  # SQLite keeps plain tables
        return
    device = make_device(make_outlet(enterprise))
    store(Directory(), upload(device, when=datetime(2019, 5, 20, tzinfo=UTC)))  # a month nobody made
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading_default")
        assert cursor.fetchone()[0] == 1
    created = partitions.ensure_partitions(datetime(2030, 1, 15, tzinfo=UTC), back=0, ahead=1)
    assert "monitoring_reading_y2019m05" in created and "monitoring_reading_y2030m02" in created
    assert "monitoring_rawframe_y2030m01" in created
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading_default")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM monitoring_reading_y2019m05")
        assert cursor.fetchone()[0] == 1
    assert Reading.objects.filter(device=device).count() == 1
    assert partitions.ensure_partitions(datetime(2030, 1, 15, tzinfo=UTC), back=0, ahead=1) == []
    # The frame arrived in June 2024 (Beijing): its month got a partition too; retention drops it.
    assert "monitoring_rawframe_y2024m06" in created
    _lo, hi = rules.partition_bounds(date(2024, 6, 1))
    assert partitions.drop_raw_partitions_before(hi) == ["monitoring_rawframe_y2024m06"]
    assert not RawFrame.objects.exists() and Reading.objects.exists()


def test_demo_devices_cover_every_outlet_and_load_once(tree: Any) -> None:
    from epb.core import demo_data
    from epb.enterprises import demo as enterprise_demo
    from epb.enterprises.models import Outlet

    out = io.StringIO()
    demo_data.load(out)
    enterprise_demo.load(out)
    demo.load(out)
    outlets = Outlet.objects.count()
    assert Device.objects.filter(outlet__isnull=False).count() == outlets
    assert Device.objects.filter(outlet__isnull=True, system__in=["21", "22", "23"]).count() == 3
    assert Device.objects.filter(version="2005").exists() and Device.objects.exclude(sm4_key="").exists()
    assert all(len(mn) in (14, 24) for mn in Device.objects.values_list("mn", flat=True))
    before = Device.objects.count()
    demo.load(out)
    assert Device.objects.count() == before


def test_the_periodic_tasks_are_scheduled_and_run(enterprise: Any) -> None:
    from epb.core.periodic import periodic_jobs
    from epb.monitoring import tasks

    jobs = {job for _seconds, job in periodic_jobs()}
    assert {tasks.purge_raw_frames, tasks.ensure_partitions, tasks.sync_device_placement} <= jobs
    make_device(make_outlet(enterprise))
    assert tasks.purge_raw_frames.enqueue().return_value == 0
    assert tasks.sync_device_placement.enqueue().return_value == 0
    created = tasks.ensure_partitions.enqueue().return_value
    assert created is not None and all(name.startswith("monitoring_") for name in created)
