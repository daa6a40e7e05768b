"""Extra sections of the enterprise page (一企一档), contributed by the apps above the registry.

Monitoring shows the enterprise's devices, enforcement its open rectifications and measures, and
so on, without the registry importing them. Register from ``AppConfig.ready()``::

    from epb.enterprises.sections import Link, Section, register_section

    def devices(enterprise, user):
        rows = [[d.mn, d.outlet.name, Link(_("详情"), d.get_absolute_url())]
                for d in Device.objects.visible_to(user).filter(outlet__enterprise=enterprise)]
        return Section(_("监控设备"), [_("设备编号"), _("排放口"), ""], rows, empty=_("没有设备。"))

    register_section("devices", devices, order=20)

``fn(enterprise, user)`` returns a :class:`Section` or None (nothing to show to this user). It must
read through ``visible_to(user)``: the page is shown to bureau staff and to the enterprise itself.
Cells are plain text (escaped on the page) or :class:`Link`. A section that raises is shown as
unavailable; the rest of the page still renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from epb.enterprises.models import Enterprise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    text: str
    url: str


Cell = str | Link


@dataclass(frozen=True)
class Section:
    """Texts may be lazy translations; they are made plain strings here."""

    title: Any
    columns: Sequence[Any]
    rows: Sequence[Sequence[Any]]
    empty: Any = ""
    more_url: str = ""
    more_label: Any = ""
    error: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", str(self.title))
        object.__setattr__(self, "empty", str(self.empty))
        object.__setattr__(self, "more_label", str(self.more_label))
        object.__setattr__(self, "columns", [str(c) for c in self.columns])
        object.__setattr__(
            self, "rows", [[c if isinstance(c, Link) else str(c) for c in row] for row in self.rows]
        )


SectionFn = Callable[["Enterprise", Any], Section | None]
_SECTIONS: dict[str, tuple[int, SectionFn]] = {}


def register_section(key: str, fn: SectionFn, *, order: int = 100) -> None:
    _SECTIONS[key] = (order, fn)


def unregister_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections_for(enterprise: Enterprise, user: Any) -> list[Section]:
    shown: list[Section] = []
    for key, (_order, fn) in sorted(_SECTIONS.items(), key=lambda item: (item[1][0], item[0])):
        try:
            section = fn(enterprise, user)
        except Exception as exc:  # one broken section must not take the page down
            logger.exception("enterprise section %s failed for enterprise %s", key, enterprise.pk)
            section = Section(key, [], [], error=str(exc) or type(exc).__name__)
        if section is not None:
            shown.append(section)
    return shown
