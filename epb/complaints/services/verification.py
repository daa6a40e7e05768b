"""Verifying a real-name complainant's phone by SMS code.

Codes expire, are limited per phone and per address, allow a few wrong tries, and are stored only
as keyed hashes (HMAC with the site's secret), as are the phone and the address they belong to.
The text goes out through the platform's SMS back end (``settings.EPB_SMS_BACKEND``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.complaints.conf import setting
from epb.complaints.models import PhoneVerification
from epb.complaints.services.common import _sms_backend
from epb.lib.codes import check_mobile

logger = logging.getLogger("epb.complaints")


def _key(kind: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"complaints:{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def parse_phone(text: str) -> str:
    result = check_mobile(text)
    if not result.valid:
        raise ValidationError({"phone": result.message or _("请填写正确的手机号码")})
    return result.normalized


def send_code(phone_text: str, *, ip: str | None, now: dt.datetime | None = None) -> str:
    """Send a six-digit code to the phone; returns the normalised number. Raises ValidationError
    (with the wait) when a limit is reached."""
    phone = parse_phone(phone_text)
    now = now or timezone.now()
    phone_key, ip_key = _key("phone", phone), _key("ip", ip or "")
    hour_ago = now - dt.timedelta(hours=1)
    last = PhoneVerification.objects.filter(phone_key=phone_key).order_by("-created_at").first()
    interval = setting("COMPLAINTS_SMS_PHONE_INTERVAL_SECONDS")
    if last is not None and (now - last.created_at).total_seconds() < interval:
        wait = interval - int((now - last.created_at).total_seconds())
        raise ValidationError({"phone": _("验证码已发送，请%(s)d秒后再获取") % {"s": max(1, wait)}})
    if PhoneVerification.objects.filter(phone_key=phone_key, created_at__gte=hour_ago).count() >= setting(
        "COMPLAINTS_SMS_PHONE_PER_HOUR"
    ):
        raise ValidationError({"phone": _("该号码获取验证码过于频繁，请一小时后再试")})
    if PhoneVerification.objects.filter(ip_key=ip_key, created_at__gte=hour_ago).count() >= setting(
        "COMPLAINTS_SMS_IP_PER_HOUR"
    ):
        raise ValidationError({"phone": _("获取验证码过于频繁，请稍后再试")})
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = setting("COMPLAINTS_SMS_CODE_TTL_SECONDS")
    PhoneVerification.objects.create(
        phone_key=phone_key,
        ip_key=ip_key,
        code_hash=_key("code", f"{phone}:{code}"),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=ttl),
    )
    # Rows older than a day serve no limit any more.
    PhoneVerification.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    text = _("【%(site)s】您的12369举报验证码为%(code)s，%(m)d分钟内有效。请勿告诉他人。") % {
        "site": settings.SITE_NAME,
        "code": code,
        "m": max(1, ttl // 60),
    }
    try:
        _sms_backend().send(phone, text)
    except Exception:
        logger.exception("verification SMS failed")
        raise ValidationError({"phone": _("短信发送失败，请稍后再试或拨打12369")}) from None
    return phone


def verify_code(phone_text: str, code: str, *, now: dt.datetime | None = None) -> str:
    """Check (and use up) the code sent to the phone; returns the normalised number."""
    phone = parse_phone(phone_text)
    now = now or timezone.now()
    code = code.strip()
    record = (
        PhoneVerification.objects.filter(phone_key=_key("phone", phone), used_at=None, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if record is None:
        raise ValidationError({"sms_code": _("验证码已过期或未获取，请重新获取")})
    if record.attempts >= setting("COMPLAINTS_SMS_CODE_MAX_ATTEMPTS"):
        raise ValidationError({"sms_code": _("验证码错误次数过多，请重新获取")})
    PhoneVerification.objects.filter(pk=record.pk).update(attempts=record.attempts + 1)
    if not hmac.compare_digest(_key("code", f"{phone}:{code}"), record.code_hash):
        raise ValidationError({"sms_code": _("验证码不正确")})
    PhoneVerification.objects.filter(pk=record.pk).update(used_at=now)
    return phone


def release(phone_text: str, *, now: dt.datetime | None = None) -> None:
    """Give back a code that was used by a submission that then failed (e.g. a bad photo), so the
    citizen can correct the form without waiting for a new code."""
    try:
        phone = parse_phone(phone_text)
    except ValidationError:
        return
    now = now or timezone.now()
    record = (
        PhoneVerification.objects.filter(phone_key=_key("phone", phone), expires_at__gt=now)
        .exclude(used_at=None)
        .order_by("-used_at")
        .first()
    )
    if record is not None:
        PhoneVerification.objects.filter(pk=record.pk).update(used_at=None)
