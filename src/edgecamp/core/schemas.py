"""The API shapes every app shares: the base of every input schema (free text cleaned by
`core.text.clean_text`, misspelt fields refused), the error answers (`Problem`,
`FieldProblems`) and the page-number pagination of every list (`Pages`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import ConfigDict, GetCoreSchemaHandler, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError, core_schema

from edgecamp.core.params import MAX_PAGE
from edgecamp.core.text import TextRefused, clean_text

# The description of every record's `uuid` in the API (core.models.PublicId).
PUBLIC_ID = (
    "The record's public id: the same on every copy of the record (exports, partners, "
    "backups restored elsewhere), never reused, unlike `id`, which is this database's."
)


class _Multiline:
    """Marks a text field whose line breaks are kept."""


MultilineText = Annotated[str, _Multiline()]


@dataclass(frozen=True)
class AtMost:
    """`Annotated[list[X], AtMost(40, too_many_members)]`: a list longer than `count` is
    refused with `message()` (translated, naming the field in the user's words) before any of
    its items is parsed, so a request of a million members costs no more than one of 41.
    Give the field `max_length=count` too, for the OpenAPI schema's `maxItems`."""

    count: int
    message: Callable[[], str]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def _check(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > self.count:
            raise PydanticCustomError("too_many", self.message())
        return value


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


# --- Errors ------------------------------------------------------------------------------------


class Problem(Schema):
    detail: str


class FieldProblems(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description="Messages by dotted path into the request: `site`, "
        "`members.1.date_of_birth`, `members.0.documents.0.number`.",
        examples=[{"members.1.date_of_birth": ["The date of birth cannot be in the future."]}],
    )


# --- Lists -------------------------------------------------------------------------------------


PAGE_SIZE = 50
# Large enough for a sync client, small enough that one request never pulls a registry.
MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    """`?page=2&page_size=100` on every list; the response carries `count` and `items`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            description=f"Items per page: {PAGE_SIZE} unless given, at most {MAX_PAGE_SIZE} "
            "(a larger request gets that many).",
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


class PagedRows[Record]:
    """A list for `@paginate(Pages)` whose rows are made only for the page asked for: `rows`
    turns the page's records into what the response holds (and may record that they were
    read, as protection reads are); `records` is counted by the database when it is a query.

        @paginate(Pages)
        def list_things(request):
            return PagedRows(queries.things(), lambda page: [row(t) for t in page])
    """

    def __init__(
        self,
        records: QuerySet[Any] | Sequence[Record],
        rows: Callable[[list[Record]], list[Any]],
    ) -> None:
        self._records = records
        self._rows = rows

    # The paginator counts `.all().count()` (a query) or falls back to len().
    def all(self) -> PagedRows[Record]:
        return self

    def count(self) -> int:
        if isinstance(self._records, QuerySet):
            return self._records.count()
        return len(self._records)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        return self._rows(list(self._records[window]))
