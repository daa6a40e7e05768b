"""Writes to the registry. Each takes a keyword-only ``actor`` and leaves audit entries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import OrgLevel, Role
from epb.core.models import OrgUnit, User
from epb.enterprises.choices import LicenceStatus
from epb.enterprises.importer import (
    SHEET_CONTACTS,
    SHEET_ENTERPRISES,
    SHEET_LICENCES,
    SHEET_OUTLETS,
    SHEETS,
    ParsedWorkbook,
    RowError,
    parse_workbook,
)
from epb.enterprises.models import Contact, Enterprise, Licence, Outlet

STAFF_ROLES = (Role.LEADERSHIP, Role.DEPT_STAFF, Role.DISTRICT_STAFF, Role.GRID_OFFICER)
GRID_LEVELS = (OrgLevel.TOWN, OrgLevel.SUBGRID)


def is_staff(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)
    )


def can_edit_registry(user: Any, enterprise: Enterprise | None = None, grid: OrgUnit | None = None) -> bool:
    """Bureau staff edit the registry within their jurisdiction; grid officers record but do not
    reshape it (they may edit contacts and licences, not create enterprises or move them)."""
    if not is_staff(user):
        return False
    if enterprise is not None and not Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists():
        return False
    if grid is not None and not OrgUnit.objects.visible_to(user).filter(pk=grid.pk).exists():
        return False
    return True


def can_edit_contacts(user: Any, enterprise: Enterprise) -> bool:
    """Staff of the jurisdiction, and the enterprise's own accounts (they know who to call)."""
    if can_edit_registry(user, enterprise):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.role == Role.ENTERPRISE
        and enterprise.members.filter(pk=user.pk).exists()
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("无权修改该企业的档案"))


def _check_grid(grid: OrgUnit) -> None:
    if grid.level not in GRID_LEVELS:
        raise ValidationError({"grid": _("所属网格应为镇（街道）或子网格")})


def create_enterprise(*, actor: User | None, **fields: Any) -> Enterprise:
    grid = fields.get("grid")
    if actor is not None:
        _require(can_edit_registry(actor, grid=grid) and actor.role != Role.GRID_OFFICER)
    if grid is not None:
        _check_grid(grid)
    return audit.create(Enterprise, actor=actor, **fields)


def update_enterprise(enterprise: Enterprise, *, actor: User | None, **changes: Any) -> Enterprise:
    if actor is not None:
        _require(can_edit_registry(actor, enterprise))
        if "grid" in changes and changes["grid"] != enterprise.grid:
            _require(can_edit_registry(actor, grid=changes["grid"]) and actor.role != Role.GRID_OFFICER)
    if changes.get("grid") is not None:
        _check_grid(changes["grid"])
    return audit.update(enterprise, actor=actor, **changes)


def add_licence(enterprise: Enterprise, *, actor: User | None, **fields: Any) -> Licence:
    if actor is not None:
        _require(can_edit_registry(actor, enterprise))
    return audit.create(Licence, actor=actor, enterprise=enterprise, **fields)


def update_licence(licence: Licence, *, actor: User | None, **changes: Any) -> Licence:
    if actor is not None:
        _require(can_edit_registry(actor, licence.enterprise))
    if "expires_on" in changes and changes["expires_on"] != licence.expires_on:
        changes["warnings_sent"] = []  # a renewed licence is warned afresh before its new expiry
    return audit.update(licence, actor=actor, **changes)


def set_licence_status(licence: Licence, status: str, *, actor: User | None, reason: str) -> Licence:
    """Suspend, revoke, cancel or restore a licence; the reason goes into the audit log."""
    if not reason.strip():
        raise ValidationError(_("请说明原因"))
    if actor is not None:
        _require(can_edit_registry(actor, licence.enterprise))
    return audit.update(
        licence,
        actor=actor,
        action=f"enterprises.licence.{LicenceStatus(status)}",
        note=reason,
        status=status,
    )


def add_contact(enterprise: Enterprise, *, actor: User | None, **fields: Any) -> Contact:
    if actor is not None:
        _require(can_edit_contacts(actor, enterprise))
    return audit.create(Contact, actor=actor, enterprise=enterprise, **fields)


def update_contact(contact: Contact, *, actor: User | None, **changes: Any) -> Contact:
    if actor is not None:
        _require(can_edit_contacts(actor, contact.enterprise))
    return audit.update(contact, actor=actor, **changes)


# -- licence expiry warnings ------------------------------------------------------------------


def warn_expiring_licences(today: dt.date | None = None) -> int:
    """Warn holders and supervisors once per threshold before a valid licence expires. Idempotent."""
    from epb.core.notify import notify
    from epb.enterprises.conf import warning_days
    from epb.enterprises.rules import warning_due

    today = today or timezone.localdate()
    thresholds = warning_days()
    horizon = today + dt.timedelta(days=max(thresholds))
    sent = 0
    candidates = Licence.objects.filter(
        status=LicenceStatus.VALID, expires_on__gte=today, expires_on__lte=horizon
    ).select_related("enterprise__grid")
    for licence in candidates:
        assert licence.expires_on is not None
        threshold = warning_due(licence.expires_on, today, thresholds, licence.warnings_sent)
        if threshold is None:
            continue
        enterprise = licence.enterprise
        supervisors = User.objects.filter(
            is_active=True,
            role__in=(Role.GRID_OFFICER, Role.DISTRICT_STAFF),
            org_unit__in=[u.pk for u in enterprise.grid.ancestors()],
        )
        days_left = (licence.expires_on - today).days
        with transaction.atomic():
            notify(
                [*enterprise.members.filter(is_active=True), *supervisors],
                kind="enterprises.licence_expiring",
                title=_("%(licence)s 将于 %(date)s 到期（剩 %(days)d 天）")
                % {"licence": licence, "date": licence.expires_on, "days": days_left},
                body=_("%(enterprise)s：请及时办理延续。") % {"enterprise": enterprise.name},
                url=enterprise.get_absolute_url(),
                subject=licence,
            )
            audit.update(
                licence,
                actor=None,
                action="enterprises.licence.expiry_warned",
                warnings_sent=sorted({*licence.warnings_sent, threshold}, reverse=True),
            )
        sent += 1
    return sent


# -- import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[tuple[str, int, int]]:
        """(sheet, created, updated) for the report page (a template cannot iterate a Counter)."""
        return [
            (sheet, self.created[sheet], self.updated[sheet])
            for sheet in SHEETS
            if sheet in self.created or sheet in self.updated
        ]


def _grid_resolver(actor: User | None) -> Any:
    units = OrgUnit.objects.filter(level__in=GRID_LEVELS, is_active=True)
    if actor is not None:
        units = units.visible_to(actor)
    by_code = {u.code: u.pk for u in units}
    by_name: dict[str, list[int]] = {}
    for unit in units:
        by_name.setdefault(unit.name, []).append(unit.pk)

    def resolve(text: str) -> tuple[int | None, str]:
        if text in by_code:
            return by_code[text], ""
        found = by_name.get(text, [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _("“%(name)s”有重名，请填写区划代码") % {"name": text}
        return None, _("找不到网格“%(name)s”（或不在您的辖区内）") % {"name": text}

    return resolve, set(by_code.values())


def import_registry(upload: IO[bytes], *, actor: User | None, filename: str = "") -> ImportReport:
    """Import the registry workbook: all rows or none. Returns the report of what was done or why not."""
    from epb.core.geography import invalidate_grid_index, locate

    if actor is not None and not is_staff(actor):
        raise PermissionDenied(_("无权导入污染源档案"))
    if actor is not None and actor.role == Role.GRID_OFFICER:
        raise PermissionDenied(_("网格监察员不能批量导入档案，请联系辖市区环保局"))
    resolve, allowed_grids = _grid_resolver(actor)
    invalidate_grid_index()  # an import is rare and must see grids drawn a moment ago

    def locate_visible(lon: float, lat: float) -> int | None:
        unit = locate(lon, lat)
        return unit.pk if unit is not None and unit.pk in allowed_grids else None

    parsed = parse_workbook(upload, resolve_grid=resolve, locate=locate_visible)
    report = ImportReport(
        errors=list(parsed.errors), rows=parsed.row_count, ignored_columns=list(parsed.ignored_columns)
    )
    existing = _check_against_database(parsed, actor, report)
    if report.errors:
        order = ["", *SHEETS]
        report.errors.sort(key=lambda e: (order.index(e.sheet) if e.sheet in order else len(order), e.row))
        return report
    try:
        with transaction.atomic():
            _write(parsed, existing, actor, report)
            audit.log(
                "enterprises.import.completed",
                None,
                actor=actor,
                note=filename,
                extra={"created": dict(report.created), "updated": dict(report.updated), "rows": report.rows},
            )
    except (ValidationError, IntegrityError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.errors.append(
            RowError("", 0, "", _("写入时出错，已全部撤销：%(m)s") % {"m": "；".join(messages)})
        )
        report.created.clear()
        report.updated.clear()
    return report


def _check_against_database(
    parsed: ParsedWorkbook, actor: User | None, report: ImportReport
) -> dict[str, Any]:
    usccs = {r.values["uscc"] for r in parsed.enterprises} | {
        r.values["uscc"] for rows in (parsed.outlets, parsed.licences, parsed.contacts) for r in rows
    }
    stored = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs).select_related("grid")}
    visible = (
        set(stored)
        if actor is None
        else set(Enterprise.objects.visible_to(actor).filter(uscc__in=usccs).values_list("uscc", flat=True))
    )
    in_file = {r.values["uscc"] for r in parsed.enterprises}
    for row in parsed.enterprises:
        uscc = row.values["uscc"]
        if uscc in stored and uscc not in visible:
            report.errors.append(
                RowError(row.sheet, row.row, "统一社会信用代码", _("该企业已在其他辖区登记，无权修改"))
            )
        if uscc not in stored and row.values["grid_id"] is None:
            report.errors.append(RowError(row.sheet, row.row, "所属网格", _("新企业须填写所属网格或经纬度")))
    for rows in (parsed.outlets, parsed.licences, parsed.contacts):
        for row in rows:
            uscc = row.values["uscc"]
            if uscc not in in_file and uscc not in visible:
                report.errors.append(
                    RowError(
                        row.sheet, row.row, "统一社会信用代码", _("企业表和档案中都没有此信用代码的企业")
                    )
                )
    licence_keys = {(r.values["kind"], r.values["number"]) for r in parsed.licences}
    stored_licences = {
        (lic.kind, lic.number): lic
        for lic in Licence.objects.filter(number__in=[n for _k, n in licence_keys]).select_related(
            "enterprise"
        )
        if (lic.kind, lic.number) in licence_keys
    }
    for row in parsed.licences:
        found = stored_licences.get((row.values["kind"], row.values["number"]))
        if found is not None and found.enterprise.uscc != row.values["uscc"]:
            report.errors.append(
                RowError(
                    row.sheet,
                    row.row,
                    "证书编号",
                    _("该证书编号已登记在“%(name)s”名下") % {"name": found.enterprise.name},
                )
            )
    return {"enterprises": stored, "licences": stored_licences}


_ENTERPRISE_FIELDS = (
    "name",
    "address",
    "industry_code",
    "industry",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "longitude",
    "latitude",
    "source_class",
    "status",
    "flags",
)


def _write(
    parsed: ParsedWorkbook, existing: dict[str, Any], actor: User | None, report: ImportReport
) -> None:
    enterprises: dict[str, Enterprise] = dict(existing["enterprises"])
    grids = {
        u.pk: u for u in OrgUnit.objects.filter(pk__in={r.values["grid_id"] for r in parsed.enterprises})
    }
    for row in parsed.enterprises:
        v = row.values
        grid = grids.get(v["grid_id"]) if v["grid_id"] else None
        current = enterprises.get(v["uscc"])
        try:
            if current is None:
                fields = {k: v[k] for k in _ENTERPRISE_FIELDS if v.get(k) not in (None, "")}
                enterprises[v["uscc"]] = audit.create(
                    Enterprise,
                    actor=actor,
                    action="enterprises.enterprise.imported",
                    uscc=v["uscc"],
                    grid=grid,
                    **fields,
                )
                report.created[SHEET_ENTERPRISES] += 1
            else:
                changes = {
                    k: v[k]
                    for k in _ENTERPRISE_FIELDS
                    if v.get(k) not in (None, "") and getattr(current, k) != v[k]
                }
                if grid is not None and grid != current.grid:
                    changes["grid"] = grid
                if changes:
                    audit.update(
                        current, actor=actor, action="enterprises.enterprise.import_updated", **changes
                    )
                    report.updated[SHEET_ENTERPRISES] += 1
        except ValidationError as exc:
            raise ValidationError(f"{row.sheet} 第{row.row}行：{'；'.join(exc.messages)}") from None
    for row in parsed.outlets:
        v = row.values
        enterprise = enterprises[v["uscc"]]
        outlet = Outlet.objects.filter(enterprise=enterprise, code=v["code"]).first()
        fields = {
            k: v[k]
            for k in ("name", "kind", "standard", "standard_class", "reference_o2", "longitude", "latitude")
        }
        _upsert(
            Outlet, outlet, row, actor, report, SHEET_OUTLETS, enterprise=enterprise, code=v["code"], **fields
        )
    for row in parsed.licences:
        v = row.values
        licence = existing["licences"].get((v["kind"], v["number"]))
        fields = {k: v[k] for k in ("issuer", "issued_on", "expires_on", "status", "scope")}
        if licence is not None and fields["expires_on"] != licence.expires_on:
            fields["warnings_sent"] = []
        _upsert(
            Licence,
            licence,
            row,
            actor,
            report,
            SHEET_LICENCES,
            enterprise=enterprises[v["uscc"]],
            kind=v["kind"],
            number=v["number"],
            **fields,
        )
    for row in parsed.contacts:
        v = row.values
        enterprise = enterprises[v["uscc"]]
        contact = Contact.objects.filter(enterprise=enterprise, name=v["name"], role=v["role"]).first()
        fields = {k: v[k] for k in ("title", "phone", "mobile", "email")}
        _upsert(
            Contact,
            contact,
            row,
            actor,
            report,
            SHEET_CONTACTS,
            enterprise=enterprise,
            name=v["name"],
            role=v["role"],
            **fields,
        )


def _upsert(
    model: Any, current: Any, row: Any, actor: User | None, report: ImportReport, key: str, **fields: Any
) -> None:
    label = model._meta.model_name
    try:
        if current is None:
            audit.create(model, actor=actor, action=f"enterprises.{label}.imported", **fields)
            report.created[key] += 1
        else:
            changes = {k: v for k, v in fields.items() if getattr(current, k) != v}
            if changes:
                audit.update(current, actor=actor, action=f"enterprises.{label}.import_updated", **changes)
                report.updated[key] += 1
    except ValidationError as exc:
        raise ValidationError(f"{row.sheet} 第{row.row}行：{'；'.join(exc.messages)}") from None
