from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from edgecamp.core.admin import ReadOnlyAdmin, ReadOnlyInline
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS, SpecificNeed
from edgecamp.registry.models import (
    DuplicateCandidate,
    FamilyMerge,
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    MergeRecord,
    NotSamePerson,
    SpecificNeedRecord,
)

# Households, people, their documents, needs and memberships change only through the registry's
# services (registration, corrections, life events, merges), which record who, when and why in
# the life events and keep the site counts, the desk index and the duplicate queue right; the
# admin shows them and changes nothing (a superuser once changed a status with no history).


class IndividualInline(ReadOnlyInline):
    model = Individual
    fields = [
        "given_name",
        "family_name",
        "given_name_local",
        "family_name_local",
        "sex",
        "date_of_birth",
        "relationship",
        "status",
    ]
    show_change_link = True


class _HidesSensitiveNeeds:
    """The admin is for administrators, who are not protection officers: protection-sensitive
    needs are neither listed, opened, nor offered as a code to add (adding one that exists
    already would reveal it through the uniqueness error). Protection officers read them on
    the household page, where the read is audited."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[SpecificNeedRecord]:
        return (
            super()  # type: ignore[misc]
            .get_queryset(request)
            .exclude(code__in=sorted(PROTECTION_SENSITIVE_NEEDS))
        )

    def formfield_for_choice_field(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "code":
            kwargs["choices"] = [
                (code, label)
                for code, label in db_field.get_choices(include_blank=True)
                if code not in PROTECTION_SENSITIVE_NEEDS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)  # type: ignore[misc]


class SpecificNeedInline(_HidesSensitiveNeeds, ReadOnlyInline):
    model = SpecificNeedRecord


class IdentityDocumentInline(ReadOnlyInline):
    model = IdentityDocument


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "individual"


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["number", "site", "shelter", "status", "registration_date", "registration_desk"]
    list_filter = ["status", "site", "registration_desk"]
    search_fields = ["number"]
    list_select_related = ["site", "shelter__block__site"]
    inlines = [IndividualInline]
    show_full_result_count = False


@admin.register(Individual)
class IndividualAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "household", "sex", "date_of_birth", "relationship", "status"]
    list_filter = ["status", "sex", "relationship", "date_of_birth_precision"]
    search_fields = ["search_text", "household__number"]
    list_select_related = ["household"]
    inlines = [SpecificNeedInline, IdentityDocumentInline, MembershipInline]
    show_full_result_count = False


class _NonSensitiveCodeFilter(admin.SimpleListFilter):
    title = _("specific need")
    parameter_name = "code"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [
            (c, str(label))
            for c, label in SpecificNeed.choices
            if c not in PROTECTION_SENSITIVE_NEEDS
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(code=self.value()) if self.value() else queryset


@admin.register(SpecificNeedRecord)
class SpecificNeedRecordAdmin(_HidesSensitiveNeeds, ReadOnlyAdmin):
    list_display = ["individual", "code", "recorded_at"]
    list_filter = [_NonSensitiveCodeFilter]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyAdmin):
    list_display = ["individual", "type", "number", "issuing_country", "expires_on"]
    list_filter = ["type"]
    search_fields = ["number"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["individual", "household", "relationship", "started_on", "ended_on"]


# Append-only (the database refuses changes): written by the services, shown here.
@admin.register(LifeEvent)
class LifeEventAdmin(ReadOnlyAdmin):
    list_display = ["household", "kind", "occurred_on", "reason", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    show_full_result_count = False


@admin.register(HouseholdNumberSequence)
class HouseholdNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "last_value"]
    # Editing the counter by hand could issue a number twice.
    readonly_fields = ["prefix", "last_value"]

    def has_add_permission(self, request: object) -> bool:
        return False


# Written by the dedupe job and the review pages (merge.py), which keep their invariants and
# the undo record: shown here, changed only there.
@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyAdmin):
    list_display = ["individual_l", "individual_r", "probability", "status", "decided_by"]
    list_filter = ["status"]
    show_full_result_count = False


@admin.register(NotSamePerson)
class NotSamePersonAdmin(ReadOnlyAdmin):
    list_display = ["individual_l", "individual_r", "decided_by", "decided_at"]


@admin.register(MergeRecord)
class MergeRecordAdmin(ReadOnlyAdmin):
    list_display = ["individual", "survivor", "state", "merged_by", "merged_at"]
    list_filter = ["state"]


@admin.register(FamilyMerge)
class FamilyMergeAdmin(ReadOnlyAdmin):
    list_display = ["household", "kept", "state", "merged_by", "merged_at"]
    list_filter = ["state"]
    raw_id_fields = ["household", "kept", "focal_point"]
