from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from epb.core.models import Notification, NotificationPreference
from epb.core.notify import channels_for, notify
from epb.core.notify_backends import LoggingSmsBackend

pytestmark = pytest.mark.django_db


def test_in_app_always_and_email_by_default(
    grid_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(
            [grid_officer, grid_officer], kind="alarm.raised", title="超标报警", body="COD 超标", url="/x/"
        )
    assert len(notes) == 1  # the same person twice gets one notification
    note = Notification.objects.get()
    assert note.deliveries == {"in_app": "sent", "email": "sent"}
    assert mail.outbox[0].to == [grid_officer.email]
    assert "/x/" in mail.outbox[0].body


def test_preferences_choose_channels_and_sms_goes_through_the_backend(
    grid_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    grid_officer.phone = "13900001111"
    grid_officer.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=grid_officer, kind="alarm.raised", channels=["sms"])
    assert channels_for(grid_officer, "alarm.raised") == ["in_app", "sms"]
    assert channels_for(grid_officer, "other") == ["in_app", "email"]
    LoggingSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify([grid_officer], kind="alarm.raised", title="报警")
    assert LoggingSmsBackend.sent == [("13900001111", "报警")]
    assert mail.outbox == []


def test_missing_contact_is_recorded_not_raised(tree: Any, django_capture_on_commit_callbacks: Any) -> None:
    from epb.testing.factories import make_user

    user = make_user(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind="x", title="t")
    assert Notification.objects.get().deliveries["email"].startswith("skipped")


def test_nothing_is_sent_when_the_transaction_rolls_back(
    grid_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([grid_officer], kind="x", title="t")
    assert len(callbacks) == 1  # delivery waits for the commit
    assert mail.outbox == []
