"""The base of every API input schema: free text cleaned by `core.text.clean_text`,
misspelt fields refused."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from edgecamp.core.text import TextRefused, clean_text


class _Multiline:
    """Marks a text field whose line breaks are kept."""


MultilineText = Annotated[str, _Multiline()]


class CleanInput(Schema):
    # A misspelt field (`dob`, `site_id`) is an error, not silently dropped data.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and any(isinstance(m, _Multiline) for m in field.metadata)
        try:
            if isinstance(value, str):
                return clean_text(value, multiline=multiline)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return [clean_text(v, multiline=multiline) for v in value]
        except TextRefused as refused:
            raise PydanticCustomError("invalid_text", refused.message) from refused
        return value
