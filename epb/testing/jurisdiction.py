"""The registry behind the generated jurisdiction tests.

Every model with a ``jurisdiction`` Scope must have a factory here, registered from its app's
``tests/factories.py`` with ``@jurisdiction_factory(Model)``. The factory receives a placement (a
grid unit, an enterprise in that grid and a user) and returns a record placed there: in the grid,
of the enterprise, owned by the user, as the model's Scope allows, and not published where the
model has a notion of publishing. ``epb/core/tests/test_jurisdiction.py`` then checks, for every such model,
that a district sees its own records and gets 404 for the other district's, that a grid officer
and an enterprise see only theirs, and that the owner of a record sees it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from epb.core.models import OrgUnit, User


@dataclass
class Placement:
    grid: OrgUnit
    enterprise: Any
    owner: User


Factory = Callable[[Placement], models.Model]
FACTORIES: dict[type[models.Model], Factory] = {}


def jurisdiction_factory(model: type[models.Model]) -> Callable[[Factory], Factory]:
    def register(func: Factory) -> Factory:
        FACTORIES[model] = func
        return func

    return register


def load_all() -> dict[type[models.Model], Factory]:
    """Import every installed epb app's ``tests/factories.py`` so its factories register."""
    for config in apps.get_app_configs():
        if config.name.startswith("epb."):
            try:
                importlib.import_module(f"{config.name}.tests.factories")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tests.factories" and exc.name != f"{config.name}.tests":
                    raise
    return FACTORIES
