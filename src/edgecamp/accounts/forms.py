from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from edgecamp.accounts import lockout
from edgecamp.accounts.roles import TOKEN_SCOPES
from edgecamp.core.forms import TextField


class _LockoutMixin:
    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            until = lockout.locked_until(username, self.request)
            if until is not None:
                minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
                raise ValidationError(
                    ngettext(
                        "Too many failed sign-ins: signing in is locked for %(minutes)d more "
                        "minute. Wait, or ask an administrator to unlock it.",
                        "Too many failed sign-ins: signing in is locked for %(minutes)d more "
                        "minutes. Wait, or ask an administrator to unlock it.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="locked",
                )
        return super().clean()  # type: ignore[misc,no-any-return]


class LoginForm(_LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(_LockoutMixin, AdminAuthenticationForm):
    pass


SCOPE_LABELS = {
    "read": _("read: search and read records"),
    "register": _("register: register households"),
    "distribute": _("distribute: stock and distributions"),
    "protect": _("protect: protection-sensitive needs, confidential notes and tracing requests"),
}


class TokenForm(forms.Form):
    name = TextField(label=_("Name"), max_length=80)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope, SCOPE_LABELS[scope]) for scope in TOKEN_SCOPES if scope in allowed
        ]
