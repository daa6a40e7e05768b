from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet


def evidence_path(instance: Attachment, filename: str) -> str:
    # Content-addressed: the same bytes always land on the same name, different bytes never do,
    # so a stored file can never be overwritten by another.
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}{ext[:10]}"


class Attachment(AuditedModel):
    """A file kept as evidence: photo, letter, report. Never overwritten; only the note may change."""

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    owner_id = models.CharField(max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    original_name = models.CharField(_("文件名"), max_length=200)
    mime_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_public = models.BooleanField(_("公开"), default=False)

    jurisdiction = Scope(org_unit="org_unit", owner="uploaded_by", public=models.Q(is_public=True))
    objects = VisibleQuerySet.as_manager()
    audit_exclude = ("file",)

    class Meta:
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        verbose_name = _("附件与证据")
        verbose_name_plural = _("附件与证据")

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("sha256", flat=True).first()
            if stored is not None and stored != self.sha256:
                raise ValueError("evidence files are never replaced; attach a new file instead")
        super().save(*args, **kwargs)
