"""The monitoring centre's settings, each with its default and where the default comes from.

Every one can be set in the settings file (or ``local_settings.py``); docs/monitoring-centre.md
lists them. Items the references mark uncertain are here so a bureau can follow its own rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from typing import Any

from django.conf import settings

from epb.standards.validity import ValiditySettings


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def evaluate_seconds() -> float:
    """How often the batch hook hands the stored data to the evaluation task (at most)."""
    return float(_get("MONITORING_EVALUATE_SECONDS", 5.0))


def handover_thread() -> bool:
    """Enqueue the evaluation tasks from a thread of their own rather than the storage thread
    (which then only swaps a dict); off in tests, where the evaluation runs inline at once."""
    return bool(_get("MONITORING_HANDOVER_THREAD", True))


def validity_settings(**extra: Any) -> ValiditySettings:
    """``ValiditySettings`` with the bureau's overrides (``MONITORING_VALIDITY``: field → value).

    Durations may be given in minutes (``minute_interval``, ``water_interval``, ``water_cycle``)."""
    overrides = dict(_get("MONITORING_VALIDITY", {}) or {})
    known = {f.name for f in fields(ValiditySettings)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"MONITORING_VALIDITY: unknown field(s) {', '.join(unknown)}")
    for name in ("minute_interval", "water_interval", "water_cycle"):
        if isinstance(overrides.get(name), int | float):
            overrides[name] = dt.timedelta(minutes=overrides[name])
    return replace(ValiditySettings(), **(overrides | extra))


def cross_check_tolerance() -> float:
    """Device hour/day upload vs the centre's computation (±5 %, a third-party audit rule)."""
    return float(_get("MONITORING_CROSS_CHECK_TOLERANCE", 0.05))


def cou_tolerance() -> float:
    """Device Cou vs concentration × volume (±5 %)."""
    return float(_get("MONITORING_COU_TOLERANCE", 0.05))


def hourly_source() -> str:
    """``auto`` (minute data when the hour has any, else realtime), ``minute`` or ``realtime``."""
    value = str(_get("MONITORING_HOURLY_SOURCE", "auto"))
    if value not in ("auto", "minute", "realtime"):
        raise ValueError("MONITORING_HOURLY_SOURCE must be auto, minute or realtime")
    return value


def provisional_exceedance() -> bool:
    """Judge realtime and minute values against the limits as a provisional (预警) exceedance."""
    return bool(_get("MONITORING_PROVISIONAL_EXCEEDANCE", True))


def alarm_merge() -> dt.timedelta:
    """Evidence of the same condition within this gap continues an episode instead of opening one."""
    return dt.timedelta(minutes=float(_get("MONITORING_ALARM_MERGE_MINUTES", 30)))


def alarm_handle_days() -> int:
    """Working days the enterprise has to handle an alarm (a bureau rule; no national figure)."""
    return int(_get("MONITORING_ALARM_HANDLE_DAYS", 3))


def offline_minutes() -> float:
    """The least silence (minutes) counted as offline; devices reporting realtime data are offline
    after max(this, 3 × their realtime interval), others after max(15, minute interval + 5)."""
    return float(_get("MONITORING_OFFLINE_MINUTES", 10))


def default_source_age() -> str:
    """Whether an outlet with no recorded age is judged as a new or an existing source."""
    value = str(_get("MONITORING_DEFAULT_SOURCE_AGE", "existing"))
    if value not in ("new", "existing"):
        raise ValueError("MONITORING_DEFAULT_SOURCE_AGE must be new or existing")
    return value


def standard_aliases() -> dict[str, str]:
    """Extra spellings of standards in the registry → the standard id (``MONITORING_STANDARD_ALIASES``)."""
    return {str(k): str(v) for k, v in (_get("MONITORING_STANDARD_ALIASES", {}) or {}).items()}


def class_aliases() -> dict[str, str]:
    """Extra spellings of classes → a class id or a rule word (``MONITORING_CLASS_ALIASES``)."""
    return {str(k): str(v) for k, v in (_get("MONITORING_CLASS_ALIASES", {}) or {}).items()}


def notify_kinds() -> frozenset[str] | None:
    """Alarm kinds that notify the enterprise and the grid officers (None: every kind)."""
    kinds = _get("MONITORING_NOTIFY_KINDS", None)
    return frozenset(kinds) if kinds is not None else None


def forward_in_receiver() -> bool:
    """``epb receiver`` also runs the forwarder to upstream centres that are configured."""
    return bool(_get("MONITORING_FORWARD_IN_RECEIVER", True))


def forward_ack_seconds() -> float:
    """How long the forwarder waits for the upstream's 9014 before resending."""
    return float(_get("MONITORING_FORWARD_ACK_SECONDS", 10.0))
