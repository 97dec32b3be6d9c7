"""Verification rounds (UNHCR's "verification exercise"): a site's households confirmed in
person, one by one, at desks, while the round is open; at close, the active households of the
site that no desk saw are set inactive (never deleted), each with a life event.

- `Round`: one site, opened and closed by a manager; at most one open round per site (a
  constraint, so two managers opening at once get one round).
- `Confirmation`: a household seen in a round, with its members present and absent and the
  new people the desk found; written with the household's verification `LifeEvent`, in one
  transaction. One per household and round. A confirmation after the close (`late`) sets a
  household the close made inactive active again.
- `NotSeen`: the households the close set inactive (the round's "not seen"), written by one
  INSERT … SELECT at close."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import PublicId, by_user


class Round(PublicId, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey(
        "sites.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="verification_rounds",
    )
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = by_user(_("opened by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = by_user(_("closed by"))
    # Fixed at close: the figures of the report's head.
    seen_count = models.PositiveIntegerField(_("households verified"), default=0)
    not_seen_count = models.PositiveIntegerField(_("households not seen"), default=0)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(status="open"),
                name="one_open_verification_round_per_site",
            )
        ]
        verbose_name = _("verification round")
        verbose_name_plural = _("verification rounds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Confirmation(PublicId, models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="confirmations"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    confirmed_by = by_user(_("confirmed by"))
    desk = models.CharField(_("desk"), max_length=40, blank=True)
    present = models.PositiveSmallIntegerField(_("members present"))
    absent = models.PositiveSmallIntegerField(_("members absent"))
    new_people = models.PositiveSmallIntegerField(_("new people found"), default=0)
    # Members absent, new people, or a household set active again: the report's "changed".
    changed = models.BooleanField(_("changed"), default=False)
    reactivated = models.BooleanField(_("set active again"), default=False)
    # Confirmed after the round closed (the household came late).
    late = models.BooleanField(_("after the close"), default=False)
    event = models.OneToOneField(
        "registry.LifeEvent", on_delete=models.PROTECT, related_name="verification"
    )

    class Meta:
        ordering = ["round", "-confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"], name="one_confirmation_per_household_and_round"
            )
        ]
        verbose_name = _("household confirmation")
        verbose_name_plural = _("household confirmations")

    def __str__(self) -> str:
        return f"{self.household_id} in round {self.round_id}"


class NotSeen(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="not_seen")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="not_seen_once_per_round")
        ]
        verbose_name = _("household not seen")
        verbose_name_plural = _("households not seen")

    def __str__(self) -> str:
        return f"{self.household_id} not seen in round {self.round_id}"
