"""The one shape of a refused write: messages keyed by the dotted path of the field they
concern in the input (`site`, `quantity`, `members.2.date_of_birth`,
`members.0.documents.1.number`), `__all__` for a problem with the request as a whole. Whoever
raises it has written nothing.

Every service raises a subclass (`RegistrationError`, `SupplyError`, `AllocationError`,
`ProtectionError`, `TokenError`); the API answers all of them with one handler (api.py) as
`{"detail", "errors"}` with the subclass's status and sentence, a page puts each message next
to its field (`apply_to`), and the CLI prints them with one printer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django import forms
    from django.utils.functional import _StrPromise

ALL = "__all__"


class Refused(Exception):
    # The answer's HTTP status and the sentence that heads the field messages.
    status_code: ClassVar[int] = 422
    detail: ClassVar[str | _StrPromise] = gettext_lazy(
        "Nothing was recorded: correct the fields listed in “errors”."
    )

    def __init__(self, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__()
        self.errors: dict[str, list[str]] = errors if errors is not None else {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def apply_to(self, form: forms.BaseForm, renamed: Mapping[str, str] | None = None) -> None:
        """Each message on its field of the form (the path itself, or the field `renamed`
        maps it to), or on the form as a whole when the path names no field of it."""
        for path, messages in self.errors.items():
            name = renamed.get(path, path) if renamed else path
            for message in messages:
                form.add_error(name if name in form.fields else None, message)

    def extra(self) -> dict[str, Any]:
        """More of the answer than the messages, for a program to act on (the API puts it
        beside `detail` and `errors`); none by default."""
        return {}

    def __str__(self) -> str:
        return "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in self.errors.items())
