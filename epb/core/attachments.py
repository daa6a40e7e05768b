"""Evidence files: one way in, with a content hash, the uploader, and optional time and place."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.models import Attachment, OrgUnit, User

# What a bureau exchanges as evidence; anything else is refused with a clear message.
ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword",
    "application/vnd.ms-excel",
    "text/plain",
    "text/csv",
    "audio/mpeg",
    "audio/wav",
    "video/mp4",
}
_MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
]


def _sniff(head: bytes, name: str) -> str:
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    guessed, _enc = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def attach(
    owner: models.Model,
    upload: IO[bytes],
    *,
    actor: User | None,
    name: str,
    taken_at: dt.datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    note: str = "",
    org_unit: OrgUnit | None = None,
    is_public: bool = False,
) -> Attachment:
    data = upload.read(settings.EPB_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.EPB_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件过大（上限 %(mb)d MB）") % {"mb": settings.EPB_MAX_UPLOAD_BYTES // 2**20}
        )
    if not data:
        raise ValidationError(_("文件为空"))
    mime = _sniff(data[:16], name)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(_("不支持的文件类型：%(mime)s") % {"mime": mime})
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("经纬度须同时提供"))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # type: ignore[operator]
        raise ValidationError(_("经纬度超出范围"))
    if taken_at is not None and taken_at.tzinfo is None:
        raise ValidationError(_("拍摄时间须带时区"))
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk),
        sha256=digest,
        size=len(data),
        original_name=name[:200],
        mime_type=mime,
        uploaded_by=actor,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        note=note,
        org_unit=org_unit,
        is_public=is_public,
    )
    # The same bytes are stored once: a second upload points at the stored file.
    stored = Attachment.objects.filter(sha256=digest).values_list("file", flat=True).first()
    with audit.tracking(attachment, actor=actor, action="core.attachment.added"):
        if stored and attachment.file.storage.exists(stored):
            attachment.file.name = stored
        else:
            attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    return attachment


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk)
    )
