"""The registry: households (UNHCR registration groups), the individuals in them, and the
history of who belonged where and of what happened in their lives (LifeEvent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edgecamp.core import dates
from edgecamp.core.models import AppendOnly, PublicId, Timestamped, by_user
from edgecamp.linkage.normalise import name_tokens, phonetic_key
from edgecamp.registry.codes import (
    DatePrecision,
    DocumentType,
    EventKind,
    EventReason,
    Relationship,
    Sex,
    SpecificNeed,
)
from edgecamp.registry.search_keys import document_key_of, phone_tail_of
from edgecamp.registry.text import fold


class HouseholdNumberSequence(models.Model):
    """The last household number issued for a prefix. Incremented under a row lock inside the
    registering transaction, so concurrent desks never get the same number and a rolled-back
    registration does not burn one."""

    prefix = models.CharField(max_length=10, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_value}"


class Household(PublicId, Timestamped, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEPARTED = "departed", _("Departed")
        RELOCATED = "relocated", _("Relocated")
        INACTIVE = "inactive", _("Inactive")
        # Every member was merged into another registration: a duplicate, closed.
        MERGED = "merged", _("Closed (duplicate merged)")

    number = models.CharField(_("household number"), max_length=20, unique=True, editable=False)
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="households"
    )
    shelter = models.ForeignKey(
        "sites.Shelter",
        verbose_name=_("shelter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
    )
    focal_point = models.ForeignKey(
        "Individual",
        verbose_name=_("focal point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    place_of_origin = models.CharField(_("place of origin"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    registration_date = models.DateField(_("registration date"))
    registration_desk = models.CharField(_("registration desk"), max_length=40, blank=True)
    # Why the clerk registered this household although the desk check found likely duplicates.
    duplicate_override_reason = models.CharField(
        _("reason for registering despite possible duplicates"),
        max_length=300,
        blank=True,
        default="",
        db_default="",  # bulk loaders insert households with raw SQL and leave it out
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["site", "status"]),
            models.Index(phone_tail_of("phone"), name="household_phone_tail"),
        ]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.number


class Individual(PublicId, Timestamped, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MISSING = "missing", _("Missing")
        DECEASED = "deceased", _("Deceased")
        DEPARTED = "departed", _("Departed")
        # Registered twice: merged into `merged_into`, kept only for the audit trail.
        MERGED = "merged", _("Merged (duplicate)")
        # A birth recorded by mistake and undone: out of every count, its history kept.
        RECORDED_IN_ERROR = "recorded_in_error", _("Recorded in error")

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    # The same names in the script the person writes them in (Arabic, mostly), beside the
    # Latin transliteration above; searched and printed on the ration card too.
    given_name_local = models.CharField(
        _("given name in own script"), max_length=100, blank=True, default=""
    )
    family_name_local = models.CharField(
        _("family name in own script"), max_length=100, blank=True, default=""
    )
    other_names = models.JSONField(_("other names and aliases"), default=list, blank=True)
    # An infant not yet named, an unconscious patient: names left blank on purpose.
    names_unknown = models.BooleanField(_("names unknown"), default=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_precision = models.CharField(
        _("date of birth precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    relationship = models.CharField(
        _("relationship to focal point"), max_length=20, choices=Relationship.choices
    )
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # Set with status MERGED: the record this duplicate registration was merged into.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    # Accent- and case-folded names and aliases, maintained on save, for search (empty for a
    # merged record: its names live on as aliases of the record it was merged into).
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    # The phonetic keys (linkage.normalise.phonetic_key) of every word of the names and
    # aliases, each between spaces (" ktm mhmt "), so a search finds Kaltuma for Kaltouma and
    # Mohammed for Mohamed with the desk check's own spelling rules; empty for a merged record.
    name_keys = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        ordering = ["household", "id"]
        indexes = [
            models.Index(fields=["status", "date_of_birth"]),
            models.Index(fields=["family_name", "given_name"]),
            # The search by date of birth or age, whatever the status; with the household so
            # that an age matching thousands reads the index alone.
            models.Index(fields=["date_of_birth", "household"], name="individual_born_household"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(names_unknown=True)
                | ~models.Q(given_name="")
                | ~models.Q(family_name=""),
                name="individual_has_a_name_unless_unknown",
            ),
        ]
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")

    def __str__(self) -> str:
        return self.full_name or str(_("(name unknown)"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "name_keys"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def local_name(self) -> str:
        """The names in the person's own script ("" when none were written)."""
        return " ".join(p for p in (self.given_name_local, self.family_name_local) if p)

    def age_on(self, day: date) -> int | None:
        return dates.age_on(self.date_of_birth, day)

    def refresh_search_text(self) -> None:
        """search_text and name_keys from the names and aliases (save() calls it)."""
        if self.status == Individual.Status.MERGED:
            self.search_text = ""
            self.name_keys = ""
            return
        names = [
            self.given_name,
            self.family_name,
            self.given_name_local,
            self.family_name_local,
            *map(str, self.other_names or []),
        ]
        self.search_text = fold(" ".join(n for n in names if n))[:400]
        self.name_keys = name_keys(names)


def name_keys(names: Sequence[str]) -> str:
    """The phonetic keys of the words of `names`, once each, each between spaces."""
    keys = dict.fromkeys(phonetic_key(t) for name in names if name for t in name_tokens(name))
    text = " ".join(k for k in keys if k)
    return f" {text} "[:400] if text else ""


class SpecificNeedRecord(PublicId, models.Model):
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, related_name="specific_needs"
    )
    code = models.CharField(_("specific need"), max_length=2, choices=SpecificNeed.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["individual", "code"], name="specific_need_once")
        ]
        indexes = [models.Index(fields=["code"])]
        verbose_name = _("specific need")
        verbose_name_plural = _("specific needs")

    def __str__(self) -> str:
        return self.code


class IdentityDocument(PublicId, models.Model):
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    number = models.CharField(_("document number"), max_length=60)
    issuing_country = models.CharField(_("issuing country"), max_length=3, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # False for a copy of a document an earlier record already held, found in a registry
    # filled before one document number meant one person (migration 0006, bulk loads of
    # files with duplicates): kept and shown as evidence for the duplicate review, but not
    # this number's holder. Registration never writes one.
    active = models.BooleanField(default=True, db_default=True)

    class Meta:
        indexes = [
            models.Index(fields=["number"]),
            models.Index(document_key_of("number"), name="document_number_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "number"],
                condition=models.Q(active=True),
                name="identity_document_active_once",
            )
        ]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.number}"


class Membership(PublicId, models.Model):
    """Which household a person belonged to, from when to when. The open membership (no end
    date) is the current one; closing it and opening another records a move."""

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["individual", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["individual"],
                condition=models.Q(ended_on__isnull=True),
                name="one_current_membership",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.individual_id} in {self.household_id} from {self.started_on}"

    @property
    def reason_label(self) -> str:
        """The reason in words: the services write an event reason's code ("registered",
        "marriage") or, for a birth, "birth"; anything else is a clerk's own words."""
        if self.reason in EventReason.values:
            return str(EventReason(self.reason).label)
        if self.reason == "birth":
            return str(_("Born in the household"))
        return self.reason


class LifeEvent(PublicId, AppendOnly):
    """One thing that happened in a household's life, as the registry recorded it.

    - `household` is the subject; `individuals` the members it concerns. Without any it
      concerns the whole household (a registration, a household's status change).
    - `occurred_on` is when it happened (with `occurred_on_precision`: a death may be known
      only by its year), `recorded_at` and `recorded_by` when and by whom it was written down.
    - `reason` is a code (codes.EventReason), `note` the clerk's own words.
    - `data` holds the kind's own details, plain JSON of codes and ids (never names, never a
      specific need: the audit log copies it), but for a correction (registry.corrections):
      its `changes` hold each field's value before and after, names too (the corrected row's
      own audit entry holds them already); a correction of a protection-sensitive need is an
      event of its own marked `protection`, logged as sensitive and shown to protection
      officers only. A change of status keeps `old_status` and
      `new_status` (of the household, or of each individual named); a merge its `merge` (the
      MergeRecord) and `survivor`; a join `from_household`, `old_relationship` and
      `relationship`. The coming kinds add theirs beside them.
    - `corrects` points to an earlier event this one puts right.

    Append-only (core.models.AppendOnly, and in the database since migration 0009): an event is
    never changed or deleted; a mistake is undone by a later event that corrects it."""

    append_only_message = "Life events are append-only: record an event that corrects this one."

    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="life_events",
    )
    individuals = models.ManyToManyField(
        Individual,
        verbose_name=_("individuals"),
        through="LifeEventIndividual",
        related_name="life_events",
        blank=True,
    )
    occurred_on = models.DateField(_("occurred on"))
    occurred_on_precision = models.CharField(
        _("precision of the date"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = by_user(_("recorded by"))
    reason = models.CharField(_("reason"), max_length=40, blank=True, choices=EventReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )

    class Meta:
        ordering = ["occurred_on", "recorded_at", "id"]
        indexes = [
            # The household page's timeline.
            models.Index(
                fields=["household", "occurred_on", "recorded_at"],
                name="life_event_timeline",
            ),
            models.Index(fields=["kind", "occurred_on"], name="life_event_kind"),
        ]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"

    @property
    def changes_status(self) -> bool:
        return "new_status" in self.data

    @property
    def old_status(self) -> str:
        return str(self.data.get("old_status", ""))

    @property
    def new_status(self) -> str:
        return str(self.data.get("new_status", ""))

    @property
    def reason_text(self) -> str:
        """The reason as the status history gives it: the code, or the clerk's words."""
        return self.reason or self.note


class LifeEventIndividual(AppendOnly):
    """A member a life event concerns. Append-only like the event."""

    append_only_message = LifeEvent.append_only_message

    event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="+")
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "individual"], name="life_event_individual_once"
            )
        ]
        verbose_name = _("individual of a life event")
        verbose_name_plural = _("individuals of life events")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.individual_id}"


def status_data(old_status: str, new_status: str, **details: Any) -> dict[str, Any]:
    """The `data` of an event that changes a status."""
    return {"old_status": old_status, "new_status": new_status, **details}


class DuplicateCandidate(models.Model):
    """A pair of individuals the dedupe job found likely to be one person, for review.
    `individual_l` has the lower id."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        NOT_SAME = "not_same", _("Not the same person")
        # One of its people was merged with somebody else and the pair could not be re-pointed
        # (already proposed, or already judged different).
        CLOSED = "closed", _("Closed by another merge")

    individual_l = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+")
    individual_r = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    evidence = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["individual_l", "individual_r"],
                condition=models.Q(status="open"),
                name="duplicate_candidate_open_once",
            ),
            models.CheckConstraint(
                condition=models.Q(individual_l__lt=models.F("individual_r")),
                name="duplicate_candidate_ordered",
            ),
        ]
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")

    def __str__(self) -> str:
        return f"{self.individual_l_id} ~ {self.individual_r_id} ({self.probability:.2f})"


class NotSamePerson(models.Model):
    """A reviewer's decision that two individuals are different people: never proposed again.
    `individual_l` has the lower id."""

    individual_l = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+")
    individual_r = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["individual_l", "individual_r"], name="not_same_person_once"
            ),
            models.CheckConstraint(
                condition=models.Q(individual_l__lt=models.F("individual_r")),
                name="not_same_person_ordered",
            ),
        ]
        verbose_name = _("not the same person")
        verbose_name_plural = _("not the same person")

    def __str__(self) -> str:
        return f"{self.individual_l_id} ≠ {self.individual_r_id}"


class MergeRecord(models.Model):
    """One merge of a duplicate registration (`individual`) into the record that survives, with
    exactly what it changed, so that `merge.unmerge` can put everything back. Ids only: no
    names or need codes are copied here."""

    class State(models.TextChoices):
        MERGED = "merged", _("Merged")
        UNDONE = "undone", _("Undone")

    # Named `individual` so the audit log finds the site of the merged-away record.
    individual = models.ForeignKey(
        Individual,
        verbose_name=_("merged record"),
        on_delete=models.PROTECT,
        related_name="merge_records",
    )
    survivor = models.ForeignKey(
        Individual, verbose_name=_("surviving record"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.MERGED)
    # Names appended to the survivor's other_names, in order.
    aliases_added = models.JSONField(default=list)
    document_ids = models.JSONField(default=list)
    need_ids = models.JSONField(default=list)
    # The merged record's household memberships (its open one closed first), moved to the
    # survivor so the survivor's history shows where the other registration lived.
    membership_ids = models.JSONField(default=list)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual_old_status = models.CharField(max_length=20)
    # Set when the merged record was its household's focal point (the survivor takes over when
    # both are of one household; otherwise the household has none until somebody chooses).
    focal_point_cleared = models.BooleanField(default=False)
    # Set when the merge left the household without an active member and closed it.
    household_closed = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household_old_status = models.CharField(max_length=20, blank=True)
    household_old_shelter = models.ForeignKey(
        "sites.Shelter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Other open candidates of the merged record: [{"id", "individual_l", "individual_r",
    # "action": "repointed" | "closed"}], with the pair as it was before the merge.
    candidates = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            # A record is merged away at most once at a time.
            models.UniqueConstraint(
                fields=["individual"],
                condition=models.Q(state="merged"),
                name="merge_record_active_once",
            ),
        ]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.individual_id} → {self.survivor_id} ({self.state})"


class HouseholdPhoto(Timestamped, models.Model):
    """A photo of the household's focal point, printed on its ration card when asked.

    Personal data: the image is a file under settings.EDGECAMP_PHOTO_DIR (in the data
    directory, never in the repository or under the static files), named by a random token
    (not the household number), served only through the household's access check
    (`registry.photos`)."""

    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="photo"
    )
    file_name = models.CharField(max_length=64, editable=False)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    taken_by = by_user(_("taken by"))

    class Meta:
        verbose_name = _("household photo")
        verbose_name_plural = _("household photos")

    def __str__(self) -> str:
        return str(_("photo"))


class FamilyMerge(models.Model):
    """A family registered twice, merged as a family (`registry.family`): every pair of its
    members merged (`merges`, MergeRecords in the order made), the members without a pair moved
    into the household kept (`moved`), the emptied household closed by its last merge. Ids
    only, no names: what `family.unmerge_family` needs to put both households back."""

    class State(models.TextChoices):
        MERGED = "merged", _("Merged")
        UNDONE = "undone", _("Undone")

    kept = models.ForeignKey(
        Household, verbose_name=_("household kept"), on_delete=models.PROTECT, related_name="+"
    )
    # Named `household` so the audit log finds the site of the closed household.
    household = models.ForeignKey(
        Household,
        verbose_name=_("household closed"),
        on_delete=models.PROTECT,
        related_name="family_merges",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.MERGED)
    merges = models.JSONField(default=list)
    # [{"individual", "relationship"}]: each moved member and its relationship before.
    moved = models.JSONField(default=list)
    # The candidates across the two households the reviewer judged not the same people.
    not_same = models.JSONField(default=list)
    focal_point = models.ForeignKey(
        Individual, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("family merge")
        verbose_name_plural = _("family merges")

    def __str__(self) -> str:
        return f"{self.household_id} → {self.kept_id} ({self.state})"
