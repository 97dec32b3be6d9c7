"""The household page's life-event forms: one form class whose fields depend on the kind, each
named as the service's input (so `EventError.apply_to` puts every message on its field), and
`to_input` building the kind's input for `events.record_event`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.dates import in_words
from edgecamp.core.forms import TextField
from edgecamp.registry import events
from edgecamp.registry.codes import DatePrecision, EventKind, EventReason, Relationship, Sex
from edgecamp.registry.models import Household, Individual, LifeEvent
from edgecamp.sites import queries as site_queries

BLANK = ("", "—")

# The kinds a clerk records from the household page, in the order the page offers them, each
# with its button's words.
KINDS: dict[str, Any] = {
    EventKind.BIRTH: _("Record a birth"),
    EventKind.DEATH: _("Record a death"),
    EventKind.MISSING: _("Report missing"),
    EventKind.FOUND: _("Report found"),
    EventKind.DEPARTURE: _("Record a departure"),
    EventKind.RETURN: _("Record a return"),
    EventKind.MOVE: _("Move to another shelter"),
    EventKind.RELOCATION: _("Relocate to another site"),
    EventKind.JOIN: _("A member joins another household"),
    EventKind.SPLIT: _("Split the household"),
    EventKind.FOCAL_POINT_CHANGE: _("Change the focal point"),
    EventKind.CORRECTION: _("Undo an event recorded by mistake"),
}

# Which fields each kind's form has (besides date, reason and note).
_FIELDS: dict[str, tuple[str, ...]] = {
    EventKind.BIRTH: (
        "given_name",
        "family_name",
        "names_unknown",
        "sex",
        "relationship",
        "nationality",
    ),
    EventKind.DEATH: ("date_precision", "members", "place", "cause", "new_focal_point"),
    EventKind.MISSING: ("date_precision", "members", "new_focal_point"),
    EventKind.FOUND: ("members",),
    EventKind.DEPARTURE: ("members", "destination", "new_focal_point"),
    EventKind.RETURN: ("members", "shelter"),
    EventKind.MOVE: ("shelter",),
    EventKind.RELOCATION: ("site",),
    EventKind.JOIN: ("members", "to_household", "relationship", "new_focal_point"),
    EventKind.SPLIT: ("members", "focal_point", "new_focal_point", "shelter"),
    EventKind.FOCAL_POINT_CHANGE: ("new_focal_point",),
    EventKind.CORRECTION: ("corrects",),
}
_ALL_OPTIONAL = {
    "given_name",
    "family_name",
    "names_unknown",
    "nationality",
    "place",
    "cause",
    "destination",
    "new_focal_point",
    "date_precision",
}
# Which members each kind may name.
_MEMBER_STATUSES: dict[str, set[str]] = {
    EventKind.DEATH: {Individual.Status.ACTIVE, Individual.Status.MISSING},
    EventKind.MISSING: {Individual.Status.ACTIVE},
    EventKind.FOUND: {Individual.Status.MISSING},
    EventKind.DEPARTURE: {Individual.Status.ACTIVE},
    EventKind.RETURN: {Individual.Status.DEPARTED},
    EventKind.JOIN: {Individual.Status.ACTIVE},
    EventKind.SPLIT: {Individual.Status.ACTIVE},
}
_MEMBER_HELP: dict[str, Any] = {
    EventKind.DEPARTURE: _("Leave every box empty when the whole household leaves."),
    EventKind.RETURN: _("Leave every box empty when the whole household comes back."),
    EventKind.SPLIT: _("The members who form the new household."),
}


def _person_label(person: Individual) -> str:
    return str(person)


class EventForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_precision = forms.ChoiceField(
        label=_("Precision of the date"),
        choices=DatePrecision.choices,
        initial=DatePrecision.EXACT,
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Members concerned"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    given_name = TextField(label=_("Given name"), max_length=100)
    family_name = TextField(label=_("Family name"), max_length=100)
    names_unknown = forms.BooleanField(label=_("Names unknown (not named yet)"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    relationship = forms.ChoiceField(
        label=_("Relationship to the focal point"),
        choices=[c for c in Relationship.choices if c[0] != Relationship.FOCAL_POINT],
        initial=Relationship.CHILD,
    )
    nationality = TextField(
        label=_("Nationality"), max_length=3, help_text=_("ISO 3166 code, e.g. SDN.")
    )
    place = TextField(label=_("Place of death"), max_length=120)
    cause = forms.ChoiceField(
        label=_("Cause (category)"), choices=[BLANK, *events.CauseOfDeath.choices]
    )
    destination = TextField(label=_("Destination"), max_length=120)
    new_focal_point = forms.TypedChoiceField(
        label=_("New focal point"),
        coerce=int,
        empty_value=None,
        help_text=_("Required when the focal point leaves and others stay."),
    )
    focal_point = forms.TypedChoiceField(
        label=_("Focal point of the new household"), coerce=int, empty_value=None
    )
    shelter = forms.TypedChoiceField(
        label=_("Shelter"), coerce=int, empty_value=None, help_text=_("Available shelters.")
    )
    site = forms.TypedChoiceField(label=_("Site moved to"), coerce=int, empty_value=None)
    to_household = TextField(label=_("Number of the household joined"), max_length=20)
    corrects = forms.ChoiceField(label=_("Event to undo"))
    reason = forms.ChoiceField(label=_("Reason"))
    note = TextField(label=_("Note"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, kind: str, household: Household, scope: Scope | None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.household = household
        keep = {"date", *_FIELDS[kind], "note"}
        if events.REASONS[kind] != (EventReason.OTHER,):
            keep.add("reason")  # births, deaths, missing and found have no reasons to choose
        if kind == EventKind.CORRECTION:
            keep.discard("date")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name in _ALL_OPTIONAL | {"note"}:
            if name in self.fields:
                self.fields[name].required = False
        people = list(household.members.all())
        if "members" in self.fields:
            statuses = _MEMBER_STATUSES[kind]
            members = self.fields["members"]
            assert isinstance(members, forms.TypedMultipleChoiceField)
            members.choices = [(p.pk, _person_label(p)) for p in people if p.status in statuses]
            members.required = kind not in (EventKind.DEPARTURE, EventKind.RETURN)
            members.help_text = _MEMBER_HELP.get(kind, "")
        active = [(p.pk, _person_label(p)) for p in people if p.status == Individual.Status.ACTIVE]
        for name in ("new_focal_point", "focal_point"):
            if name in self.fields:
                field = self.fields[name]
                assert isinstance(field, forms.TypedChoiceField)
                field.choices = [BLANK, *active]
        if kind == EventKind.FOCAL_POINT_CHANGE:
            self.fields["new_focal_point"].required = True
            self.fields["new_focal_point"].help_text = ""
        if "shelter" in self.fields:
            shelter = self.fields["shelter"]
            assert isinstance(shelter, forms.TypedChoiceField)
            shelter.required = kind == EventKind.MOVE
            shelter.choices = [
                BLANK,
                *(
                    (s.pk, f"{s.block.code}/{s.code} ({s.get_type_display()}, {s.capacity})")
                    for s in site_queries.available_shelters(household.site_id)
                ),
            ]
        if "site" in self.fields:
            site = self.fields["site"]
            assert isinstance(site, forms.TypedChoiceField)
            site.choices = [
                BLANK,
                *(
                    (s.pk, s.name)
                    for s in site_queries.sites_open_for_registration(scope=scope)
                    if s.pk != household.site_id
                ),
            ]
        if "corrects" in self.fields:
            corrects = self.fields["corrects"]
            assert isinstance(corrects, forms.ChoiceField)
            corrects.choices = [BLANK, *correctable_events(household)]
        if "reason" in self.fields:
            reason = self.fields["reason"]
            assert isinstance(reason, forms.ChoiceField)
            labels = dict(EventReason.choices)
            reason.choices = [(code, labels[code]) for code in events.REASONS[kind]]
            if kind == EventKind.DEPARTURE:
                reason.choices = [BLANK, *reason.choices]

    def to_input(self) -> events.EventInput:
        data = self.cleaned_data
        common: dict[str, Any] = {
            "on": data.get("date"),
            "precision": data.get("date_precision") or DatePrecision.EXACT,
            "reason": data.get("reason", ""),
            "note": data.get("note", ""),
            "members": tuple(data.get("members") or ()),
        }
        kind = self.kind
        if kind == EventKind.BIRTH:
            return events.BirthInput(
                **common,
                sex=data["sex"],
                relationship=data["relationship"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                names_unknown=data["names_unknown"],
                nationality=data["nationality"],
            )
        if kind == EventKind.DEATH:
            return events.DeathInput(
                **common,
                place=data["place"],
                cause=data["cause"],
                new_focal_point=data["new_focal_point"],
            )
        if kind == EventKind.MISSING:
            return events.MissingInput(**common, new_focal_point=data["new_focal_point"])
        if kind == EventKind.FOUND:
            return events.FoundInput(**common)
        if kind == EventKind.DEPARTURE:
            return events.DepartureInput(
                **common, destination=data["destination"], new_focal_point=data["new_focal_point"]
            )
        if kind == EventKind.RETURN:
            return events.ReturnInput(**common, shelter=data["shelter"])
        if kind == EventKind.MOVE:
            return events.MoveInput(**common, shelter=data["shelter"])
        if kind == EventKind.RELOCATION:
            return events.RelocationInput(**common, site=data["site"])
        if kind == EventKind.JOIN:
            return events.JoinInput(
                **common,
                to_household=data["to_household"],
                relationship=data["relationship"],
                new_focal_point=data["new_focal_point"],
            )
        if kind == EventKind.SPLIT:
            return events.SplitInput(
                **common,
                focal_point=data["focal_point"],
                new_focal_point=data["new_focal_point"],
                shelter=data["shelter"],
            )
        if kind == EventKind.FOCAL_POINT_CHANGE:
            return events.FocalPointChangeInput(**common, new_focal_point=data["new_focal_point"])
        return events.CorrectionInput(**common, corrects=data["corrects"])

    def apply(self, error: events.EventError) -> None:
        """The service's messages on their fields (`members.2` on the members' boxes)."""
        renamed = {path: path.split(".")[0] for path in error.errors if "." in path}
        error.apply_to(self, renamed)


def event_kinds_for(household: Household) -> list[tuple[str, Any]]:
    """The actions the household page offers, for the household as it is (the service checks
    again): a departed household can only come back, a birth needs an active one, and so on."""
    statuses = {m.status for m in household.members.all()}
    if household.status == Household.Status.MERGED:
        return []
    if household.status in (Household.Status.DEPARTED, Household.Status.RELOCATED):
        wanted = {EventKind.RETURN, EventKind.CORRECTION}
    elif household.status == Household.Status.INACTIVE:
        wanted = {EventKind.RETURN, EventKind.DEPARTURE, EventKind.CORRECTION}
    else:
        wanted = set(KINDS) - {EventKind.RETURN, EventKind.FOUND}
        if Individual.Status.DEPARTED in statuses:
            wanted.add(EventKind.RETURN)
        if Individual.Status.MISSING in statuses:
            wanted.add(EventKind.FOUND)
    return [(kind, label) for kind, label in KINDS.items() if kind in wanted]


def correctable_events(household: Household) -> list[tuple[str, str]]:
    """(uuid, label) of the household's events a correction may undo, newest first."""
    found = (
        LifeEvent.objects.filter(household=household, kind__in=events.CORRECTABLE)
        .filter(corrections__isnull=True)
        .order_by("-recorded_at")[:20]
    )
    return [(str(e.uuid), f"{in_words(e.occurred_on)} — {e.get_kind_display()}") for e in found]
