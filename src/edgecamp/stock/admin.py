from django.contrib import admin

from edgecamp.core.admin import ReadOnlyAdmin
from edgecamp.stock.models import (
    Item,
    KitComponent,
    Lot,
    Movement,
    Pledge,
    PledgeLine,
    Shipment,
    ShipmentLine,
    StockBalance,
    Warehouse,
)

# Stock changes only through the stock services, which keep ledger and balances equal;
# the admin shows the ledger and never edits or deletes it.


class KitComponentInline(admin.TabularInline):
    model = KitComponent
    fk_name = "kit"
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "category", "tracks_expiry"]
    list_filter = ["category", "tracks_expiry"]
    search_fields = ["code", "name"]
    inlines = [KitComponentInline]


@admin.register(KitComponent)
class KitComponentAdmin(admin.ModelAdmin):
    list_display = ["kit", "component", "quantity"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site"]
    list_filter = ["site"]
    search_fields = ["code", "name"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["code", "item", "expires_on"]
    list_filter = ["item"]
    search_fields = ["code"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "warehouse", "item", "lot", "quantity", "reference"]
    list_filter = ["kind", "warehouse", "item"]
    search_fields = ["reference", "reason"]
    list_select_related = ["warehouse", "item", "lot"]


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ["warehouse", "item", "lot", "quantity"]
    list_filter = ["warehouse", "item"]
    list_select_related = ["warehouse", "item", "lot"]


class PledgeLineInline(admin.TabularInline):
    model = PledgeLine
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["donor", "reference", "pledged_on", "expected_by", "destination", "status"]
    list_filter = ["status", "donor"]
    inlines = [PledgeLineInline]


@admin.register(PledgeLine)
class PledgeLineAdmin(admin.ModelAdmin):
    list_display = ["pledge", "item", "quantity"]


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    readonly_fields = ["received_quantity", "discrepancy_reason"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["waybill", "sender", "destination", "dispatched_on", "status", "received_at"]
    list_filter = ["status", "sender"]
    search_fields = ["waybill"]
    # Receiving writes stock movements: it happens in the receive-shipment page or the API.
    readonly_fields = ["status", "received_at", "received_by"]
    inlines = [ShipmentLineInline]


@admin.register(ShipmentLine)
class ShipmentLineAdmin(admin.ModelAdmin):
    list_display = ["shipment", "item", "manifest_quantity", "received_quantity"]
    readonly_fields = ["received_quantity", "discrepancy_reason"]
