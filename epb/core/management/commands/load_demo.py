"""Load reference and demo data: each installed epb app's ``demo.load`` in app order. Idempotent."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load epb demo data (idempotent: what is already there is left alone)."

    def handle(self, *args: Any, **options: Any) -> None:
        modules = ["epb.core.demo_data"]
        for config in apps.get_app_configs():
            if config.name.startswith("epb.") and config.name != "epb.core":
                modules.append(f"{config.name}.demo")
        for name in modules:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
