from django.contrib import admin

from edgecamp.core.admin import ReadOnlyAdmin
from edgecamp.sites.models import Block, Shelter, ShelterStatusChange, Site


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    show_change_link = True


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "status", "area_m2", "managing_organisation"]
    list_filter = ["type", "status"]
    search_fields = ["name", "code"]
    inlines = [BlockInline]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site"]
    list_filter = ["site"]
    search_fields = ["code", "name"]


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "block",
        "type",
        "covered_m2",
        "capacity",
        "accessible",
        "near_facilities",
        "status",
    ]
    list_filter = ["type", "status", "accessible", "near_facilities", "block__site"]
    search_fields = ["code", "block__code"]
    list_select_related = ["block__site"]
    raw_id_fields = ["block"]
    # Damaged, under repair, decommissioned: set on the shelters page with a reason and kept in
    # the history; registration and allocation keep available and occupied.
    readonly_fields = ["status"]


# The history of shelter statuses is append-only: a new status is recorded from the shelters
# page (shelters.condition), with its reason.
@admin.register(ShelterStatusChange)
class ShelterStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["shelter", "condition", "previous", "reason", "occurred_on", "recorded_by"]
    list_filter = ["condition"]
    list_select_related = ["shelter__block__site", "recorded_by"]
    raw_id_fields = ["shelter"]
