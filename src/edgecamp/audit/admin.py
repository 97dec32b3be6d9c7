from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from edgecamp.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, administrators included."""

    list_display = ["at", "actor_name", "source", "action", "model", "object_id", "site_id"]
    list_filter = ["action", "source", "model", "sensitive"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
