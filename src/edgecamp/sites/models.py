"""Sites, blocks and shelters. The tables keep the names they had when these models lived in
`shelters` (moved by state only, see migrations/0001_initial.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import AppendOnly, PublicId, Timestamped, by_user


class Site(PublicId, Timestamped, models.Model):
    class Type(models.TextChoices):
        PLANNED_CAMP = "planned_camp", _("Planned camp")
        COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
        SPONTANEOUS = "spontaneous_settlement", _("Spontaneous settlement")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    managing_organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("site management agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_sites",
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    class Meta:
        db_table = "shelters_site"
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Block(PublicId, models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="blocks")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        db_table = "shelters_block"
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="block_code_unique_per_site")
        ]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.site.code}/{self.code}"


class Shelter(PublicId, Timestamped, models.Model):
    class Type(models.TextChoices):
        FAMILY_TENT = "family_tent", _("Family tent")
        PREFAB_UNIT = "prefab_unit", _("Prefab unit")
        COLLECTIVE_HALL = "collective_hall", _("Collective hall")

    class Status(models.TextChoices):
        """Available and occupied are a habitable shelter's room (registration and allocation
        keep them); the others are its condition, set by a manager with a reason (the history
        is `ShelterStatusChange`). A shelter out of use takes nobody new."""

        AVAILABLE = "available", _("Available")
        OCCUPIED = "occupied", _("Occupied")
        DAMAGED = "damaged", _("Damaged")
        UNDER_REPAIR = "under_repair", _("Under repair")
        DECOMMISSIONED = "decommissioned", _("Decommissioned")

    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="shelters")
    code = models.CharField(_("code"), max_length=20)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    covered_m2 = models.DecimalField(
        _("covered area (m²)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1)]
    )
    accessible = models.BooleanField(_("accessible"), default=False)
    # db_default too: bulk loaders insert shelters with an explicit column list.
    near_facilities = models.BooleanField(
        _("near facilities"),
        default=False,
        db_default=False,
        help_text=_("Near lighting, women's WASH and other facilities."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )

    class Meta:
        db_table = "shelters_shelter"
        ordering = ["block", "code"]
        constraints = [
            models.UniqueConstraint(fields=["block", "code"], name="shelter_code_unique_per_block"),
            models.CheckConstraint(
                condition=models.Q(covered_m2__gt=0), name="shelter_area_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="shelter_capacity_positive"
            ),
        ]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")

    def __str__(self) -> str:
        return f"{self.block}/{self.code}"

    @property
    def label(self) -> str:
        """BLOCK/CODE, as the camp names it (and allocation's engine ids)."""
        return f"{self.block.code}/{self.code}"

    @property
    def condition(self) -> str:
        return Condition.HABITABLE if self.status in HABITABLE else self.status


# The statuses of a shelter people may be given (its room decides which of the two).
HABITABLE = (Shelter.Status.AVAILABLE, Shelter.Status.OCCUPIED)
OUT_OF_USE = (
    Shelter.Status.DAMAGED,
    Shelter.Status.UNDER_REPAIR,
    Shelter.Status.DECOMMISSIONED,
)


class Condition(models.TextChoices):
    """What a manager marks a shelter as; habitable gives back available or occupied."""

    HABITABLE = "habitable", _("Habitable")
    DAMAGED = "damaged", _("Damaged")
    UNDER_REPAIR = "under_repair", _("Under repair")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class ShelterStatusChange(AppendOnly):
    """A shelter marked damaged, under repair, decommissioned or habitable again: when, why and
    by whom. Append-only (and in the database since migration 0003): the history is kept."""

    append_only_message = "Shelter status changes are append-only: record a new status."

    shelter = models.ForeignKey(
        Shelter,
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="status_changes",
    )
    condition = models.CharField(_("status"), max_length=20, choices=Condition.choices)
    previous = models.CharField(_("previous status"), max_length=20, choices=Condition.choices)
    reason = models.CharField(_("reason"), max_length=300)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = by_user(_("recorded by"))

    class Meta:
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["shelter", "-occurred_on"])]
        verbose_name = _("shelter status change")
        verbose_name_plural = _("shelter status changes")

    def __str__(self) -> str:
        return f"{self.shelter_id}: {self.condition} on {self.occurred_on}"
