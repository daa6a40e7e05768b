"""The simulated fleet: its fault syntax, its values, and a short run against the receiver."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from epb.monitoring import services
from epb.monitoring.fleet import from_registry, register_fleet
from epb.monitoring.models import Command, Device, RawFrame, Reading
from epb.monitoring.receiver import Receiver
from epb.monitoring.simulator import (
    Faults,
    FleetDevice,
    Model,
    Options,
    build_parser,
    invented_fleet,
    run_fleet,
)
from epb.monitoring.tests.helpers import in_db, run

T = datetime(2025, 3, 1, 4, 0, tzinfo=UTC).timestamp()  # 12:00 in Beijing


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("none", Faults()),
        ("", Faults()),
        ("default", Faults(exceed=0.02, flags=0.01)),
        ("exceed=0.05,offline=0.02", Faults(exceed=0.05, offline=0.02)),
        (" badcrc=1 , split=0.5", Faults(badcrc=1.0, split=0.5)),
    ],
)
def test_fault_specs(spec: str, expected: Faults) -> None:
    assert Faults.parse(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("exceed", "unknown fault"),
        ("explode=0.1", "unknown fault"),
        ("exceed=x", "not a number"),
        ("exceed=2", "0 and 1"),
    ],
)
def test_bad_fault_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Faults.parse(spec)


def test_the_help_documents_every_fault(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    for name in Faults.__dataclass_fields__:
        assert f"  {name} " in text


WATER = FleetDevice("0101000000000000000000A1", "123456", "32")
GAS = FleetDevice("0101000000000000000000B2", "123456", "31", reference_o2=6.0)


def test_aggregates_agree_with_their_samples() -> None:
    model = Model(WATER, Faults())
    hour = model.aggregate(T, 3600)
    for code, item in hour.items():
        assert item["Min"] <= item["Avg"] <= item["Max"], code  # type: ignore[operator]
        assert item["Flag"] == "N"
    flows = [model.value(model.factors[5], T + 30 * i) for i in range(120)]
    assert hour["w00000"]["Cou"] == pytest.approx(sum(q * 30 / 1000 for q in flows), rel=1e-3)  # m³
    cod = [model.value(model.factors[0], T + 30 * i) for i in range(120)]
    weighted = sum(c * q for c, q in zip(cod, flows, strict=True)) / sum(flows)
    assert hour["w01018"]["Avg"] == pytest.approx(weighted, abs=0.06)  # flow-weighted, 1 decimal
    assert hour["w01018"]["Cou"] == pytest.approx(
        sum(c * q * 30 for c, q in zip(cod, flows, strict=True)) * 1e-6, abs=1e-3
    )
    assert "Cou" not in hour["w01001"]  # pH has no amount


def test_values_are_plausible_and_follow_the_day() -> None:
    model = Model(GAS, Faults())
    noon = model.realtime(T)
    assert 0 < noon["a21026"]["Rtd"] < 100 and 5 < noon["a19001"]["Rtd"] < 13  # type: ignore[operator]
    assert noon["a21026"]["ZsRtd"] != noon["a21026"]["Rtd"]  # converted to the reference O2
    night = Model(GAS, Faults()).aggregate(T + 12 * 3600, 3600)["a00000"]["Avg"]
    day = Model(GAS, Faults()).aggregate(T, 3600)["a00000"]["Avg"]
    assert float(day) > float(night)  # type: ignore[arg-type]  # flow peaks in the working day
    assert model.realtime(T) == model.realtime(T)  # deterministic


def test_exceedance_windows_raise_pollutants_only() -> None:
    calm, wild = Model(WATER, Faults()), Model(WATER, Faults(exceed=1.0))
    assert wild.value(wild.factors[0], T) > 1.9 * calm.value(calm.factors[0], T)
    assert wild.value(wild.factors[5], T) == calm.value(calm.factors[5], T)  # flow unchanged


def test_2005_loggers_use_2005_codes() -> None:
    old = Model(FleetDevice("SIM0010000001", "123456", "32", version="2005"), Faults(), old=True)
    assert set(old.realtime(T)) == {"011", "060", "101", "065", "001", "B01"}


def test_invented_fleets_mix_water_gas_and_2005() -> None:
    fleet = invented_fleet(200, Faults(v2005=0.2))
    assert len({d.mn for d in fleet}) == 200
    gas = sum(d.st == "31" for d in fleet)
    old = sum(d.version == "2005" for d in fleet)
    assert 30 < gas < 90 and 15 < old < 70


@pytest.mark.django_db
def test_an_invented_fleet_is_registered_once_and_read_back(tree: Any) -> None:
    fleet = invented_fleet(25, Faults())
    assert register_fleet(fleet) == 25
    assert register_fleet(fleet) == 0
    back = from_registry()
    assert {d.mn for d in back} == {d.mn for d in fleet}
    device = Device.objects.get(mn=fleet[0].mn)
    assert device.outlet is not None and device.org_unit == device.outlet.enterprise.grid


@pytest.mark.django_db
@pytest.mark.slow
def test_a_short_run_with_faults_stores_every_answered_packet(tree: Any) -> None:
    fleet = invented_fleet(4, Faults())
    register_fleet(fleet)
    target = Device.objects.get(mn=fleet[0].mn)
    command = services.create_command(
        actor=None,
        device=target,
        kind="2061",
        begin_time=datetime.now(UTC) - timedelta(hours=3),
        end_time=datetime.now(UTC) - timedelta(minutes=1),
    )
    options = Options(rate=1, ack_timeout=0.3, retries=3, history=2, faults=Faults(badcrc=0.3, resend=0.2))

    async def scenario(receiver: Receiver) -> None:
        stop = asyncio.Event()
        fleet_run = asyncio.create_task(run_fleet(fleet, options, "127.0.0.1", receiver.port, 20, stop))

        def progress() -> tuple[str, int]:
            return Command.objects.get(pk=command.pk).state, Reading.objects.filter(cn=2011).count()

        for _ in range(100):
            await asyncio.sleep(0.1)
            state, realtime = await in_db(receiver, progress)
            if state == "done" and realtime >= 8:
                break
        stop.set()
        stats = await fleet_run
        assert state == "done" and realtime >= 8
        assert stats.corrupted > 0 and stats.retries >= stats.corrupted and stats.unanswered == 0

    run(scenario)
    assert Reading.objects.filter(cn=2061, device=target).count() >= 2
    assert RawFrame.objects.filter(outcome=6).count() > 0  # the corrupt ones, kept as rejected


def test_a_logger_set_to_m3_per_hour_sends_its_flow_so() -> None:
    hourly = Model(FleetDevice(GAS.mn, "123456", "31", reference_o2=6.0, flow_unit="m3/h"), Faults())
    plain = Model(GAS, Faults())
    ratio = hourly.realtime(T)["a00000"]["Rtd"] / plain.realtime(T)["a00000"]["Rtd"]  # type: ignore[operator]
    assert ratio == pytest.approx(3600, rel=1e-3)
    assert (
        hourly.aggregate(T, 3600)["a00000"]["Cou"] == plain.aggregate(T, 3600)["a00000"]["Cou"]
    )  # m³ either way


def test_the_registry_fleet_injects_occasional_faults_by_default() -> None:
    from epb.monitoring.simulator import REGISTRY_FAULTS, Faults, FleetDevice, Model

    faults = Faults.parse(REGISTRY_FAULTS)
    assert faults.exceed > 0 and faults.offline > 0 and faults.constant > 0 and faults.flags > 0
    ultra = Model(FleetDevice("01A890017A0000000000000B", "123456", "31", standard="ultra_low"), Faults())
    usual = Model(FleetDevice("01A890017A0000000000000B", "123456", "31", standard="GB13223-2011"), Faults())
    t = 1_772_400_000.0
    assert ultra.value(ultra.factors[0], t) == pytest.approx(usual.value(usual.factors[0], t) / 2)
    assert ultra.value(ultra.factors[3], t) == pytest.approx(usual.value(usual.factors[3], t))  # O2 as usual
