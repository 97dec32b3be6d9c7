"""Distribution cycles: what each household is entitled to (rules), the fixed list of
eligible households and their entitlements taken when the cycle starts (the snapshot), and
the redemption of each entitlement, at most once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import PublicId, by_user
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
from edgecamp.stock.quantities import QuantityField


class Cycle(PublicId, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="cycles"
    )
    warehouse = models.ForeignKey(
        "stock.Warehouse",
        verbose_name=_("issuing warehouse"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("distributing organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    # The period one ration covers: consumption per day = entitlement / days in the period.
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_statuses = models.JSONField(_("household statuses served"), default=list)
    target_needs = models.JSONField(
        _("only households with one of these specific needs"), default=list, blank=True
    )
    card_boxes = models.PositiveSmallIntegerField(_("boxes on the ration card"), default=12)
    # Only households confirmed in person in a verification round collect: in
    # `verification_round`, or (empty) in the site's open round or its last closed one.
    requires_verification = models.BooleanField(
        _("only households verified in person"), default=False
    )
    verification_round = models.ForeignKey(
        "verification.Round",
        verbose_name=_("verification round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = by_user(_("started by"))
    # Started although its entitlements exceeded the stock on hand and in the pipeline by
    # the distribution date: why, and the shortfall per item as it stood then
    # ([{"item": id, "name", "unit", "required", "available", "short"}], quantities as text).
    shortfall_reason = models.CharField(
        _("reason for starting short of stock"), max_length=500, blank=True, default=""
    )
    shortfall = models.JSONField(_("stock shortfall at start"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cycle_ends_after_start",
            )
        ]
        verbose_name = _("distribution cycle")
        verbose_name_plural = _("distribution cycles")

    def __str__(self) -> str:
        return self.name

    @property
    def protection_targeted(self) -> bool:
        """Whether the cycle serves households by a protection-sensitive need: its list then
        tells why a household is on it, and only protection officers of the site may know."""
        return not PROTECTION_SENSITIVE_NEEDS.isdisjoint(self.target_needs)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class EntitlementRule(models.Model):
    """How much of one item a household receives in a cycle."""

    class Basis(models.TextChoices):
        PER_PERSON = "per_person", _("Per person")
        PER_HOUSEHOLD = "per_household", _("Per household")
        SIZE_BANDS = "size_bands", _("By household size band")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rules")
    item = models.ForeignKey("stock.Item", verbose_name=_("item"), on_delete=models.PROTECT)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    quantity = QuantityField(_("quantity per person or household"), null=True, blank=True)
    # [{"min": 1, "max": 3, "quantity": "1"}, {"min": 4, "max": null, "quantity": "2"}]
    size_bands = models.JSONField(_("size bands"), default=list, blank=True)
    cap = QuantityField(_("cap per household"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "item"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "item"], name="one_rule_per_item_and_cycle")
        ]
        verbose_name = _("entitlement rule")
        verbose_name_plural = _("entitlement rules")

    def __str__(self) -> str:
        return f"{self.item}: {self.get_basis_display()}"


class Entitlement(PublicId, models.Model):
    """A household's entitlement in a started cycle, as snapshotted: later registry changes
    (members added, status changed) do not alter it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="entitlements")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="entitlements"
    )
    household_number = models.CharField(_("household number"), max_length=20)
    household_size = models.PositiveSmallIntegerField(_("household size at the snapshot"))

    class Meta:
        ordering = ["cycle", "household_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "household"], name="one_entitlement_per_household_and_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle", "household_number"], name="entitlement_number_unique_in_cycle"
            ),
        ]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")

    def __str__(self) -> str:
        return f"{self.household_number} in {self.cycle_id}"


class EntitlementLine(models.Model):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("stock.Item", verbose_name=_("item"), on_delete=models.PROTECT)
    quantity = QuantityField(_("quantity"))

    class Meta:
        ordering = ["entitlement", "item"]
        constraints = [
            models.UniqueConstraint(fields=["entitlement", "item"], name="entitlement_line_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="entitlement_quantity_positive"
            ),
        ]
        verbose_name = _("entitlement line")
        verbose_name_plural = _("entitlement lines")

    def __str__(self) -> str:
        return f"{self.quantity} {self.item}"


class Redemption(PublicId, models.Model):
    """The one collection of an entitlement. The unique entitlement is the database's
    guarantee that no household is served twice in a cycle."""

    class Collector(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        PROXY = "proxy", _("Authorised proxy")

    entitlement = models.OneToOneField(
        Entitlement, on_delete=models.PROTECT, related_name="redemption"
    )
    redeemed_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    redeemed_by = by_user(_("served by"))
    desk = models.CharField(_("distribution point"), max_length=40, blank=True)
    collector = models.CharField(
        _("collected by"), max_length=20, choices=Collector.choices, default=Collector.FOCAL_POINT
    )
    proxy_name = models.CharField(_("name of the proxy"), max_length=120, blank=True)
    proxy_relationship = models.CharField(
        _("relationship of the proxy to the household"), max_length=60, blank=True
    )
    movements = models.ManyToManyField("stock.Movement", related_name="+", blank=True)

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(collector="focal_point", proxy_name="")
                | (
                    models.Q(collector="proxy")
                    & ~models.Q(proxy_name="")
                    & ~models.Q(proxy_relationship="")
                ),
                name="proxy_named_when_collected_by_proxy",
            )
        ]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.entitlement} at {self.redeemed_at:%Y-%m-%d %H:%M}"


class RationCard(PublicId, models.Model):
    """A household's ration card once its history matters: a household holds its first card
    (issue 1, the `EC1` code) without any row here; reissuing or revoking writes the rows.
    Only the household's latest card is accepted at a desk, and only while it is active."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REPLACED = "replaced", _("Replaced")
        REVOKED = "revoked", _("Revoked")

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="ration_cards",
    )
    issue = models.PositiveSmallIntegerField(_("card number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # Empty for the first card: it was printed with the cycles, before any history was kept.
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = by_user(_("issued by"))
    issue_reason = models.CharField(_("why it was issued"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("replaced or revoked at"), null=True, blank=True)
    ended_by = by_user(_("replaced or revoked by"))
    end_reason = models.CharField(_("why it was replaced or revoked"), max_length=200, blank=True)

    class Meta:
        ordering = ["household", "issue"]
        constraints = [
            models.UniqueConstraint(fields=["household", "issue"], name="ration_card_issue_once"),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="active"),
                name="one_active_ration_card_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(issue__gte=1), name="ration_card_issue_positive"
            ),
        ]
        verbose_name = _("ration card")
        verbose_name_plural = _("ration cards")

    def __str__(self) -> str:
        return f"card {self.issue} of household #{self.household_id}"
