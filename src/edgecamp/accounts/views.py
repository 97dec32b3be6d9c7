"""Sign-in with lockout, and a user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edgecamp.accounts import tokens
from edgecamp.accounts.forms import LoginForm, TokenForm


class SignInView(LoginView):
    form_class = LoginForm


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    allowed = tokens.scopes_for(request.user)
    form = TokenForm(request.POST or None, allowed=allowed)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tokens.create_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["scopes"]
            )
        except tokens.TokenError as error:
            error.apply_to(form)
        else:
            form = TokenForm(allowed=allowed)
    # The secret is rendered in this response only (never stored, never redirected with).
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": tokens.user_tokens(request.user), "secret": secret},
    )


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if tokens.revoke_token(request.user, token_id):
        messages.success(request, _("The token was revoked: programs using it are refused now."))
    else:
        messages.error(request, _("No active token of yours has this id; nothing was revoked."))
    return redirect("token-list")
