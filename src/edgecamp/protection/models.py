"""Protection casework: confidential notes and family tracing requests.

Everything here is protection-sensitive (shared/DOMAIN.md): only protection officers of the
household's site read or write it, in the UI and the API alike (`queries.py` and
`access_policy.py`); every read is audited as a sensitive read and the audit log never copies
the values (`apps.py`). Other roles do not see it exists: no counts, no admin pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import PublicId, by_user
from edgecamp.registry.codes import Sex


class ConfidentialNote(PublicId, models.Model):
    """A protection officer's note on a household, or on one of its members."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    individual = models.ForeignKey(
        "registry.Individual",
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=4000)
    written_by = by_user(_("written by"))
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("confidential note")
        verbose_name_plural = _("confidential notes")

    def __str__(self) -> str:
        return f"note {self.pk}"


class TracingRequest(PublicId, models.Model):
    """A registered person looking for a missing relative (ICRC Restoring Family Links)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LOCATED = "located", _("Located")
        REUNITED = "reunited", _("Reunited")
        CLOSED = "closed", _("Closed")

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester = models.ForeignKey(
        "registry.Individual",
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The person sought when they are registered here (a member reported missing). No
    # database constraint or index: the column then comes and goes without SQLite rebuilding
    # the table (which would lose the public id's index, tests/test_migrations.py); people
    # and life events are never deleted, and the ORM keeps PROTECT. A small table.
    sought_individual = models.ForeignKey(
        "registry.Individual",
        verbose_name=_("person sought (registered)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # The registry's "found" event of the person sought, noted here when it is recorded.
    found_event = models.ForeignKey(
        "registry.LifeEvent",
        verbose_name=_("reported found by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    sought_given_name = models.CharField(_("given name of the sought person"), max_length=100)
    sought_family_name = models.CharField(
        _("family name of the sought person"), max_length=100, blank=True
    )
    sought_sex = models.CharField(
        _("sex of the sought person"), max_length=10, choices=Sex.choices, blank=True
    )
    sought_age = models.PositiveSmallIntegerField(
        _("age of the sought person (estimated)"), null=True, blank=True
    )
    relationship = models.CharField(_("relationship to the requester"), max_length=60)
    last_seen_place = models.CharField(_("place last seen"), max_length=200, blank=True)
    last_seen_on = models.DateField(_("date last seen"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = by_user(_("opened by"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "-opened_at"])]
        verbose_name = _("tracing request")
        verbose_name_plural = _("tracing requests")

    def __str__(self) -> str:
        return f"tracing request {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def sought_name(self) -> str:
        return " ".join(p for p in (self.sought_given_name, self.sought_family_name) if p)


# The statuses of a request still being worked on: one per person sought at a time.
IN_PROGRESS = (TracingRequest.Status.OPEN, TracingRequest.Status.LOCATED)
