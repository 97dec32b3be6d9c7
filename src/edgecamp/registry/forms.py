"""Forms of the staff web UI. They parse what a clerk typed into the plain input objects of
`services` and put the service's field errors back next to the right fields; the registration
rules themselves live in `services`, so the form, the API and the CLI enforce the same ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.forms import TextField
from edgecamp.registry import services
from edgecamp.registry.codes import (
    DatePrecision,
    DocumentType,
    Relationship,
    Sex,
    SpecificNeed,
    nationality_choices,
)
from edgecamp.registry.services import (
    MAX_MEMBERS,
    DocumentInput,
    HouseholdInput,
    MemberInput,
    RegistrationError,
)
from edgecamp.registry.typed import slashed_date, typed_age
from edgecamp.sites import queries as site_queries

MEMBER_PREFIX = "members"
EMPTY_MEMBER_ROWS = 3

# Languages most often met at the desks, stored as ISO 639 codes (639-1 where one exists).
COMMON_LANGUAGES: list[tuple[str, Any]] = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
    ("so", _("Somali")),
    ("ha", _("Hausa")),
    ("kr", _("Kanuri")),
    ("ff", _("Fula")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
    ("am", _("Amharic")),
    ("ti", _("Tigrinya")),
    ("om", _("Oromo")),
    ("rhg", _("Rohingya")),
    ("my", _("Burmese")),
    ("ps", _("Pashto")),
    ("fa", _("Persian (Dari, Farsi)")),
    ("ur", _("Urdu")),
    ("ku", _("Kurdish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
]

BLANK_CHOICE = ("", "—")

# Commas, Arabic commas and semicolons all separate aliases.
_ALIAS_SEPARATORS = re.compile(r"[,،;]")
_BARE_YEAR = re.compile(r"^\d{4}$")


def language_name(code: str) -> str:
    """A readable name for a stored language code (the common list, else ISO 639)."""
    if not code:
        return ""
    names = dict(COMMON_LANGUAGES)
    if code in names:
        return str(names[code])
    import pycountry

    found = pycountry.languages.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})
    return found.name if found else code


def nationality_names() -> dict[str, str]:
    return dict(_nationalities(get_language()))


@cache
def _nationalities(language: str) -> tuple[tuple[str, str], ...]:
    # Translating and sorting ~250 countries once per language, not once per member row.
    return tuple(nationality_choices(language))


def nationality_options(language: str) -> list[Any]:
    """The nationality select's choices: the operation's usual nationalities first
    (settings.EDGECAMP_USUAL_NATIONALITIES, in its order), then every country."""
    every = _nationalities(language)
    names = dict(every)
    usual = [(code, names[code]) for code in settings.EDGECAMP_USUAL_NATIONALITIES if code in names]
    if not usual:
        return [BLANK_CHOICE, *every]
    return [
        BLANK_CHOICE,
        (gettext("Usual in this operation"), usual),
        (gettext("All countries"), list(every)),
    ]


class DeferredValidationMixin:
    """`validate=False` binds the submitted data without validating it: used to re-display the
    form after "Add member" without JavaScript, where complaining about half-typed fields would
    be noise."""

    def __init__(self, *args: Any, validate: bool = True, **kwargs: Any) -> None:
        self.validate = validate
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        if self.validate:
            super().full_clean()  # type: ignore[misc]
            return
        self._errors = ErrorDict()
        self.cleaned_data: dict[str, Any] = {}


class HouseholdSearchForm(forms.Form):
    q = TextField(
        label=_("Name or household number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=site_queries.all_sites(),
        required=False,
        empty_label=_("All sites"),
    )

    def __init__(self, *args: Any, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = site_queries.all_sites(scope=scope)


class HouseholdForm(DeferredValidationMixin, forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=site_queries.sites_open_for_registration(), empty_label="—"
    )
    shelter = forms.TypedChoiceField(
        label=_("Shelter"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Available shelters of the chosen site. Leave empty if not yet allocated."),
    )
    place_of_origin = TextField(label=_("Place of origin"), required=False, max_length=120)
    phone = TextField(
        label=_("Phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[BLANK_CHOICE, *COMMON_LANGUAGES]
    )
    registration_desk = TextField(label=_("Registration desk"), required=False, max_length=40)
    registration_date = forms.DateField(
        label=_("Registration date"),
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A clerk registers at the sites they work at only.
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = site_queries.sites_open_for_registration(scope=scope)
        site_id = self._chosen_site_id()
        if site_id is not None and scope is not None and not scope.includes(site_id):
            site_id = None
        shelters = site_queries.available_shelters(site_id) if site_id else []
        shelter_field = self.fields["shelter"]
        assert isinstance(shelter_field, forms.TypedChoiceField)
        shelter_field.choices = [
            ("", _("— none yet —") if site_id else _("— choose a site first —")),
            *((s.pk, _shelter_label(s)) for s in shelters),
        ]

    def _chosen_site_id(self) -> int | None:
        raw = self.data.get(self.add_prefix("site")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("site")
        try:
            return int(str(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            return None

    def partial_input(self, members: list[MemberInput]) -> HouseholdInput:
        """The input as far as the fields parsed (for every error at once): a field that did
        not parse is left empty, and its own error already says why."""
        data = self.cleaned_data
        site = data.get("site")
        return HouseholdInput(
            site_id=site.pk if site is not None else 0,
            shelter_id=data.get("shelter"),
            members=members,
            place_of_origin=data.get("place_of_origin", ""),
            phone=data.get("phone", ""),
            language=data.get("language", ""),
            registration_desk=data.get("registration_desk", ""),
            registration_date=data.get("registration_date"),
        )

    def to_input(self, members: list[MemberInput]) -> HouseholdInput:
        data = self.cleaned_data
        return HouseholdInput(
            site_id=data["site"].pk,
            shelter_id=data["shelter"],
            members=members,
            place_of_origin=data["place_of_origin"],
            phone=data["phone"],
            language=data["language"],
            registration_desk=data["registration_desk"],
            registration_date=data["registration_date"],
        )


class BirthDateField(forms.DateField):
    """A date of birth as a desk types it: YYYY-MM-DD, a bare year, a date with slashes in the
    operation's order (day first unless settings.EDGECAMP_DATES_DAY_FIRST is off), or an age,
    stored as 1 January of the year it gives (MemberForm.clean marks it estimated)."""

    input_formats = ["%Y-%m-%d", "%Y"]

    def to_python(self, value: Any) -> date | None:
        text = str(value or "").strip()
        age = typed_age(text)
        if age is not None:
            if age > 120:
                raise forms.ValidationError(_("An age over 120 is not plausible."), code="age")
            return date(timezone.localdate().year - age, 1, 1)
        try:
            slashed = slashed_date(text)
        except ValueError as wrong:
            invalid = self.error_messages["invalid"]
            raise forms.ValidationError(invalid, code="invalid") from wrong
        if slashed is not None:
            return slashed
        return super().to_python(value)


def own_script_field(label: str) -> TextField:
    """A name in the person's own script: typed right to left when it is Arabic (`dir=auto`
    follows the first letter typed)."""
    return TextField(
        label=label,
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("As the person writes it, e.g. in Arabic script."),
    )


class MemberForm(DeferredValidationMixin, forms.Form):
    given_name = TextField(label=_("Given name"), required=False, max_length=100)
    family_name = TextField(label=_("Family name"), required=False, max_length=100)
    given_name_local = own_script_field(_("Given name in own script"))
    family_name_local = own_script_field(_("Family name in own script"))
    other_names = TextField(
        label=_("Other names and aliases"),
        required=False,
        max_length=300,
        help_text=_("Separate several with commas."),
    )
    names_unknown = forms.BooleanField(label=_("Names unknown"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[BLANK_CHOICE, *Sex.choices])
    date_of_birth = BirthDateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("YYYY-MM-DD or DD/MM/YYYY, just the year, or an age (about 30)."),
        widget=forms.DateInput(
            attrs={"placeholder": pgettext_lazy("date format hint", "YYYY-MM-DD")},
            format="%Y-%m-%d",
        ),
    )
    date_of_birth_precision = forms.ChoiceField(
        label=_("Precision"),
        required=False,
        choices=DatePrecision.choices,
        initial=DatePrecision.EXACT,
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to focal point"),
        required=False,
        choices=[BLANK_CHOICE, *Relationship.choices],
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    specific_needs = forms.MultipleChoiceField(
        label=_("Specific needs"),
        required=False,
        choices=SpecificNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"), required=False, choices=[BLANK_CHOICE, *DocumentType.choices]
    )
    document_number = TextField(label=_("Document number"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = nationality_options(get_language())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A bare year typed as the date of birth means the day and month are not known.
        raw = str(self.data.get(self.add_prefix("date_of_birth"), "")).strip()
        unsure = data.get("date_of_birth_precision") in ("", DatePrecision.EXACT)
        if _BARE_YEAR.match(raw) and unsure:
            data["date_of_birth_precision"] = DatePrecision.YEAR
        elif typed_age(raw) is not None and data.get("date_of_birth") is not None:
            # An age gives the year only, as a guess.
            data["date_of_birth_precision"] = DatePrecision.ESTIMATED
        return data

    def partial_input(self) -> MemberInput:
        """As `to_input`, with the fields that did not parse left empty."""
        data = {
            "document_type": "",
            "document_number": "",
            "date_of_birth": None,
            "date_of_birth_precision": "",
            "relationship": "",
            "sex": "",
            "given_name": "",
            "family_name": "",
            "given_name_local": "",
            "family_name_local": "",
            "other_names": "",
            "names_unknown": False,
            "nationality": "",
            "specific_needs": [],
            **self.cleaned_data,
        }
        return self._input_from(data)

    def to_input(self) -> MemberInput:
        return self._input_from(self.cleaned_data)

    def _input_from(self, data: dict[str, Any]) -> MemberInput:
        documents = []
        if data["document_type"] or data["document_number"].strip():
            documents.append(
                DocumentInput(type=data["document_type"], number=data["document_number"])
            )
        dob: date | None = data["date_of_birth"]
        return MemberInput(
            relationship=data["relationship"],
            sex=data["sex"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            other_names=[n.strip() for n in _ALIAS_SEPARATORS.split(data["other_names"])],
            names_unknown=data["names_unknown"],
            given_name_local=data["given_name_local"],
            family_name_local=data["family_name_local"],
            date_of_birth=dob,
            date_of_birth_precision=data["date_of_birth_precision"] or DatePrecision.EXACT,
            nationality=data["nationality"],
            specific_needs=list(data["specific_needs"]),
            documents=documents,
        )


class BaseMemberFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Member rows; `validate=False` as in DeferredValidationMixin."""

    def __init__(self, *args: Any, validate: bool = True, **kwargs: Any) -> None:
        self.validate = validate
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["validate"] = self.validate
        if index == 0:
            # The first row is usually the focal point; an untouched first row stays "empty".
            kwargs["initial"] = {"relationship": Relationship.FOCAL_POINT}
        return kwargs

    def full_clean(self) -> None:
        if self.validate:
            super().full_clean()
            return
        self._errors = []
        self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)

    def filled_forms(self) -> list[MemberForm]:
        """Rows the clerk typed something into; untouched extra rows are ignored."""
        return [form for form in self.forms if form.has_changed()]


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=EMPTY_MEMBER_ROWS,
    max_num=MAX_MEMBERS,
    absolute_max=MAX_MEMBERS,
)


def member_form(index: int) -> MemberForm:
    """The empty row number `index` of the member formset, as "Add member" appends it."""
    return MemberForm(
        prefix=f"{MEMBER_PREFIX}-{index}", empty_permitted=True, use_required_attribute=False
    )


# Service paths inside a member that have a differently named form field.
_MEMBER_FIELD_FOR_PATH = {
    "documents.0.type": "document_type",
    "documents.0.number": "document_number",
}


def apply_remaining_problems(
    household_form: HouseholdForm, member_forms: list[MemberForm]
) -> list[str]:
    """When some fields did not parse, the registration service's other findings (a missing
    name, two focal points, a bad phone) on the fields that have no error of their own, so the
    clerk sees every error at once, not one round at a time."""
    members = [form.partial_input() for form in member_forms]
    problems = services.registration_problems(household_form.partial_input(members))
    remaining = RegistrationError()
    for path, messages in problems.errors.items():
        head, _sep, rest = path.partition(".")
        if head == "members" and rest:
            index, _sep, member_path = rest.partition(".")
            form = member_forms[int(index)]
            field = _MEMBER_FIELD_FOR_PATH.get(member_path, member_path)
            if field in form.errors:
                continue
        elif (head != "members" and path in household_form.errors) or (
            head == "site" and "site" in household_form.errors
        ):
            continue
        for message in messages:
            remaining.add(path, message)
    return apply_registration_errors(remaining, household_form, member_forms)


def apply_registration_errors(
    error: RegistrationError, household_form: HouseholdForm, member_forms: list[MemberForm]
) -> list[str]:
    """Attach the service's dotted-path errors to the fields they are about. `member_forms[i]`
    is the form that produced the service's `members.i`. Returns the errors about the member
    list as a whole (`members`), which belong to no single field."""
    about_members: list[str] = []
    for path, messages in error.errors.items():
        head, _sep, rest = path.partition(".")
        if head == "members" and not rest:
            about_members.extend(messages)
            continue
        if head == "members":
            index, _sep, member_path = rest.partition(".")
            form = member_forms[int(index)]
            field = _MEMBER_FIELD_FOR_PATH.get(member_path, member_path)
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
            continue
        field = path if path in household_form.fields else None
        for message in messages:
            household_form.add_error(field, message)
    return about_members


@dataclass(frozen=True)
class ErrorSummaryItem:
    label: str
    message: str
    anchor: str


def error_summary(
    household_form: HouseholdForm, formset: BaseMemberFormSet, about_members: list[str]
) -> list[ErrorSummaryItem]:
    """Every error on the page, each linking to its field, for the summary at the top."""
    items = [ErrorSummaryItem(str(_("Members")), m, "members") for m in about_members]
    items += [
        ErrorSummaryItem(str(_("Members")), str(m), "members") for m in formset.non_form_errors()
    ]
    items += _form_summary(household_form, "")
    for number, form in enumerate(formset.forms, start=1):
        items += _form_summary(form, str(_("Member %(number)d")) % {"number": number})
    return items


def _shelter_label(shelter: Any) -> str:
    return gettext("%(shelter)s (for %(capacity)d people)") % {
        "shelter": f"{shelter.block.code}/{shelter.code}",
        "capacity": shelter.capacity,
    }


def _form_summary(form: forms.Form, context: str) -> list[ErrorSummaryItem]:
    items = []
    for field_name, errors in form.errors.items():
        if field_name == forms.forms.NON_FIELD_ERRORS:
            label, anchor = context or str(_("Household")), (form.prefix or "household")
        else:
            bound = form[field_name]
            label = str(bound.label)
            if context:
                label = gettext("%(member)s, %(field)s") % {"member": context, "field": label}
            anchor = bound.id_for_label or bound.auto_id
        items += [ErrorSummaryItem(label, str(message), anchor) for message in errors]
    return items
