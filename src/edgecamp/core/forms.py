"""The form fields that apply core's rules: every free-text field of a form is a TextField."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from edgecamp.core.dates import DateRange
from edgecamp.core.text import TextRefused, clean_text

# Django's own label for a select's empty choice (django.db.models.fields.BLANK_CHOICE_LABEL).
# Its Arabic catalogue has no translation of it; ours, which comes first, gives one.
BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")


class TextField(forms.CharField):
    """A CharField cleaned by `core.text.clean_text` (refusing control characters with a
    message on the field); `multiline=True` keeps line breaks (notes)."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        try:
            return clean_text(text, multiline=self.multiline)
        except TextRefused as refused:
            raise forms.ValidationError(refused.message, code="invalid_text") from refused


class PlausibleDateField(forms.DateField):
    """A DateField refusing dates outside `plausible` (a core.dates range)."""

    def __init__(self, *args: Any, plausible: DateRange, **kwargs: Any) -> None:
        self.plausible = plausible
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        if day is not None and (problem := self.plausible.problem(day)):
            raise forms.ValidationError(problem, code="implausible_date")
        return day
