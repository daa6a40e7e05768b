from __future__ import annotations

import pytest

from epb.lib.env import SettingError, env_bool, env_float, env_int, env_list, env_str, parse_database_url


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("X", raw)
    assert env_bool("X") is expected


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X", "maybe")
    with pytest.raises(SettingError):
        env_bool("X")
    monkeypatch.setenv("X", "8o")
    with pytest.raises(SettingError):
        env_int("X", 1)
    with pytest.raises(SettingError):
        env_float("X", 1.0)


def test_defaults_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X", raising=False)
    assert env_int("X", 7) == 7 and env_float("X", 1.5) == 1.5 and env_bool("X", True) is True
    assert env_list("X", ["a"]) == ["a"]
    monkeypatch.setenv("X", " a, b ,,c ")
    assert env_list("X") == ["a", "b", "c"]


def test_secret_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    secret = tmp_path / "s"  # type: ignore[operator]
    secret.write_text("s3cret\n")
    monkeypatch.delenv("SECRET", raising=False)
    monkeypatch.setenv("SECRET_FILE", str(secret))
    assert env_str("SECRET") == "s3cret"
    monkeypatch.setenv("SECRET_FILE", str(secret) + ".missing")
    with pytest.raises(SettingError):
        env_str("SECRET")


@pytest.mark.parametrize(
    ("url", "engine", "name", "host", "port", "user"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/epb",
            "django.db.backends.postgresql",
            "epb",
            "127.0.0.1",
            "5432",
            "postgres",
        ),
        (
            "postgresql://u:p%40ss@db/epb%2Dprod?sslmode=require",
            "django.db.backends.postgresql",
            "epb-prod",
            "db",
            "",
            "u",
        ),
        ("sqlite:///var/x.sqlite3", "django.db.backends.sqlite3", "var/x.sqlite3", "", "", ""),
        ("sqlite:////tmp/x.sqlite3", "django.db.backends.sqlite3", "/tmp/x.sqlite3", "", "", ""),
    ],
)
def test_database_urls(url: str, engine: str, name: str, host: str, port: str, user: str) -> None:
    parsed = parse_database_url(url)
    assert (parsed.engine, parsed.name, parsed.host, parsed.port, parsed.user) == (
        engine,
        name,
        host,
        port,
        user,
    )


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_bad_database_urls(url: str) -> None:
    with pytest.raises(SettingError):
        parse_database_url(url)


def test_password_is_unquoted() -> None:
    assert parse_database_url("postgresql://u:p%40ss@db/epb").password == "p@ss"
