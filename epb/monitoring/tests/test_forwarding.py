"""District centre → city centre: the district queues its accepted frames in the transaction
that stores them and forwards them until the city acknowledges. The last test runs two receivers
on two databases in subprocesses and shows the city holding the district's data."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from epb.core import audit
from epb.hj212 import Decoder, Packet, Version, build_upload, make_qn
from epb.monitoring.centre.forwarder import Forwarder, Item, answer_key
from epb.monitoring.ingest import Directory
from epb.monitoring.models import ForwardItem, ForwardTarget
from epb.monitoring.tests.centre import frame, store
from epb.monitoring.tests.factories import make_device, upload
from epb.monitoring.tests.test_durability import database_for_subprocess, start_receiver
from epb.testing.factories import make_outlet

T = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)

# Sessions of the receivers these tests start (and kill) carry this name on PostgreSQL.
SUBPROCESS_APP = "epb-test-subprocess"


@pytest.mark.django_db
def test_frames_of_forwarded_devices_are_queued_with_the_data(enterprise: Any) -> None:
    forwarded, other = make_device(make_outlet(enterprise)), make_device(make_outlet(enterprise))
    target = audit.create(ForwardTarget, actor=None, name="市监控中心", host="127.0.0.1", port=9212)
    target.devices.add(forwarded)
    directory = Directory()
    directory.refresh()
    data = frame(forwarded, "2011", T, {"w01018": 30.0})
    store(data, frame(other, "2011", T, {"w01018": 31.0}), received=T, directory=directory)
    (item,) = ForwardItem.objects.all()
    assert (item.target_id, item.device_id, bytes(item.raw)) == (
        target.pk,
        forwarded.pk,
        data.rstrip(b"\r\n"),
    )
    audit.update(target, actor=None, all_devices=True)
    directory.refresh()
    store(
        frame(other, "2011", T + dt.timedelta(seconds=30), {"w01018": 31.0}), received=T, directory=directory
    )
    assert ForwardItem.objects.count() == 2


def test_the_answer_key_comes_from_the_clear_header() -> None:
    answered = upload("0100A8900000000000000001", when=T)
    assert answer_key(answered) == ("0100A8900000000000000001", make_qn(T + dt.timedelta(seconds=1)))
    old = upload("LD130133000001", when=T, version=Version.V2005, ack=False)
    assert answer_key(old) is None


def test_frames_without_answers_are_settled_by_a_later_answer() -> None:
    f = Forwarder(1, "127.0.0.1", 1, None)  # type: ignore[arg-type]
    items = [Item(1, b"", None), Item(2, b"", ("A", "1")), Item(3, b"", None), Item(4, b"", ("A", "2"))]
    f.answered = {("A", "1")}
    assert f._settle(items) == ([1, 2], [3, 4])
    f.answered = {("A", "1"), ("A", "2")}
    assert f._settle(items) == ([1, 2, 3, 4], [])


# ---------------------------------------------------------------------------- two instances


def _city_database(tmp_path: Path) -> tuple[dict[str, str], Any, Any]:
    """A second database for the city (a copy of the test database as it is now), its receiver's
    environment, a function listing its readings, and a clean-up."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    root = Path(__file__).resolve().parents[3]
    env.update(
        PGAPPNAME=SUBPROCESS_APP,
        PYTHONUNBUFFERED="1",
        EPB_VAR_DIR=str(tmp_path),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(root),
    )
    tmp_path.mkdir(parents=True, exist_ok=True)
    query = (
        "SELECT d.mn, r.data_time FROM monitoring_reading r JOIN monitoring_device d ON d.id = r.device_id"
    )
    if connection.vendor == "sqlite":
        path = tmp_path / "epb.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

        def readings() -> set[tuple[str, str]]:
            with sqlite3.connect(path) as db:
                return {(mn, str(t)[:19]) for mn, t in db.execute(query).fetchall()}

        return env, readings, lambda: None

    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_city"
    dsn = {
        "host": s["HOST"] or "127.0.0.1",
        "port": s["PORT"] or 5432,
        "user": s["USER"],
        "password": s.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    # A copy through pg_dump, not CREATE DATABASE … TEMPLATE: a template may have no other
    # sessions, and this process's other threads (the live server) may hold one.
    libpq = dict(os.environ, PGHOST=str(dsn["host"]), PGPORT=str(dsn["port"]), PGUSER=str(dsn["user"]))
    if dsn["password"]:
        libpq["PGPASSWORD"] = str(dsn["password"])
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", s["NAME"]], env=libpq, capture_output=True, check=True
    ).stdout
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name],
        input=dump,
        env=libpq,
        capture_output=True,
        check=True,
    )
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{s['USER']}{password}@{dsn['host']}:{dsn['port']}/{name}"

    def readings_pg() -> set[tuple[str, str]]:
        with psycopg.connect(dbname=name, **dsn) as db:
            rows = db.execute(query).fetchall()
        return {(mn, t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")) for mn, t in rows}

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, readings_pg, drop


async def _send(port: int, frames: list[tuple[str, bytes]]) -> int:
    """A logger sending frames one by one, each waiting for its 9014; returns the answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    decoder = Decoder()
    answered = 0
    try:
        for qn, data in frames:
            writer.write(data)
            await writer.drain()
            deadline = time.monotonic() + 5
            got = False
            while not got and time.monotonic() < deadline:
                chunk = await asyncio.wait_for(reader.read(4096), deadline - time.monotonic())
                decoder.feed(chunk)
                got = any(isinstance(e, Packet) and e.cn == "9014" and e.qn == qn for e in decoder.events())
            answered += got
    finally:
        writer.close()
    return answered


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_city_centre_sees_the_district_centres_data(tmp_path: Path, enterprise: Any) -> None:
    devices = [make_device(make_outlet(enterprise)) for _ in range(3)]  # registered in both centres
    city_env, city_readings, drop_city = _city_database(tmp_path / "city")
    district_dir = tmp_path / "district"
    district_dir.mkdir()
    city_log = open(tmp_path / "city.log", "w")
    district_log = open(tmp_path / "district.log", "w")
    city = district = None
    try:
        city, city_port = start_receiver(city_env, city_log)
        target = audit.create(
            ForwardTarget, actor=None, name="常州市污染源监控中心", host="127.0.0.1", port=city_port
        )
        target.devices.add(*devices)
        district_env, district_readings = database_for_subprocess(district_dir)
        district, district_port = start_receiver(district_env, district_log)
        frames = []
        for i in range(10):
            for device in devices:
                when = T + dt.timedelta(seconds=30 * i)
                qn = make_qn(when + dt.timedelta(milliseconds=device.pk))
                data = build_upload(
                    cn="2011", mn=device.mn, st="32", pw=device.pw, qn=qn, data_time=when,
                    values={"w01018": {"Rtd": 20.0 + i, "Flag": "N"}}, ack=True,
                )  # fmt: skip
                frames.append((qn, data))
        assert asyncio.run(_send(district_port, frames)) == len(frames)
        sent = {
            (d.mn, (T + dt.timedelta(seconds=30 * i)).strftime("%Y-%m-%d %H:%M:%S"))
            for d in devices
            for i in range(10)
        }
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and city_readings() != sent:
            time.sleep(0.3)
        assert city_readings() == sent  # the city holds every reading the district accepted
        assert {(mn, t.strftime("%Y-%m-%d %H:%M:%S")) for mn, t in district_readings()} == sent
    finally:
        for proc in (district, city):
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except Exception:
                    proc.kill()
        city_log.close()
        district_log.close()
        drop_city()
