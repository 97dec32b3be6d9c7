"""Shelter allocation: proposed plans, their lines, the further shelters of split households and
the history of who was moved where. Sites, blocks and shelters themselves live in `sites`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edgecamp.allocation._explain import in_words
from edgecamp.core.models import by_user
from edgecamp.sites.models import Shelter, Site


class AdditionalShelter(models.Model):
    """A further shelter of a household split over several adjacent family shelters (a family
    too large for any one of them). `Household.shelter` stays its main shelter, so the registry,
    search and API show one address; these rows tell allocation the other tents are taken."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="additional_shelters",
    )
    shelter = models.OneToOneField(
        Shelter,
        verbose_name=_("shelter"),
        on_delete=models.CASCADE,
        related_name="additional_of",
    )

    class Meta:
        ordering = ["household", "shelter"]
        verbose_name = _("additional shelter")
        verbose_name_plural = _("additional shelters")

    def __str__(self) -> str:
        return f"{self.household_id} also in {self.shelter_id}"


class AllocationPlan(models.Model):
    """A proposed allocation of a site's shelters. Nothing in the registry changes until a
    manager confirms it; a plan built on a registry that has since changed cannot be confirmed
    (its `fingerprint` no longer matches)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISCARDED = "discarded", _("Discarded")
        SUPERSEDED = "superseded", _("Superseded")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="allocation_plans"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    rebalance = models.BooleanField(_("rebalance"), default=False)
    space_standard_m2 = models.DecimalField(
        _("space standard (m²/person)"), max_digits=5, decimal_places=2
    )
    emergency_minimum_m2 = models.DecimalField(
        _("emergency minimum (m²/person)"), max_digits=5, decimal_places=2
    )
    # Plan metrics (housed, unhoused, below standard, unmet needs, bound, gap) and the per-block
    # summary, computed once at proposal: a plan never changes after it is stored.
    metrics = models.JSONField(_("metrics"), default=dict)
    blocks = models.JSONField(_("per block"), default=list)
    # SHA-256 of the engine's inputs as read from the registry at proposal.
    fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    created_by = by_user(_("proposed by"))
    decided_at = models.DateTimeField(_("confirmed or discarded at"), null=True, blank=True)
    decided_by = by_user(_("confirmed or discarded by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "status"])]
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")

    def __str__(self) -> str:
        return f"{self.site} #{self.pk} ({self.status})"


class AllocationLine(models.Model):
    """Where a plan puts one household, and why."""

    class Change(models.TextChoices):
        NEW = "new", _("Newly housed")
        KEPT = "kept", _("Kept")
        MOVED = "moved", _("Moved")
        UNHOUSED = "unhoused", _("Loses its shelter")
        WAITING = "waiting", _("Still waiting")

    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="lines")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="allocation_lines",
    )
    # Shelter ids in site order: empty when unhoused, several for a split household.
    shelter_ids = models.JSONField(default=list)
    shelter_codes = models.TextField(_("shelters"), blank=True)
    previous_shelter_ids = models.JSONField(default=list)
    previous_codes = models.TextField(_("shelters before"), blank=True)
    block = models.CharField(_("block"), max_length=20, blank=True)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    people = models.PositiveSmallIntegerField(_("people"))
    m2_per_person = models.DecimalField(
        _("m² per person"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    below_standard = models.BooleanField(_("below the space standard"), default=False)
    needs = models.CharField(_("specific needs"), max_length=40, blank=True)
    unmet_needs = models.CharField(_("unmet needs"), max_length=120, blank=True)
    rule = models.CharField(_("rule"), max_length=30, blank=True)
    explanation = models.TextField(_("explanation"))
    # The explanation's sentences as [code, parameters] (allocation._explain.SENTENCES): the
    # pages and the API give them in the reader's language; `explanation` is the English.
    explanation_parts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "household"], name="allocation_line_once")
        ]
        indexes = [models.Index(fields=["plan", "change"]), models.Index(fields=["plan", "block"])]
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.shelter_codes or '-'}"


class ShelterChange(models.Model):
    """An entry in the history of where a household lives: one per household whose shelters a
    confirmed plan changed."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="shelter_changes",
    )
    plan = models.ForeignKey(
        AllocationPlan,
        verbose_name=_("allocation plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shelter_changes",
    )
    old_shelter_ids = models.JSONField(default=list)
    old_codes = models.TextField(_("shelters before"), blank=True)
    new_shelter_ids = models.JSONField(default=list)
    new_codes = models.TextField(_("shelters after"), blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = by_user(_("changed by"))

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("shelter change")
        verbose_name_plural = _("shelter changes")

    def __str__(self) -> str:
        return f"{self.old_codes or '-'} → {self.new_codes or '-'}"


def explanation_in_words(line: AllocationLine) -> str:
    """A plan line's explanation in the active language (the English one of a plan made
    before explanations had parts)."""
    if not line.explanation_parts:
        return line.explanation
    return in_words(tuple((code, params) for code, params in line.explanation_parts), gettext)
