"""Fixtures of the enforcement tests: a grid with key and general sources and its officers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from epb.core.choices import Role
from epb.testing.factories import make_enterprise, make_user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def jpeg(name: str = "photo.jpg") -> Any:
    data = io.BytesIO(JPEG)
    data.name = name
    return data


@dataclass
class World:
    tree: Any
    manager: Any  # district bureau staff of district A
    officer: Any  # grid officer of town A1
    officer2: Any  # a second grid officer of town A1
    key: Any  # a key source in town A1 (lead-related)
    general: list[Any]
    ent_user: Any  # an account of the key source


@pytest.fixture
def world(tree: Any, district_officer: Any, grid_officer: Any) -> World:
    key = make_enterprise(
        tree.town_a1, source_class="key", flags=["lead", "heavy_metal"], industry_code="3843"
    )
    general = [make_enterprise(tree.town_a1, industry_code="1713") for _ in range(5)]
    officer2 = make_user(Role.GRID_OFFICER, tree.town_a1)
    ent_user = make_user(Role.ENTERPRISE)
    key.members.add(ent_user)
    return World(tree, district_officer, grid_officer, officer2, key, general, ent_user)
