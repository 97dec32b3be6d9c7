from django.contrib import admin

from edgecamp.core.admin import ReadOnlyAdmin
from edgecamp.shelters.models import (
    AdditionalShelter,
    AllocationLine,
    AllocationPlan,
    ShelterChange,
)

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
