from django.contrib import admin

from edgecamp.distributions.models import (
    Cycle,
    Entitlement,
    EntitlementLine,
    EntitlementRule,
    RationCard,
    Redemption,
)
from edgecamp.readonly_admin import ReadOnlyAdmin

# Entitlements are the snapshot taken when a cycle starts and redemptions are written with
# their stock movements: both are read-only here.
_Snapshot = ReadOnlyAdmin


class EntitlementRuleInline(admin.TabularInline):
    model = EntitlementRule
    extra = 0


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "warehouse", "starts_on", "ends_on", "status"]
    list_filter = ["status", "site"]
    search_fields = ["name"]
    # Starting a cycle takes the snapshot: it happens in the cycle page, the API or the CLI.
    readonly_fields = ["status", "started_at", "started_by"]
    inlines = [EntitlementRuleInline]


@admin.register(EntitlementRule)
class EntitlementRuleAdmin(admin.ModelAdmin):
    list_display = ["cycle", "item", "basis", "quantity", "cap"]
    list_filter = ["basis"]


class EntitlementLineInline(admin.TabularInline):
    model = EntitlementLine
    extra = 0


@admin.register(Entitlement)
class EntitlementAdmin(_Snapshot):
    list_display = ["household_number", "cycle", "household_size"]
    list_filter = ["cycle"]
    search_fields = ["household_number"]
    inlines = [EntitlementLineInline]


@admin.register(EntitlementLine)
class EntitlementLineAdmin(_Snapshot):
    list_display = ["entitlement", "item", "quantity"]


@admin.register(Redemption)
class RedemptionAdmin(_Snapshot):
    list_display = ["entitlement", "redeemed_at", "collector", "proxy_name", "desk", "redeemed_by"]
    list_filter = ["collector", "entitlement__cycle"]
    search_fields = ["entitlement__household_number"]
    list_select_related = ["entitlement", "redeemed_by"]


@admin.register(RationCard)
class RationCardAdmin(_Snapshot):
    """Cards are reissued and revoked from the Ration cards page, the API or the CLI, which
    keep one active card per household; here they are only read."""

    list_display = ["household", "issue", "status", "issued_at", "ended_at", "end_reason"]
    list_filter = ["status"]
    search_fields = ["household__number"]
    list_select_related = ["household"]
