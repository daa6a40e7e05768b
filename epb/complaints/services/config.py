"""Editing the centre's reference data (routing table, reply templates, 不予受理 reasons, outside
bodies), audited like any regulatory record. Leadership and the centre's operators may edit."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from epb.complaints.services.common import is_centre, require
from epb.core import audit
from epb.core.models import User


def save_reference(model: type[models.Model], *, actor: User, instance: Any = None, **fields: Any) -> Any:
    require(is_centre(actor), _("只有局领导和信访中心可以修改配置"))
    if instance is None:
        return audit.create(model, actor=actor, **fields)
    return audit.update(instance, actor=actor, **fields)
