"""Stock: the item catalogue, warehouses, lots, the append-only ledger of movements and the
balances derived from it, and the pipeline of donor pledges and inbound shipments.

The ledger (`Movement`) is the source of truth. `StockBalance` keeps one row per (warehouse,
item, lot) that services lock while they write a movement, so two desks can never both take
the last bag; its CHECK constraint (quantity >= 0) is the backstop."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import AppendOnly, PublicId, by_user
from edgecamp.stock.quantities import QuantityField


def _related_label(instance: models.Model, name: str) -> str:
    """The related object's name when it is already loaded, else its id: str() of a ledger row
    must not query (the audit log and the admin call it on many rows at once, some of them
    inside the transaction that holds the stock locks)."""
    cached = instance._state.fields_cache.get(name)
    return str(cached) if cached is not None else f"#{getattr(instance, f'{name}_id')}"


class Item(PublicId, models.Model):
    class Unit(models.TextChoices):
        KG = "kg", _("kilogram")
        LITRE = "l", _("litre")
        PIECE = "piece", _("piece")
        BAR = "bar", _("bar")
        KIT = "kit", _("kit")
        TABLET = "tablet", _("tablet")

    class Category(models.TextChoices):
        FOOD = "food", _("Food")
        NFI = "nfi", _("Non-food item")
        WASH = "wash", _("Water, sanitation and hygiene")
        SHELTER = "shelter", _("Shelter")
        MEDICINE = "medicine", _("Medicine")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Food and medicine are received in lots with an expiry date and issued first-expiry first.
    tracks_expiry = models.BooleanField(_("tracks lots and expiry"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.name

    @property
    def is_kit(self) -> bool:
        return self.components.exists()


class KitComponent(models.Model):
    """What one unit of a kit holds (a hygiene kit: 4 bars of soap, 1 jerrycan...). Kits are
    stocked and issued as kits; the components describe them for reports and packing."""

    kit = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="used_in_kits")
    quantity = QuantityField(_("quantity per kit"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kit_component_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="kit_component_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kit=models.F("component")), name="kit_not_its_own_component"
            ),
        ]
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")

    def __str__(self) -> str:
        return f"{self.kit}: {self.quantity} x {self.component}"


class Warehouse(PublicId, models.Model):
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="warehouses"
    )
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["site", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    code = models.CharField(_("lot code"), max_length=40)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["item", "expires_on", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="lot_code_per_item")]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")

    def __str__(self) -> str:
        if self.expires_on:
            return f"{self.code} (exp. {self.expires_on:%Y-%m-%d})"
        return self.code


class Movement(AppendOnly):
    """One line of the ledger: a signed quantity of an item (and lot) into or out of a
    warehouse. Never edited or deleted; a mistake is corrected by another movement (a count
    adjustment with its reason)."""

    append_only_message = "Stock movements are append-only: record a correcting movement."

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        DISTRIBUTION = "distribution", _("Distribution")
        LOSS = "loss", _("Loss or damage")
        ADJUSTMENT = "adjustment", _("Count adjustment")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="movements"
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Positive into the warehouse, negative out of it.
    quantity = QuantityField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # What the movement belongs to: "shipment:12", "redemption:345", "transfer:<uuid>".
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    occurred_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    recorded_by = by_user(_("recorded by"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "item", "lot"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="movement_quantity_not_zero"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["receipt", "transfer_in"], quantity__gt=0)
                    | models.Q(kind__in=["transfer_out", "distribution", "loss"], quantity__lt=0)
                    | models.Q(kind="adjustment")
                ),
                name="movement_sign_matches_kind",
            ),
        ]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        item, warehouse = _related_label(self, "item"), _related_label(self, "warehouse")
        return f"{self.get_kind_display()} {self.quantity} {item} @ {warehouse}"


class StockBalance(models.Model):
    """The current quantity per (warehouse, item, lot), kept equal to the sum of its
    movements by the stock services, which lock this row while they write."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True)
    quantity = QuantityField(_("quantity"), default=Decimal(0))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stock_balance_never_negative"
            ),
            models.UniqueConstraint(
                fields=["warehouse", "item", "lot"],
                condition=models.Q(lot__isnull=False),
                name="one_balance_per_lot",
            ),
            models.UniqueConstraint(
                fields=["warehouse", "item"],
                condition=models.Q(lot__isnull=True),
                name="one_balance_without_lot",
            ),
        ]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")

    def __str__(self) -> str:
        item, warehouse = _related_label(self, "item"), _related_label(self, "warehouse")
        return f"{item} @ {warehouse}: {self.quantity}"


# --- Pipeline: pledges and shipments -----------------------------------------------------------


class Pledge(PublicId, models.Model):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    donor = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    pledged_on = models.DateField(_("pledged on"))
    expected_by = models.DateField(_("expected by"), null=True, blank=True)
    destination = models.ForeignKey(
        Warehouse, verbose_name=_("destination"), on_delete=models.PROTECT, related_name="pledges"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLEDGED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pledged_on", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return f"{self.donor} {self.reference or self.pk}"


class PledgeLine(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    quantity = QuantityField(_("quantity"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="pledge_quantity_positive"
            )
        ]
        # A pledge's first lines and its line count read this index alone, however many
        # lines the pledge holds (PostgreSQL otherwise walks the primary key from the start).
        indexes = [models.Index(fields=["pledge", "id"], name="pledge_line_order")]
        verbose_name = _("pledge line")
        verbose_name_plural = _("pledge lines")

    def __str__(self) -> str:
        return f"{self.quantity} {self.item}"


class Shipment(PublicId, models.Model):
    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")

    sender = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("pledge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
    )
    destination = models.ForeignKey(
        Warehouse,
        verbose_name=_("destination"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    waybill = models.CharField(_("waybill"), max_length=60)
    dispatched_on = models.DateField(_("dispatched on"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRANSIT
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = by_user(_("received by"))

    class Meta:
        ordering = ["-dispatched_on", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return self.waybill


class ShipmentLine(models.Model):
    """One line of the manifest and, once received, what arrived against it."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT)
    manifest_quantity = QuantityField(_("quantity on the manifest"))
    lot_code = models.CharField(_("lot code"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    received_quantity = QuantityField(_("quantity received"), null=True, blank=True)
    discrepancy_reason = models.CharField(
        _("reason for the difference"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(manifest_quantity__gt=0), name="manifest_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(received_quantity__isnull=True)
                | models.Q(received_quantity__gte=0),
                name="received_quantity_not_negative",
            ),
        ]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")

    def __str__(self) -> str:
        return f"{self.manifest_quantity} {self.item}"

    @property
    def discrepancy(self) -> Decimal | None:
        """Received minus manifest: negative when short, positive when over."""
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.manifest_quantity
