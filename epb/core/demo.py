"""``epb demo``: migrate, load demo data, start web + receiver + worker + a simulated device fleet.

A second run skips what is already done: migrations that are applied and data that is loaded.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Mapping


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def child_env(base: Mapping[str, str], host: str, port: int) -> dict[str, str]:
    """The environment of the processes the demo starts.

    Links in notifications (e-mail, SMS, WeChat) point at the web server the demo starts,
    unless ``SITE_URL`` is set."""
    env = dict(base, PYTHONUNBUFFERED="1")
    env.setdefault("SITE_URL", f"http://{host}:{port}")
    return env


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="epb demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--hj212-port", type=int, default=9212)
    parser.add_argument("--devices", type=int, default=20, help="simulated devices (0: none)")
    parser.add_argument("--setup-only", action="store_true", help="migrate and load data, start nothing")
    args = parser.parse_args(argv)

    from epb.cli import setup_django

    setup_django()
    from django.core.management import call_command

    print("== preparing the database", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo")
    if args.setup_only:
        _banner(args, [])
        return 0

    python = [sys.executable, "-m", "epb.cli"]
    env = child_env(os.environ, args.host, args.port)
    commands = [["serve", "--host", args.host, "--port", str(args.port)], ["worker"]]
    if _has("epb.monitoring.receiver_cli"):
        commands.append(["receiver", "--host", "127.0.0.1", "--port", str(args.hj212_port)])
        if args.devices and _has("epb.monitoring.simulator"):
            commands.append(
                [
                    "simulate",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(args.hj212_port),
                    "--devices",
                    str(args.devices),
                    "--rate",
                    "1",
                    "--from-registry",
                ]
            )
    children = [subprocess.Popen(python + cmd, env=env) for cmd in commands]
    _banner(args, [cmd[0] for cmd in commands])

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed else 0


def _columns(text: str) -> int:
    """Terminal columns of ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _banner(args: argparse.Namespace, started: list[str]) -> None:
    from epb.core.demo_data import DEMO_PASSWORD, logins

    url = f"http://{args.host}:{args.port}/"
    lines = [
        "",
        "=" * 64,
        f" epb demo: {url}",
        f"   staff login: {url}accounts/login/",
        f"   API health:  {url}api/v1/health",
    ]
    if "receiver" in started:
        lines.append(f"   HJ 212 receiver: tcp://127.0.0.1:{args.hj212_port}")
    lines.append(f"   running: {', '.join(started) or 'nothing (setup only)'}")
    lines.append(f" demo logins (password for all: {DEMO_PASSWORD}):")
    width = max((_columns(role) for _, role, _ in logins()), default=0) + 2
    lines += [
        f"   {username:<12} {role}{' ' * (width - _columns(role))}{name}" for username, role, name in logins()
    ]
    lines.append("=" * 64)
    print("\n".join(lines), flush=True)
