"""Early warning: thresholds as data, warnings to the owners, acknowledge and close, 日查."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core.models import AuditEntry, Notification
from epb.quality import services
from epb.quality.choices import SiteKind, WarningKind, WarningStatus
from epb.quality.models import EarlyWarning
from epb.quality.tests.factories import at, make_water_body, make_water_site
from epb.quality.tests.sheets import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(tree: Any) -> Any:
    return make_water_site(
        tree.town_a1,
        code="SY1",
        name="长江魏村水源地",
        kind=SiteKind.DRINKING_SOURCE,
        water_body=make_water_body(name="长江"),
        target_class="II",
    )


def _record(site: Any, day: date, **values: str) -> Any:
    return services.record_water_sample(actor=None, site=site, sampled_at=at(day, 8), values=values)


def test_a_threshold_raises_one_warning_to_the_districts_staff(
    source: Any, district_officer: Any, other_district_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.save_threshold(
        actor=None, site=source, item="NH3N", upper=Decimal("0.5"), level="yellow", source="Ⅱ类"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _record(source, date(2010, 5, 1), NH3N="0.62", DO="7.5")
    warning = EarlyWarning.objects.get()
    assert (warning.kind, warning.item, warning.value, warning.limit) == ("threshold", "NH3N", "0.62", "0.5")
    assert "高于预警线" in warning.message
    notes = Notification.objects.filter(kind="quality.warning")
    assert [n.recipient for n in notes] == [district_officer]  # not the other district
    assert warning.get_absolute_url() in notes.get().url

    _record(source, date(2010, 5, 2), NH3N="0.71")  # still over: the same warning, seen again
    _record(source, date(2010, 5, 3), NH3N="0.3")
    warning.refresh_from_db()
    assert (EarlyWarning.objects.count(), warning.occurrences, warning.last_value) == (1, 2, "0.71")
    assert Notification.objects.filter(kind="quality.warning").count() == 1


def test_named_owners_are_told_instead(source: Any, grid_officer: Any, district_officer: Any) -> None:
    services.save_site(type(source), actor=None, instance=source, owners=[grid_officer])
    assert AuditEntry.objects.filter(action="quality.watersite.owners_changed").exists()
    services.save_threshold(actor=None, site=source, item="DO", lower=Decimal("6"))
    _record(source, date(2010, 5, 1), DO="5.2")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [grid_officer.pk]
    assert "低于" in EarlyWarning.objects.get().message


def test_a_drinking_source_that_fails_the_standard_is_a_warning(source: Any) -> None:
    _record(source, date(2010, 5, 1), NH3N="1.2", Fe="0.45")  # class IV ammonia, iron over 0.3
    warning = EarlyWarning.objects.get(kind=WarningKind.DRINKING)
    assert "氨氮" in warning.message and "铁" in warning.message


def test_algae_watch(tree: Any) -> None:
    point = make_water_site(tree.town_b1, kind=SiteKind.LAKE_POINT, algae_watch=True)
    services.save_threshold(
        actor=None, site=point, item="ALGAE", upper=Decimal("2000"), kind="algae", level="orange"
    )
    _record(point, date(2010, 7, 20), ALGAE="3500", TP="0.12")
    warning = EarlyWarning.objects.get()
    assert warning.kind == WarningKind.ALGAE and warning.get_kind_display() == "蓝藻预警"


def test_acknowledge_and_close_are_audited(source: Any, district_officer: Any) -> None:
    services.save_threshold(actor=None, site=source, item="NH3N", upper=Decimal("0.5"))
    _record(source, date(2010, 5, 1), NH3N="0.62")
    warning = EarlyWarning.objects.get()
    services.acknowledge_warning(warning, actor=district_officer)
    with pytest.raises(ValidationError):
        services.acknowledge_warning(warning, actor=district_officer)
    with pytest.raises(ValidationError, match="处置情况"):
        services.close_warning(warning, actor=district_officer, note=" ")
    services.close_warning(warning, actor=district_officer, note="上游企业停产整改，复测达标")
    assert warning.status == WarningStatus.CLOSED and warning.closed_by == district_officer
    actions = list(AuditEntry.objects.filter(object_id=str(warning.pk)).values_list("action", flat=True))
    assert "quality.earlywarning.acknowledged" in actions and "quality.earlywarning.closed" in actions
    _record(source, date(2010, 6, 1), NH3N="0.8")  # after closing, a new crossing is a new warning
    assert EarlyWarning.objects.count() == 2


def test_public_users_cannot_handle_warnings(source: Any, public_user: Any) -> None:
    services.save_threshold(actor=None, site=source, item="NH3N", upper=Decimal("0.5"))
    _record(source, date(2010, 5, 1), NH3N="0.62")
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(EarlyWarning.objects.get(), actor=public_user)


def test_daily_check_finds_the_source_that_did_not_report(source: Any, tree: Any, dept_staff: Any) -> None:
    other = make_water_site(tree.town_b1, code="SY2", kind=SiteKind.DRINKING_SOURCE)
    _record(source, date(2010, 5, 1), NH3N="0.2")
    raised = services.daily_check(date(2010, 5, 1))
    assert [w.site for w in raised] == [other] and raised[0].kind == WarningKind.MISSING
    assert services.daily_check(date(2010, 5, 1)) == []  # checking the same day again adds nothing
    services.daily_check(date(2010, 5, 2))  # still missing the next day: the same warning, twice seen
    assert EarlyWarning.objects.get(site=other).occurrences == 2


def test_imported_results_are_checked(source: Any, dept_staff: Any) -> None:
    services.save_threshold(actor=None, site=source, item="NH3N", upper=Decimal("0.5"))
    content = csv_bytes(["断面编码", "采样日期", "氨氮"], [["SY1", "2010-05-01", "0.9"]])
    services.import_results(actor=dept_staff, kind="water", file_name="d.csv", content=content)
    assert EarlyWarning.objects.filter(kind="threshold").count() == 1


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"item": "XYZ", "upper": Decimal(1)}, "未知的指标"),
        ({"item": "NH3N"}, "至少"),
        ({"item": "DO", "lower": Decimal(6), "upper": Decimal(5)}, "下限"),
    ],
)
def test_bad_thresholds_are_refused(source: Any, fields: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        services.save_threshold(actor=None, site=source, **fields)


def test_a_district_sets_thresholds_only_in_its_district(source: Any, other_district_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.save_threshold(actor=other_district_officer, site=source, item="NH3N", upper=Decimal(1))
