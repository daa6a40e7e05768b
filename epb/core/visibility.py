"""The one jurisdiction filter.

Every list, detail view, export, API call and task that reads records a user may not be allowed
to see goes through ``Model.objects.visible_to(user)`` (or ``get_visible_or_404``). A model says
*where* its jurisdiction lives with a ``jurisdiction = Scope(...)`` class attribute; this module
decides *who* sees what, in one place, one condition per line so that tests cover each branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

from epb.core.choices import OrgLevel, Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Where a model's jurisdiction lives.

    ``org_unit``: lookup path to the OrgUnit that places the record in the tree ("" when the model
    is OrgUnit itself; None when the record has no place in the tree).
    ``enterprise``: lookup path to the Enterprise the record belongs to ("" when the model is
    Enterprise itself), which is how enterprise users see their own data.
    ``public``: the rows the public may see (None: nothing).
    ``owner``: lookup path to a user who always sees the row (the recipient of a notification,
    the citizen who filed a complaint).
    """

    org_unit: str | None = None
    enterprise: str | None = None
    public: Q | None = None
    owner: str | None = None

    def lookup(self, path: str, field: str) -> str:
        return f"{path}__{field}" if path else field


def _is_citywide(user: Any) -> bool:
    if user.is_superuser:
        return True
    if user.role == Role.LEADERSHIP:
        return True
    if user.role == Role.DEPT_STAFF and (user.org_unit_id is None or user.org_unit.level == OrgLevel.CITY):
        return True
    return False


def jurisdiction_q(scope: Scope, user: Any) -> Q | None:
    """The filter for ``user`` on a model with ``scope``; None means no restriction."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated:
        return scope.public if scope.public is not None else nothing
    if not user.is_active:
        return nothing
    if _is_citywide(user):
        return None
    owned = Q(**{scope.owner: user.pk}) if scope.owner else nothing
    role = getattr(user, "role", Role.PUBLIC)
    if role in (Role.DEPT_STAFF, Role.DISTRICT_STAFF, Role.GRID_OFFICER):
        if scope.org_unit is None or user.org_unit_id is None:
            return owned
        return Q(**{scope.lookup(scope.org_unit, "path__startswith"): user.org_unit.path}) | owned
    if role == Role.ENTERPRISE:
        if scope.enterprise is None:
            return owned
        return Q(**{scope.lookup(scope.enterprise, "members"): user}) | owned
    public = scope.public if scope.public is not None else nothing
    return public | owned


class VisibleQuerySet(models.QuerySet[M]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> VisibleQuerySet[M]:
        scope: Scope = self.model.jurisdiction  # type: ignore[attr-defined]
        condition = jurisdiction_q(scope, user)
        if condition is None:
            return self.all()
        # A user is a member of an enterprise at most once, so the many-to-many join in the
        # enterprise branch cannot repeat rows and no distinct() is needed.
        return self.filter(condition)

    def published(self) -> VisibleQuerySet[M]:
        return self.visible_to(AnonymousUser())


def get_visible_or_404(
    model_or_qs: type[M] | models.QuerySet[M], user: AbstractBaseUser | AnonymousUser | None, **lookup: Any
) -> M:
    """Fetch one record the user may see, or 404 — the same answer whether it is missing or hidden."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    try:
        return qs.visible_to(user).get(**lookup)  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def scoped_models() -> list[type[models.Model]]:
    """Every model that declares a jurisdiction: the generated jurisdiction tests cover each one."""
    return [model for model in apps.get_models() if isinstance(getattr(model, "jurisdiction", None), Scope)]
