"""The periodic tasks the worker's scheduler runs (inline in tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from epb.quality import tasks
from epb.quality.choices import SiteKind
from epb.quality.models import EarlyWarning
from epb.quality.tests.factories import make_water_site

pytestmark = pytest.mark.django_db


def test_the_scheduler_knows_the_tasks() -> None:
    from epb.core.periodic import periodic_jobs

    jobs = [job for _interval, job in periodic_jobs()]
    assert tasks.pull_station_results in jobs and tasks.daily_check in jobs


@pytest.mark.parametrize(("utc_hour", "checked"), [(0, 0), (2, 1)])  # 08:00 and 10:00 in Beijing
def test_the_daily_check_waits_for_the_morning(tree: Any, utc_hour: int, checked: int) -> None:
    make_water_site(tree.town_a1, kind=SiteKind.DRINKING_SOURCE)
    with time_machine.travel(datetime(2026, 5, 2, utc_hour, 30, tzinfo=UTC), tick=False):
        result = tasks.daily_check.enqueue()
    assert result.return_value == checked
    assert EarlyWarning.objects.count() == checked


def test_the_station_pull_runs_as_a_task(tree: Any) -> None:
    assert tasks.pull_station_results.enqueue().return_value == {
        "water": 0,
        "air": 0,
        "noise": 0,
        "unchanged": 0,
    }
