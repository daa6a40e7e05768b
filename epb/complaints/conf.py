"""The complaint centre's settings, each with its default and where the figure comes from.

Read through :func:`setting`, so a deployment overrides any of them in ``settings.py`` (or the
environment, once the project settings map them) and tests override them with pytest-django's
``settings`` fixture. Items marked *uncertain* are local choices or figures the references could
not confirm; docs/complaints.md lists them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Duplicate suggestions before submitting (FixMyStreet-style radius search; local choice).
    "COMPLAINTS_DUPLICATE_RADIUS_M": 500,
    "COMPLAINTS_DUPLICATE_DAYS": 30,
    # Repeat-complaint detection after submitting (same phone, same enterprise and type, or the
    # same place and type within the radius) over this look-back period. Local choice.
    "COMPLAINTS_REPEAT_RADIUS_M": 300,
    "COMPLAINTS_REPEAT_DAYS": 180,
    # The plan: 每周二为局领导接访日 (Monday = 0).
    "COMPLAINTS_RECEPTION_WEEKDAY": 1,
    # Departments (codes) of the 12369 centre itself: its operators take calls and make
    # callbacks, so they see complainants' contacts. Consultations are answered there too.
    "COMPLAINTS_CENTRE_DEPARTMENTS": ["petition"],
    "COMPLAINTS_CONSULTATION_DEPARTMENT": "petition",
    # SMS verification of a real-name complainant's phone.
    "COMPLAINTS_SMS_CODE_TTL_SECONDS": 600,
    "COMPLAINTS_SMS_CODE_MAX_ATTEMPTS": 5,
    "COMPLAINTS_SMS_PHONE_INTERVAL_SECONDS": 60,
    "COMPLAINTS_SMS_PHONE_PER_HOUR": 5,
    "COMPLAINTS_SMS_IP_PER_HOUR": 20,
    # Callbacks (回访): the plan requires them for every complainant who left real contacts.
    "COMPLAINTS_CALLBACK_KINDS": ["complaint"],
    "COMPLAINTS_CALLBACK_MAX_ATTEMPTS": 3,
    # Consultations are answered without a leader's signature unless this is on.
    "COMPLAINTS_SIGN_OFF_CONSULTATIONS": False,
    # Overrides of clock specs by name, e.g. {"complaint.consult": {"duration": 3}} (uncertain
    # local commitments; statutory figures stay as the law sets them).
    "COMPLAINTS_CLOCK_OVERRIDES": {},
    # Points picked on a map whose tiles are GCJ-02 (most Chinese tile services) are converted
    # to WGS-84 before they are stored. Off: the map's tiles are WGS-84 or there are none.
    "COMPLAINTS_MAP_PICKS_GCJ02": False,
    # The minimum length of a description (the national WeChat channel asked for 5 characters).
    "COMPLAINTS_MIN_DESCRIPTION": 5,
    # The body named in reply letters as the one that hears a 复查 request (uncertain: the
    # next-higher administrative organ; the bureau fills in its own).
    "COMPLAINTS_REVIEW_AUTHORITY": "上一级行政机关",
    # Open311 GeoReport v2.
    "COMPLAINTS_OPEN311_JURISDICTION": "",
    "COMPLAINTS_OPEN311_WINDOW_DAYS": 90,
    "COMPLAINTS_OPEN311_MAX_RESULTS": 1000,
    # A visit by this many people or more is recorded as 群体性 (uncertain: 《信访条例》 asks
    # groups to send at most five representatives; local practice varies).
    "COMPLAINTS_MASS_VISITORS": 5,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
