from __future__ import annotations

from typing import Any

import pytest

from epb.monitoring.centre.handover import HANDOVER


@pytest.fixture(autouse=True)
def _status_written_every_batch(settings: Any) -> None:
    """Tests read DeviceStatus right after a batch: no coalescing unless a test asks for it."""
    settings.HJ212_STATUS_SECONDS = 0


@pytest.fixture(autouse=True)
def _evaluation_at_once(settings: Any) -> Any:
    """The batch hook hands every batch to the (inline) evaluation at once, and starts empty."""
    settings.MONITORING_EVALUATE_SECONDS = 0
    settings.MONITORING_HANDOVER_THREAD = False
    HANDOVER.reset()
    yield
    HANDOVER.reset()
