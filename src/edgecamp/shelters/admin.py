from django.contrib import admin

from edgecamp.readonly_admin import ReadOnlyAdmin
from edgecamp.shelters.models import (
    AdditionalShelter,
    AllocationLine,
    AllocationPlan,
    Block,
    Shelter,
    ShelterChange,
    Site,
)


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


# Written only by the allocation services: plans are confirmed or discarded in the staff
# UI, the API or the command line, never edited.
_ReadOnly = ReadOnlyAdmin


@admin.register(AllocationPlan)
class AllocationPlanAdmin(_ReadOnly):
    list_display = ["id", "site", "status", "rebalance", "created_at", "created_by", "decided_at"]
    list_filter = ["status", "site"]
    list_select_related = ["site", "created_by"]
    exclude = ["fingerprint"]


@admin.register(AllocationLine)
class AllocationLineAdmin(_ReadOnly):
    list_display = ["plan", "household", "change", "shelter_codes", "previous_codes", "people"]
    list_filter = ["change", "plan__site"]
    search_fields = ["household__number"]
    list_select_related = ["plan__site", "household"]
    raw_id_fields = ["plan", "household"]


@admin.register(ShelterChange)
class ShelterChangeAdmin(_ReadOnly):
    list_display = ["household", "old_codes", "new_codes", "reason", "changed_at", "changed_by"]
    search_fields = ["household__number"]
    list_select_related = ["household", "changed_by"]


@admin.register(AdditionalShelter)
class AdditionalShelterAdmin(admin.ModelAdmin):
    list_display = ["household", "shelter"]
    search_fields = ["household__number", "shelter__code"]
    raw_id_fields = ["household", "shelter"]
