"""The audit log: one append-only row per write to any edgecamp model and per read of a
protection-sensitive record. Rows are never updated or deleted by the application (no code
path does, the admin is read-only, and a database trigger refuses it: see migration 0002)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        READ = "read", _("Read protection-sensitive data")
        BULK = "bulk", _("Bulk change")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("when"), default=timezone.now)
    # No foreign keys: deleting a user or a site must not rewrite (or be blocked by) the log.
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_name = models.CharField(_("user"), max_length=150, blank=True)
    source = models.CharField(_("through"), max_length=10)  # web, api, admin, cli, system
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    site_id = models.BigIntegerField(_("site id"), null=True, blank=True)
    # {field: [before, after]}; protection-sensitive values are never copied here.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    sensitive = models.BooleanField(_("protection-sensitive"), default=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site_id", "-id"]),
            models.Index(fields=["actor_id", "-id"]),
            models.Index(fields=["model", "object_id"]),
            models.Index(fields=["at"]),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.model}"
