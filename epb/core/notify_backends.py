"""Delivery back ends for notification channels that need an outside gateway.

SMS and WeChat gateways differ per bureau (a carrier's SMS platform, WeChat Work, a provincial
messaging hub), so they sit behind this small interface and are chosen in settings
(``EPB_SMS_BACKEND``, ``EPB_WECHAT_BACKEND``). The defaults only log what they would send.
"""

from __future__ import annotations

import logging
from typing import Protocol

logger = logging.getLogger("epb.notify")


class MessageBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LoggingSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        logger.info("sms to %s: %s", to, text)
        self.sent.append((to, text))


class LoggingWeChatBackend:
    sent: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        logger.info("wechat to %s: %s", to, text)
        self.sent.append((to, text))
