"""The correction forms of the household page. Each field is named like the key of
`corrections.household_values` / `individual_values`, so the form's values compare with the
values it was drawn from (the hidden `original`) key by key: only what the clerk changed is
sent to the service, and the service refuses the save if the record changed meanwhile."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.forms import TextField
from edgecamp.registry import corrections
from edgecamp.registry.codes import (
    PROTECTION_SENSITIVE_NEEDS,
    DatePrecision,
    DocumentType,
    EventReason,
    Relationship,
    Sex,
    SpecificNeed,
)
from edgecamp.registry.forms import (
    BLANK_CHOICE,
    COMMON_LANGUAGES,
    nationality_options,
    own_script_field,
)
from edgecamp.registry.models import Household, IdentityDocument, Individual

_DATE = {"input_formats": ["%Y-%m-%d"], "widget": forms.DateInput(attrs={"type": "date"})}
NEW_DOCUMENT = "new_document"


def _reason_choices() -> list[tuple[str, Any]]:
    labels = dict(EventReason.choices)
    return [
        BLANK_CHOICE,
        *((str(r.value), labels[r.value]) for r in corrections.CORRECTION_REASONS),
    ]


class _CorrectionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is it corrected?"), choices=_reason_choices)
    note = TextField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("What was wrong, or which document shows it (required with “other”)."),
    )
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def drawn(self) -> dict[str, str]:
        """The values the form was drawn from (the hidden `original`)."""
        try:
            values = json.loads(self.cleaned_data.get("original") or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}

    def changed_values(self) -> dict[str, str]:
        drawn = self.drawn()
        return {key: value for key, value in self.values().items() if value != drawn.get(key, "")}

    def values(self) -> dict[str, str]:
        raise NotImplementedError


class HouseholdCorrectionForm(_CorrectionForm):
    phone = TextField(
        label=_("Phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    place_of_origin = TextField(label=_("Place of origin"), required=False, max_length=120)
    registration_desk = TextField(label=_("Registration desk"), required=False, max_length=40)
    focal_point = forms.ChoiceField(label=_("Focal point"), required=False)
    previous_focal_point_relationship = forms.ChoiceField(
        label=_("The previous focal point's relationship to the new one"),
        required=False,
        choices=[
            BLANK_CHOICE,
            *((v, label) for v, label in Relationship.choices if v != Relationship.FOCAL_POINT),
        ],
        help_text=_("Only when you change the focal point."),
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        codes = dict(COMMON_LANGUAGES)
        extra = (
            [(household.language, household.language)] if household.language not in codes else []
        )
        language.choices = [BLANK_CHOICE, *COMMON_LANGUAGES, *extra]
        focal = self.fields["focal_point"]
        assert isinstance(focal, forms.ChoiceField)
        members = household.members.filter(status=Individual.Status.ACTIVE).order_by("id")
        focal.choices = [BLANK_CHOICE, *((str(m.pk), str(m)) for m in members)]

    def values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {name: str(data.get(name) or "") for name in corrections.HOUSEHOLD_FIELDS}

    def to_correction(self) -> corrections.HouseholdCorrection:
        values: dict[str, Any] = self.changed_values()
        return corrections.HouseholdCorrection(
            reason=self.cleaned_data["reason"],
            note=self.cleaned_data["note"],
            values=values,
            previous_focal_point_relationship=self.cleaned_data[
                "previous_focal_point_relationship"
            ],
            expected=self.drawn(),
        )


class IndividualCorrectionForm(_CorrectionForm):
    given_name = TextField(label=_("Given name"), required=False, max_length=100)
    family_name = TextField(label=_("Family name"), required=False, max_length=100)
    given_name_local = own_script_field(_("Given name in own script"))
    family_name_local = own_script_field(_("Family name in own script"))
    other_names = TextField(
        label=_("Other names and aliases"),
        required=False,
        multiline=True,
        max_length=1100,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    names_unknown = forms.BooleanField(label=_("Names unknown"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[BLANK_CHOICE, *Sex.choices])
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, **_DATE)
    date_of_birth_precision = forms.ChoiceField(
        label=_("Precision of the date of birth"), choices=DatePrecision.choices
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship to focal point"), choices=Relationship.choices
    )
    specific_needs = forms.MultipleChoiceField(
        label=_("Specific needs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a need to close it."),
    )
    protection_needs_added = forms.MultipleChoiceField(
        label=_("Record a protection-sensitive need"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only protection officers see these needs: once saved, you will not see them here."
        ),
    )

    def __init__(
        self, *args: Any, individual: Individual, scope: Scope | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.individual = individual
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = nationality_options(get_language())
        sees = scope is None or scope.sees_sensitive(individual.household.site_id)
        needs = self.fields["specific_needs"]
        assert isinstance(needs, forms.MultipleChoiceField)
        needs.choices = [
            (code, label)
            for code, label in SpecificNeed.choices
            if sees or code not in PROTECTION_SENSITIVE_NEEDS
        ]
        protection = self.fields["protection_needs_added"]
        assert isinstance(protection, forms.MultipleChoiceField)
        protection.choices = (
            []
            if sees
            else [
                (c, label) for c, label in SpecificNeed.choices if c in PROTECTION_SENSITIVE_NEEDS
            ]
        )
        if sees:
            del self.fields["protection_needs_added"]
        if individual.relationship == Relationship.FOCAL_POINT:
            self.fields["relationship"].disabled = True
            self.fields["relationship"].initial = individual.relationship
            self.fields["relationship"].help_text = _(
                "The focal point is changed on the household's correction page."
            )
        else:
            relationship = self.fields["relationship"]
            assert isinstance(relationship, forms.ChoiceField)
            relationship.choices = [
                (v, label) for v, label in Relationship.choices if v != Relationship.FOCAL_POINT
            ]
        self.documents = list(
            IdentityDocument.objects.filter(individual=individual, active=True).order_by("id")
        )
        for document in [*self.documents, None]:
            prefix = f"document-{document.pk}-" if document else f"{NEW_DOCUMENT}-"
            self.fields[prefix + "type"] = forms.ChoiceField(
                label=_("Document type"),
                required=False,
                choices=[BLANK_CHOICE, *DocumentType.choices],
            )
            self.fields[prefix + "number"] = TextField(
                label=_("Document number"), required=False, max_length=60
            )
            self.fields[prefix + "issuing_country"] = TextField(
                label=_("Issuing country"), required=False, max_length=3
            )
            self.fields[prefix + "expires_on"] = forms.DateField(
                label=_("Expires on"), required=False, **_DATE
            )
            if document is not None:
                self.fields[prefix + "withdraw"] = forms.BooleanField(
                    label=_("Withdraw this document"), required=False
                )

    def document_rows(self) -> list[tuple[IdentityDocument | None, list[forms.BoundField]]]:
        rows: list[tuple[IdentityDocument | None, list[forms.BoundField]]] = []
        for document in [*self.documents, None]:
            prefix = f"document-{document.pk}-" if document else f"{NEW_DOCUMENT}-"
            names = ["type", "number", "issuing_country", "expires_on"]
            if document is not None:
                names.append("withdraw")
            rows.append((document, [self[prefix + name] for name in names]))
        return rows

    def values(self) -> dict[str, str]:
        data = self.cleaned_data
        born = data.get("date_of_birth")
        values = {
            "given_name": data.get("given_name", ""),
            "family_name": data.get("family_name", ""),
            "given_name_local": data.get("given_name_local", ""),
            "family_name_local": data.get("family_name_local", ""),
            "other_names": "\n".join(
                line.strip()
                for line in (data.get("other_names") or "").splitlines()
                if line.strip()
            ),
            "names_unknown": "1" if data.get("names_unknown") else "",
            "sex": data.get("sex", ""),
            "date_of_birth": born.isoformat() if born else "",
            "date_of_birth_precision": data.get("date_of_birth_precision", ""),
            "nationality": data.get("nationality", ""),
            "relationship": data.get("relationship", ""),
            "specific_needs": ",".join(sorted(data.get("specific_needs") or [])),
        }
        for document in self.documents:
            prefix = f"document-{document.pk}-"
            for name in ("type", "number", "issuing_country"):
                values[prefix + name] = str(data.get(prefix + name) or "")
            expires = data.get(prefix + "expires_on")
            values[prefix + "expires_on"] = expires.isoformat() if expires else ""
        return values

    def to_correction(self) -> corrections.IndividualCorrection:
        changed = self.changed_values()
        drawn = self.drawn()
        values: dict[str, Any] = {
            k: v for k, v in changed.items() if k in corrections.INDIVIDUAL_FIELDS
        }
        if "other_names" in values:
            values["other_names"] = [n for n in values["other_names"].splitlines() if n.strip()]
        if "names_unknown" in values:
            values["names_unknown"] = values["names_unknown"] == "1"
        before = set(filter(None, drawn.get("specific_needs", "").split(",")))
        after = set(self.cleaned_data.get("specific_needs") or [])
        added = sorted(after - before) + list(self.cleaned_data.get("protection_needs_added", []))
        documents = []
        for document in self.documents:
            prefix = f"document-{document.pk}-"
            if self.cleaned_data.get(prefix + "withdraw"):
                documents.append(corrections.DocumentChange(id=document.pk, withdraw=True))
                continue
            fields = {
                name: changed[prefix + name]
                for name in ("type", "number", "issuing_country", "expires_on")
                if prefix + name in changed
            }
            if fields:
                documents.append(corrections.DocumentChange(id=document.pk, values=fields))
        new = {
            name: self.cleaned_data.get(f"{NEW_DOCUMENT}-{name}")
            for name in ("type", "number", "issuing_country", "expires_on")
        }
        if new["type"] or new["number"]:
            new["type"], new["number"] = new["type"] or "", new["number"] or ""
            new["issuing_country"] = new["issuing_country"] or ""
            documents.append(corrections.DocumentChange(values=new))
        return corrections.IndividualCorrection(
            reason=self.cleaned_data["reason"],
            note=self.cleaned_data["note"],
            values=values,
            documents=documents,
            needs_added=added,
            needs_closed=sorted(before - after),
            expected=drawn,
        )

    def error_fields(self, correction: corrections.IndividualCorrection) -> dict[str, str]:
        """The service's paths (`documents.1.number`) mapped to this form's fields."""
        renamed = {
            "specific_needs_added": "specific_needs",
            "specific_needs_closed": "specific_needs",
        }
        for index, change in enumerate(correction.documents):
            prefix = f"document-{change.id}-" if change.id else f"{NEW_DOCUMENT}-"
            for name in ("type", "number", "issuing_country", "expires_on"):
                renamed[f"documents.{index}.{name}"] = prefix + name
        return renamed
