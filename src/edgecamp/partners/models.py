from django.db import models
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import PublicId, Timestamped


class Organisation(PublicId, Timestamped, models.Model):
    """A partner organisation: agency running the site, donor, implementing partner."""

    class Type(models.TextChoices):
        UN = "un", _("UN agency")
        INGO = "ingo", _("International NGO")
        NGO = "ngo", _("National NGO")
        GOVERNMENT = "government", _("Government")
        COMMUNITY = "community", _("Community-based organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name
