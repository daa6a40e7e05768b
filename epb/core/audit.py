"""The audit log: every create, update and delete of a regulatory record, with who, when and what.

Regulatory models inherit ``AuditedModel``. Their ``save()`` and ``delete()`` refuse to run outside
an audited write, so a change that skips the log is a programming error caught by the tests, not
a silent gap in the evidence. Service functions write through ``create``, ``update``, ``delete``
or the ``tracking`` context manager, each of which writes one ``AuditEntry`` in the same
transaction as the change.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

from epb.core import once

if TYPE_CHECKING:
    from epb.core.models import AuditEntry, User

T = TypeVar("T", bound=models.Model)


class AuditRequired(RuntimeError):
    """A regulatory record was saved or deleted outside an audited service function."""


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_writing: contextvars.ContextVar[int] = contextvars.ContextVar("epb_audit_writing", default=0)
_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "epb_audit_request", default=None
)


class AuditedModel(models.Model):
    """Base for regulatory records: saves and deletes must go through the audit layer."""

    # Fields left out of the before/after snapshots (large or secret values).
    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not _writing.get():
            raise AuditRequired(f"{type(self).__name__} must be saved through an audited service function")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not _writing.get():
            raise AuditRequired(f"{type(self).__name__} must be deleted through an audited service function")
        return super().delete(*args, **kwargs)


@contextmanager
def _allow_writes() -> Iterator[None]:
    token = _writing.set(_writing.get() + 1)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def request_context(info: RequestInfo) -> Iterator[None]:
    token = _request.set(info)
    try:
        yield
    finally:
        _request.reset(token)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own field values as JSON (foreign keys as their ids)."""
    exclude = set(getattr(obj, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(field.value_from_object(obj))
    return data


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    before = before or {}
    after = after or {}
    keys = sorted(set(before) | set(after))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def _org_unit_id_of(obj: models.Model) -> int | None:
    """The OrgUnit that places this record in the tree, so the log itself can be scoped."""
    from epb.core.visibility import Scope

    scope = getattr(type(obj), "jurisdiction", None)
    if not isinstance(scope, Scope) or scope.org_unit is None:
        return None
    if scope.org_unit == "":
        return obj.pk
    target: Any = obj
    for part in scope.org_unit.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, "pk", None)


def log(
    action: str,
    obj: models.Model | None = None,
    *,
    actor: User | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
    extra: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. ``action`` is dotted: ``<app>.<object>.<verb>``."""
    from django.contrib.contenttypes.models import ContentType

    from epb.core.models import AuditEntry

    if action.count(".") < 2:
        raise ValueError(f"audit action {action!r} must be '<app>.<object>.<verb>'")
    info = _request.get()
    label = actor_label or (actor.get_username() if actor is not None else "system")
    with _allow_writes():
        entry = AuditEntry.objects.create(
            action=action,
            actor=actor,
            actor_label=label[:150],
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True)
            if obj is not None
            else None,
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            org_unit_id=_org_unit_id_of(obj) if obj is not None else None,
            before=_jsonable(dict(before)) if before is not None else None,
            after=_jsonable(dict(after)) if after is not None else None,
            changes=_jsonable(diff(before, after)),
            note=note,
            extra=_jsonable(dict(extra)) if extra else {},
            ip=info.ip if info else None,
        )
    once.note_write(entry.pk)
    return entry


def _action(obj: models.Model | type[models.Model], verb: str) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def create(
    model: type[T],
    *,
    actor: User | None,
    action: str = "",
    note: str = "",
    actor_label: str = "",
    **fields: Any,
) -> T:
    """Create a record and log it."""
    with transaction.atomic(), _allow_writes():
        obj = model(**fields)
        obj.full_clean(validate_unique=True, validate_constraints=False)
        obj.save()
        log(
            action or _action(model, "created"),
            obj,
            actor=actor,
            after=snapshot(obj),
            note=note,
            actor_label=actor_label,
        )
    return obj


def update(
    obj: T, *, actor: User | None, action: str = "", note: str = "", actor_label: str = "", **changes: Any
) -> T:
    """Change fields of a record (only those named) and log before and after."""
    with transaction.atomic(), _allow_writes():
        before = snapshot(obj)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.full_clean(
            exclude=[f.name for f in obj._meta.fields if f.name not in changes] or None,
            validate_unique=False,
            validate_constraints=False,
        )
        obj.save(update_fields=[obj._meta.get_field(name).name for name in changes] or None)
        after = snapshot(obj)
        if before != after:
            log(
                action or _action(obj, "updated"),
                obj,
                actor=actor,
                before=before,
                after=after,
                note=note,
                actor_label=actor_label,
            )
    return obj


def delete(
    obj: models.Model, *, actor: User | None, action: str = "", note: str = "", actor_label: str = ""
) -> None:
    """Delete a record and keep its last state in the log."""
    with transaction.atomic(), _allow_writes():
        before = snapshot(obj)
        # Logged first, while the row still has its id; the entry keeps it after the delete.
        log(
            action or _action(obj, "deleted"),
            obj,
            actor=actor,
            before=before,
            note=note,
            actor_label=actor_label,
        )
        obj.delete()


@contextmanager
def tracking(
    obj: models.Model,
    *,
    actor: User | None,
    action: str,
    note: str = "",
    actor_label: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Iterator[models.Model]:
    """For changes richer than ``update``: snapshot, let the caller change and save, log the difference.

    >>> with audit.tracking(case, actor=user, action="complaints.case.accepted"):
    ...     case.status = "accepted"; case.save(update_fields=["status"])
    """
    with transaction.atomic(), _allow_writes():
        before = snapshot(obj) if obj.pk is not None else None
        yield obj
        after = snapshot(obj)
        log(
            action,
            obj,
            actor=actor,
            before=before,
            after=after,
            note=note,
            actor_label=actor_label,
            extra=extra,
        )


@contextmanager
def system_writes(reason: str) -> Iterator[None]:
    """Allow saves without a per-record entry, for bulk loaders that log one summary entry themselves.

    ``reason`` is required so that every use says why it may skip per-record entries.
    """
    if not reason.strip():
        raise ValueError("system_writes needs a reason")
    with _allow_writes():
        yield
