from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from edgecamp.audit import queries
from edgecamp.audit.models import AuditEntry
from edgecamp.core import dates
from edgecamp.core.access import Scope, scope_for
from edgecamp.core.forms import PlausibleDateField, TextField
from edgecamp.core.params import int_param

ENTRIES_PER_PAGE = 50


class AuditFilterForm(forms.Form):
    actor = TextField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *AuditEntry.Action.choices]
    )
    model = forms.ChoiceField(label=_("Record type"), required=False, choices=())
    site = forms.ChoiceField(label=_("Site"), required=False, choices=())
    record = TextField(label=_("Record (number or id)"), required=False, max_length=64)
    since = PlausibleDateField(
        label=_("From"),
        required=False,
        plausible=dates.RECORD_FILTER,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = PlausibleDateField(
        label=_("To"),
        required=False,
        plausible=dates.RECORD_FILTER,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: object, sites: list[tuple[str, str]], scope: Scope, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        recorded = sorted(
            ((label, model_label(label)) for label in queries.recorded_models(scope)),
            key=lambda choice: str(choice[1]),
        )
        self.fields["model"].choices = [("", "—"), *recorded]
        self.fields["site"].choices = [("", "—"), *sites]


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    sites = queries.site_choices(scope)
    form = AuditFilterForm(request.GET or None, sites=sites, scope=scope)
    data = form.cleaned_data if form.is_valid() else {}
    wanted = queries.AuditFilter(
        actor=data.get("actor", ""),
        action=data.get("action", ""),
        model=data.get("model", ""),
        site_id=int(data["site"]) if data.get("site") else None,
        record=data.get("record", ""),
        since=data.get("since"),
        until=data.get("until"),
    )
    before_id = int_param(request.GET, "before")
    rows = [
        queries.shown(entry, scope)
        for entry in queries.audit_entries(scope, wanted, before_id=before_id)[
            : ENTRIES_PER_PAGE + 1
        ]
    ]
    entries, more = rows[:ENTRIES_PER_PAGE], len(rows) > ENTRIES_PER_PAGE
    params = request.GET.copy()
    params.pop("before", None)
    if more:
        params["before"] = str(entries[-1].pk)
    site_names = dict(sites)
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "entries": [
                (
                    entry,
                    site_names.get(str(entry.site_id), ""),
                    model_label(entry.model),
                    SOURCES.get(entry.source, entry.source),
                    _change_rows(entry.model, entry.changes),
                )
                for entry in entries
            ],
            "older_url": f"?{params.urlencode()}" if more else "",
        },
    )


# Where a change came from (AuditEntry.source), in the reader's words.
SOURCES = {
    "web": _("web page"),
    "api": _("API"),
    "admin": _("admin"),
    "cli": _("command line"),
    "system": _("system"),
}


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    """`registry.household` as the reader knows it: “Household” (translated). A many-to-many
    table Django made (`accounts.staffprofile_sites`) reads as its owner's field: “Staff
    profile: sites”; the demo's bulk load as “Bulk load”."""
    if label == "bulk-load":
        return str(_("Bulk load"))
    if label == "export":
        return str(_("Export"))
    model = _model(label)
    if model is None:
        return label
    if model._meta.auto_created:
        owner = model._meta.auto_created
        for field in owner._meta.many_to_many:
            if getattr(field.remote_field, "through", None) is model:
                return f"{capfirst(owner._meta.verbose_name)}: {field.verbose_name}"
    return str(capfirst(model._meta.verbose_name))


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    return None


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices and isinstance(value, str | int):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return _plain(value)


# Names the audit log writes itself (bulk summaries) or every model has (Timestamped), whose
# fields carry no translated label.
GENERIC_FIELDS = {
    "created_at": _("Created at"),
    "updated_at": _("Updated at"),
    "operation": _("Operation"),
    "rows": _("Rows"),
    "fields": _("Fields"),
    "event": _("Event"),
    "individual": _("Person"),
}
OPERATIONS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "load": _("loaded"),
}
LONGEST_LIST = 5


def _plain(value: Any) -> str:
    """A JSON value in plain words: `{"round": 1, "present": [4, 5]}` → “round: 1; present:
    4, 5”; a long list by its length (a closed round lists hundreds of ids)."""
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        if len(value) > LONGEST_LIST:
            return str(
                ngettext("%(count)d entry", "%(count)d entries", len(value)) % {"count": len(value)}
            )
        return ", ".join(_plain(v) for v in value) or "—"
    return str(value)


def _bulk_rows(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """A bulk summary (`{"operation": "update", "rows": 13, "fields": [...]}`) in words."""
    operation = changes.get("operation")
    rows = changes.get("rows")
    out = [(str(GENERIC_FIELDS["operation"]), str(OPERATIONS.get(operation, operation)))]
    if isinstance(rows, dict):
        counted = "; ".join(f"{model_label(k)}: {v}" for k, v in rows.items())
        out.append((str(GENERIC_FIELDS["rows"]), counted))
    elif rows is not None:
        out.append((str(GENERIC_FIELDS["rows"]), str(rows)))
    if changes.get("fields"):
        out.append((str(GENERIC_FIELDS["fields"]), ", ".join(map(str, changes["fields"]))))
    return out


def _change_rows(label: str, changes: dict[str, Any]) -> list[tuple[str, str]]:
    """Each changed field by its label (`user_id` → “User”), each value by its label where
    the field has choices (`active` → “Active”)."""
    if set(changes) <= {"operation", "rows", "fields"} and "operation" in changes:
        return _bulk_rows(changes)
    model = _model(label)
    rows = []
    for name, change in changes.items():
        field = _field(model, name)
        if name in GENERIC_FIELDS:
            title = str(GENERIC_FIELDS[name])
        elif field is not None:
            title = str(capfirst(field.verbose_name))
        else:
            title = name.replace("_", " ")
        if isinstance(change, list) and len(change) == 2:
            before, after = (_value(field, v) for v in change)
            rows.append((title, f"{before} → {after}"))
        else:
            rows.append((title, _value(field, change)))
    return rows
