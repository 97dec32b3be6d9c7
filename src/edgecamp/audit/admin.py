from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from edgecamp.audit import queries
from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import scope_for
from edgecamp.core.admin import ReadOnlyAdmin

# What an entry about protection data hides from everyone but protection officers.
_ABOUT_WHICH_RECORD = ("object_id", "object_repr", "changes")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, administrators included. The
    entries are those the audit log page shows the administrator (`queries.visible_entries`)."""

    list_display = ["at", "actor_name", "source", "action", "model", "record_id", "site_id"]
    list_filter = ["action", "source", "model", "sensitive"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return queries.visible_entries(scope_for(request.user))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEntry], search_term: str
    ) -> tuple[QuerySet[AuditEntry], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            found = found.filter(sensitive=False)
        return found, may_have_duplicates

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if obj is not None and obj.sensitive:
            return [f for f in fields if f not in _ABOUT_WHICH_RECORD]
        return fields

    @admin.display(description=_("record id"), ordering="object_id")
    def record_id(self, entry: AuditEntry) -> str:
        return "" if entry.sensitive else entry.object_id
