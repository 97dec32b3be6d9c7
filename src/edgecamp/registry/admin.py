from django.contrib import admin

from edgecamp.registry.models import (
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    Membership,
    SpecificNeedRecord,
    StatusChange,
)


class IndividualInline(admin.TabularInline):
    model = Individual
    fields = ["given_name", "family_name", "sex", "date_of_birth", "relationship", "status"]
    extra = 0
    show_change_link = True


class SpecificNeedInline(admin.TabularInline):
    model = SpecificNeedRecord
    extra = 0


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "individual"
    extra = 0
    raw_id_fields = ["household"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "shelter", "status", "registration_date", "registration_desk"]
    list_filter = ["status", "site", "registration_desk"]
    search_fields = ["number"]
    readonly_fields = ["number", "created_at", "updated_at"]
    raw_id_fields = ["shelter", "focal_point", "registered_by"]
    list_select_related = ["site", "shelter__block__site"]
    inlines = [IndividualInline]
    show_full_result_count = False


@admin.register(Individual)
class IndividualAdmin(admin.ModelAdmin):
    list_display = ["__str__", "household", "sex", "date_of_birth", "relationship", "status"]
    list_filter = ["status", "sex", "relationship", "date_of_birth_precision"]
    search_fields = ["search_text", "household__number"]
    raw_id_fields = ["household"]
    list_select_related = ["household"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SpecificNeedInline, IdentityDocumentInline, MembershipInline]
    show_full_result_count = False


@admin.register(SpecificNeedRecord)
class SpecificNeedRecordAdmin(admin.ModelAdmin):
    list_display = ["individual", "code", "recorded_at"]
    list_filter = ["code"]
    raw_id_fields = ["individual"]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    list_display = ["individual", "type", "number", "issuing_country", "expires_on"]
    list_filter = ["type"]
    search_fields = ["number"]
    raw_id_fields = ["individual"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["individual", "household", "relationship", "started_on", "ended_on"]
    raw_id_fields = ["individual", "household"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["household", "individual", "old_status", "new_status", "changed_at"]
    raw_id_fields = ["household", "individual", "changed_by"]
    readonly_fields = ["changed_at"]


@admin.register(HouseholdNumberSequence)
class HouseholdNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "last_value"]
    # Editing the counter by hand could issue a number twice.
    readonly_fields = ["prefix", "last_value"]

    def has_add_permission(self, request: object) -> bool:
        return False
