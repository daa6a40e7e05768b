"""The ``epb`` console command.

Subcommands are looked up in ``COMMANDS`` and imported only when called, so that the pure
ones (``hj212 decode``, ``evaluate``) start fast and never set up Django. Anything not listed
is handed to Django's management commands (``epb migrate``, ``epb createsuperuser`` …).
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> (module path, function, one-line help). The function takes the remaining argv.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "epb.core.demo",
        "main",
        "migrate, load demo data, start web + receiver + worker + simulated fleet",
    ),
    "serve": ("epb.core.serve", "main", "run the web server (waitress)"),
    "worker": ("epb.core.worker", "main", "run background tasks and the periodic scheduler"),
    "receiver": ("epb.monitoring.receiver_cli", "main", "run the HJ 212 receiver (--host H --port P)"),
    "simulate": ("epb.monitoring.simulator", "main", "simulate a fleet of HJ 212 devices"),
    "writer": ("epb.monitoring.writer", "main", "scaled mode: store packets from NATS JetStream"),
    "hj212": ("epb.hj212.cli", "main", "HJ 212 tools: `epb hj212 decode` reads frames on stdin"),
    "evaluate": ("epb.standards.cli", "main", "evaluate JSON lines on stdin: aqi | water | noise | …"),
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epb.settings")
    import django

    django.setup()


def _usage() -> str:
    lines = ["usage: epb <command> [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_}" for name, (_m, _f, help_) in COMMANDS.items()]
    lines.append("  <other>    any Django management command (migrate, createsuperuser, …)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name in COMMANDS:
        module_name, func_name, _help = COMMANDS[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                print(f"epb {name}: not available in this build ({module_name} is missing)", file=sys.stderr)
                return 2
            raise
        result = getattr(module, func_name)(rest)
        return int(result or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epb.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["epb", *args])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
