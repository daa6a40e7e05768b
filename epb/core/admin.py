"""Django admin for operators. Writes go through the audit layer like any service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from epb.core import audit
from epb.core.models import AuditEntry, Department, HolidayOverride, OrgUnit, User


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes from the admin leave audit entries with the operator as actor."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        verb = "updated" if change else "created"
        action = f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"
        with audit.tracking(obj, actor=request.user, action=action, note="admin"):  # type: ignore[arg-type]
            obj.save()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.delete(obj, actor=request.user, note="admin")  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("name", "code", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "code", "org_unit")


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(AuditedAdmin):
    list_display = ("date", "is_workday", "name", "note")


@admin.register(User)
class EpbUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "org_unit", "department", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("epb", {"fields": ("role", "org_unit", "department", "display_name", "phone", "title")}),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = audit.snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        for snap in (before, after):
            if snap:
                snap["password"] = "***"
        audit.log(
            "core.user.updated" if change else "core.user.created",
            obj,
            actor=request.user,  # type: ignore[arg-type]
            before=before,
            after=after,
            note="admin",
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_repr", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
