from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from epb.core.attachments import attach, attachments_of
from epb.core.models import Attachment, AuditEntry

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_photo_is_kept_with_hash_place_and_time(enterprise: Any, grid_officer: Any, tree: Any) -> None:
    taken = dt.datetime(2026, 5, 6, 9, 30, tzinfo=dt.UTC)
    photo = attach(
        enterprise,
        io.BytesIO(PNG),
        actor=grid_officer,
        name="现场.png",
        taken_at=taken,
        latitude=31.77,
        longitude=119.97,
        org_unit=tree.town_a1,
    )
    assert photo.mime_type == "image/png"
    assert len(photo.sha256) == 64 and photo.file.name.endswith(photo.sha256 + ".png")
    assert list(attachments_of(enterprise)) == [photo]
    assert AuditEntry.objects.filter(action="core.attachment.added", object_id=str(photo.pk)).exists()


@pytest.mark.parametrize(
    ("data", "name", "kwargs", "message"),
    [
        (b"", "a.png", {}, "文件为空"),
        (b"MZ\x90\x00 executable", "a.exe", {}, "不支持的文件类型"),
        (PNG, "a.png", {"latitude": 31.0}, "经纬度须同时提供"),
        (PNG, "a.png", {"latitude": 95.0, "longitude": 120.0}, "经纬度超出范围"),
        (PNG, "a.png", {"taken_at": dt.datetime(2026, 1, 1)}, "拍摄时间须带时区"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    enterprise: Any, data: bytes, name: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        attach(enterprise, io.BytesIO(data), actor=None, name=name, **kwargs)
    assert not Attachment.objects.exists()


def test_too_large_is_refused(enterprise: Any, settings: Any) -> None:
    settings.EPB_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError, match="文件过大"):
        attach(enterprise, io.BytesIO(PNG), actor=None, name="a.png")


def test_evidence_is_never_replaced(enterprise: Any) -> None:
    from epb.core import audit

    photo = attach(enterprise, io.BytesIO(PNG), actor=None, name="a.png")
    with pytest.raises(ValueError, match="never replaced"):
        audit.update(photo, actor=None, sha256="0" * 64)
    photo.refresh_from_db()
    assert photo.sha256 != "0" * 64


def test_download_goes_through_the_jurisdiction_filter(
    client: Any, enterprise: Any, tree: Any, district_officer: Any, other_district_officer: Any
) -> None:
    photo = attach(enterprise, io.BytesIO(PNG), actor=None, name="a.png", org_unit=tree.town_a1)
    client.force_login(other_district_officer)
    assert client.get(f"/files/{photo.pk}/").status_code == 404
    client.force_login(district_officer)
    response = client.get(f"/files/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_the_same_bytes_are_stored_once(enterprise: Any, tree: Any) -> None:
    first = attach(enterprise, io.BytesIO(PNG), actor=None, name="a.png")
    second = attach(tree.town_a1, io.BytesIO(PNG), actor=None, name="b.png")
    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert second.original_name == "b.png"
