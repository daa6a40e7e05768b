"""The organisation tree: city → district (or county-level city) → town/street (the grid unit) → sub-grid."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.choices import OrgLevel
from epb.core.visibility import Scope, VisibleQuerySet


class OrgUnit(AuditedModel):
    level = models.CharField(_("层级"), max_length=16, choices=OrgLevel.choices)
    code = models.CharField(_("区划代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    # Materialised path of primary keys ("/1/4/17/"): a subtree is one indexed prefix match,
    # which is what the jurisdiction filter runs on every query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # Optional GeoJSON geometry (WGS-84) used to route a location to its grid unit.
    geometry = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    jurisdiction = Scope(org_unit="", public=models.Q(is_active=True))
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["path", "sort_order"]
        verbose_name = _("行政区划与网格")
        verbose_name_plural = _("行政区划与网格")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        expected = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if self.path != expected:
            self.path = expected
            super().save(update_fields=["path"])

    def ancestors(self) -> list[OrgUnit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=ids)}
        return [units[pk] for pk in ids if pk in units]

    def district(self) -> OrgUnit | None:
        return next((unit for unit in self.ancestors() if unit.level == OrgLevel.DISTRICT), None)

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    def full_name(self) -> str:
        return " / ".join(unit.name for unit in self.ancestors() if unit.level != OrgLevel.CITY)


class Department(AuditedModel):
    """A division of the bureau (处室) or a unit directly under it (直属单位)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属机关")
    )
    duties = models.TextField(_("职责"), blank=True)

    jurisdiction = Scope(org_unit="org_unit", public=models.Q())
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["org_unit__path", "code"]
        verbose_name = _("处室")
        verbose_name_plural = _("处室")

    def __str__(self) -> str:
        return self.name
