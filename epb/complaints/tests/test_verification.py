"""SMS verification of a real-name complainant's phone: expiry, limits per phone and per address,
wrong tries, and nothing stored in clear."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from epb.complaints.models import PhoneVerification
from epb.complaints.services import verification
from epb.complaints.tests.conftest import sms_to

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def last_code(phone: str = PHONE) -> str:
    match = re.search(r"验证码为(\d{6})", sms_to(phone)[-1])
    assert match is not None
    return match.group(1)


def test_a_code_is_sent_and_stored_only_as_hashes() -> None:
    assert verification.send_code("+86 139-1234-5678", ip="10.0.0.1") == PHONE
    code = last_code()
    row = PhoneVerification.objects.get()
    stored = " ".join(str(v) for v in (row.phone_key, row.ip_key, row.code_hash))
    assert PHONE not in stored and code not in stored and "10.0.0.1" not in stored
    assert verification.verify_code(PHONE, code) == PHONE
    with pytest.raises(ValidationError):  # used up
        verification.verify_code(PHONE, code)


@pytest.mark.parametrize("phone", ["", "12345", "23912345678", "1391234567x"])
def test_a_bad_number_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError) as raised:
        verification.send_code(phone, ip="10.0.0.1")
    assert "phone" in raised.value.message_dict
    assert not PhoneVerification.objects.exists()


def test_codes_expire() -> None:
    now = timezone.now()
    verification.send_code(PHONE, ip="10.0.0.1", now=now)
    with pytest.raises(ValidationError, match="过期"):
        verification.verify_code(PHONE, last_code(), now=now + dt.timedelta(minutes=11))


def test_wrong_tries_are_limited() -> None:
    verification.send_code(PHONE, ip="10.0.0.1")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        with pytest.raises(ValidationError, match="不正确"):
            verification.verify_code(PHONE, wrong)
    with pytest.raises(ValidationError, match="次数过多"):
        verification.verify_code(PHONE, code)


def test_limits_per_phone() -> None:
    start = timezone.now()
    verification.send_code(PHONE, ip="10.0.0.1", now=start)
    with pytest.raises(ValidationError, match="秒后"):
        verification.send_code(PHONE, ip="10.0.0.2", now=start + dt.timedelta(seconds=30))
    for i in range(1, 5):
        verification.send_code(PHONE, ip="10.0.0.1", now=start + dt.timedelta(seconds=61 * i))
    with pytest.raises(ValidationError, match="一小时"):
        verification.send_code(PHONE, ip="10.0.0.9", now=start + dt.timedelta(seconds=61 * 5))
    verification.send_code(PHONE, ip="10.0.0.1", now=start + dt.timedelta(minutes=61, seconds=30))


def test_limits_per_address(settings: Any) -> None:
    settings.COMPLAINTS_SMS_IP_PER_HOUR = 2
    verification.send_code("13900000001", ip="10.0.0.7")
    verification.send_code("13900000002", ip="10.0.0.7")
    with pytest.raises(ValidationError, match="频繁"):
        verification.send_code("13900000003", ip="10.0.0.7")
    verification.send_code("13900000003", ip="10.0.0.8")


def test_a_code_used_by_a_failed_submission_can_be_given_back() -> None:
    verification.send_code(PHONE, ip="10.0.0.1")
    code = last_code()
    verification.verify_code(PHONE, code)
    verification.release(PHONE)
    assert verification.verify_code(PHONE, code) == PHONE
