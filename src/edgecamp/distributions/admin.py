from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edgecamp.core.admin import ReadOnlyAdmin
from edgecamp.distributions.models import (
    Cycle,
    Entitlement,
    EntitlementLine,
    EntitlementRule,
    RationCard,
    Redemption,
)

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
    # The targeted needs are set where the creator's role is checked (the cycle form, the
    # API), and not shown here: administrators do not read protection-sensitive needs.
    exclude = ["target_needs"]
    readonly_fields = ["status", "started_at", "started_by", "targeting"]
    inlines = [EntitlementRuleInline]

    @admin.display(description=_("only households with one of these specific needs"))
    def targeting(self, cycle: Cycle) -> str:
        if cycle.protection_targeted:
            return str(_("Chosen by protection staff"))
        return ", ".join(cycle.target_needs) or "—"


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
