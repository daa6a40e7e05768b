from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _status_written_every_batch(settings: Any) -> None:
    """Tests read DeviceStatus right after a batch: no coalescing unless a test asks for it."""
    settings.HJ212_STATUS_SECONDS = 0
