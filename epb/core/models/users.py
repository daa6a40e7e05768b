from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.choices import Role
from epb.core.visibility import Scope, VisibleQuerySet


class EpbUserManager(UserManager["User"]):
    def get_queryset(self) -> VisibleQuerySet[User]:
        return VisibleQuerySet(self.model, using=self._db)

    def visible_to(self, user: object) -> VisibleQuerySet[User]:
        return self.get_queryset().visible_to(user)  # type: ignore[arg-type]


class User(AbstractUser):
    """A person using epb. Role and org unit decide what they see (``epb.core.visibility``)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属辖区或网格"),
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("处室"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)

    jurisdiction = Scope(org_unit="org_unit", owner="pk")
    objects = EpbUserManager()  # type: ignore[misc]  # adds visible_to to Django's manager

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_username()

    @property
    def is_staff_member(self) -> bool:
        """Bureau staff (any level), as opposed to enterprises and the public."""
        return self.is_superuser or self.role in (
            Role.LEADERSHIP,
            Role.DEPT_STAFF,
            Role.DISTRICT_STAFF,
            Role.GRID_OFFICER,
        )

    @property
    def is_leadership(self) -> bool:
        return self.is_superuser or self.role == Role.LEADERSHIP


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    jurisdiction = Scope(org_unit="user__org_unit", owner="user")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw() -> str:
        return "epb_" + secrets.token_urlsafe(32)

    @classmethod
    def hash(cls, raw: str) -> str:
        return _hash_token(raw)

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
