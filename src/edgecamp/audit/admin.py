from django.contrib import admin

from edgecamp.audit.models import AuditEntry
from edgecamp.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, administrators included."""

    list_display = ["at", "actor_name", "source", "action", "model", "object_id", "site_id"]
    list_filter = ["action", "source", "model", "sensitive"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    actions = None
