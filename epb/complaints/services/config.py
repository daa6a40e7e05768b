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


def ensure_reference_data(*, actor: User | None = None) -> int:
    """Create whatever is missing of the seeded reference data (taxonomy, outside bodies, routing
    table, 不予受理 reasons, reply templates) from ``epb.complaints.reference``; rows that exist,
    edited or not, are left alone. Returns how many rows were created; one audit entry says so.

    The migration seeds a new database; this restores the defaults after a table was emptied
    (a flushed test database, a mistaken bulk delete)."""
    from django.db import transaction

    from epb.complaints import reference
    from epb.complaints.models import DeclineReason, ExternalAgency, PollutionType, ReplyTemplate, RoutingRule

    created = 0
    with transaction.atomic(), audit.system_writes("reference data of the 12369 centre; one summary entry"):
        for order, (code, name, subs) in enumerate(reference.TAXONOMY):
            parent, made = PollutionType.objects.get_or_create(
                code=code,
                defaults={"name": name, "sort_order": order * 100, "description": reference.TAXONOMY_SOURCE},
            )
            created += made
            for index, (sub_code, sub_name) in enumerate(subs, start=1):
                _sub, made = PollutionType.objects.get_or_create(
                    code=sub_code,
                    defaults={"name": sub_name, "parent": parent, "sort_order": order * 100 + index},
                )
                created += made
        for code, name in reference.AGENCIES:
            created += ExternalAgency.objects.get_or_create(code=code, defaults={"name": name})[1]
        for type_code, department, agency, note in reference.ROUTING:
            created += RoutingRule.objects.get_or_create(
                pollution_type=PollutionType.objects.get(code=type_code),
                defaults={
                    "department_code": department,
                    "agency": ExternalAgency.objects.filter(code=agency).first() if agency else None,
                    "note": note,
                },
            )[1]
        for order, (code, label, guidance, source) in enumerate(reference.DECLINE_REASONS):
            created += DeclineReason.objects.get_or_create(
                code=code,
                defaults={"label": label, "guidance": guidance, "source": source, "sort_order": order},
            )[1]
        for name, kind, type_code, text in reference.REPLY_TEMPLATES:
            created += ReplyTemplate.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "text": text,
                    "pollution_type": PollutionType.objects.filter(code=type_code).first()
                    if type_code
                    else None,
                },
            )[1]
        if created:
            audit.log("complaints.reference.seeded", None, actor=actor, extra={"created": created})
    return created
