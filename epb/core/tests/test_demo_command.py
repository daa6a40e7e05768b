"""What `epb demo` hands the processes it starts."""

from __future__ import annotations

import pytest

from epb.core.demo import _columns, child_env


@pytest.mark.parametrize(
    ("base", "port", "site_url"),
    [
        ({}, 8000, "http://127.0.0.1:8000"),
        ({}, 28004, "http://127.0.0.1:28004"),  # links follow --port
        ({"SITE_URL": "https://epb.example.gov.cn"}, 28004, "https://epb.example.gov.cn"),  # set: kept
    ],
)
def test_notification_links_point_at_the_server_the_demo_starts(
    base: dict[str, str], port: int, site_url: str
) -> None:
    env = child_env(base, "127.0.0.1", port)
    assert env["SITE_URL"] == site_url
    assert env["PYTHONUNBUFFERED"] == "1"


@pytest.mark.parametrize(("text", "columns"), [("", 0), ("qiye", 4), ("局领导", 6), ("A类（重点）", 11)])
def test_the_banner_counts_chinese_characters_as_two_columns(text: str, columns: int) -> None:
    assert _columns(text) == columns
