"""One notification service for every module: in-app always, e-mail, SMS and WeChat by preference.

``notify`` writes the in-app rows in the caller's transaction and hands the outside channels to a
background task on commit, so a slow mail server never holds a database transaction open and a
rolled-back change never sends a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils.module_loading import import_string

from epb.core.models import Notification, NotificationPreference, User
from epb.core.models.notifications import Channel

DEFAULT_CHANNELS = [Channel.IN_APP, Channel.EMAIL]


def channels_for(user: User, kind: str) -> list[str]:
    prefs = {
        p.kind: p.channels for p in NotificationPreference.objects.filter(user=user, kind__in=[kind, "*"])
    }
    chosen = prefs.get(kind, prefs.get("*", DEFAULT_CHANNELS))
    # In-app is the record of what was sent; it cannot be switched off.
    return [Channel.IN_APP, *[c for c in chosen if c != Channel.IN_APP]]


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    subject: models.Model | None = None,
) -> list[Notification]:
    created: list[Notification] = []
    seen: set[int] = set()
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        note = Notification.objects.create(
            recipient=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            subject_type=subject_type,
            subject_id=str(subject.pk) if subject is not None else "",
            deliveries={Channel.IN_APP: "sent"},
        )
        created.append(note)
    ids = [n.pk for n in created]
    if ids:
        from epb.core.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(ids))
    return created


@cache
def _backend(path: str) -> object:
    return import_string(path)()


def deliver(note: Notification) -> dict[str, str]:
    """Send one notification on its outside channels and record each outcome."""
    user = note.recipient
    outcomes = dict(note.deliveries)
    text = f"{note.title}\n{note.body}".strip()
    for channel in channels_for(user, note.kind):
        if channel == Channel.IN_APP or channel in outcomes:
            continue
        try:
            if channel == Channel.EMAIL:
                if not user.email:
                    outcomes[channel] = "skipped: no e-mail address"
                    continue
                link = f"\n{settings.SITE_URL}{note.url}" if note.url else ""
                send_mail(note.title, f"{note.body}{link}", None, [user.email])
            elif channel == Channel.SMS:
                if not user.phone:
                    outcomes[channel] = "skipped: no phone number"
                    continue
                _backend(settings.EPB_SMS_BACKEND).send(user.phone, text)  # type: ignore[attr-defined]
            elif channel == Channel.WECHAT:
                _backend(settings.EPB_WECHAT_BACKEND).send(user.get_username(), text)  # type: ignore[attr-defined]
            else:
                outcomes[channel] = "skipped: unknown channel"
                continue
            outcomes[channel] = "sent"
        except Exception as exc:  # one failing gateway must not stop the others
            outcomes[channel] = f"failed: {exc}"[:200]
    Notification.objects.filter(pk=note.pk).update(deliveries=outcomes)
    return outcomes
