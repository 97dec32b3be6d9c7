"""Staff web UI of the registry: thin views that parse the request, call `queries` or
`services`, and render. htmx requests (header `HX-Request`) get only the page fragment they
swap; every page also works as a plain GET/POST without JavaScript."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import Scope, scope_for
from edgecamp.core.htmx import is_htmx
from edgecamp.core.paging import page_of, page_url
from edgecamp.registry import corrections, duplicates, event_text, merge, panels, photos, queries
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS, Sex, SpecificNeed
from edgecamp.registry.event_forms import event_kinds_for
from edgecamp.registry.forms import (
    MEMBER_PREFIX,
    BaseMemberFormSet,
    HouseholdForm,
    HouseholdSearchForm,
    MemberForm,
    MemberFormSet,
    apply_registration_errors,
    apply_remaining_problems,
    error_summary,
    language_name,
    member_form,
    nationality_names,
)
from edgecamp.registry.models import Household, Individual, LifeEvent
from edgecamp.registry.photo_views import PhotoForm
from edgecamp.registry.services import (
    MAX_MEMBERS,
    HouseholdInput,
    RegistrationError,
)
from edgecamp.sites import queries as site_queries

HOUSEHOLDS_PER_PAGE = 25
# Remembered per session so a clerk at a desk does not pick the same site and desk each time.
SESSION_SITE = "registration_site"
SESSION_DESK = "registration_desk"


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers with a fragment or a page: caches must keep them apart.
    response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "HX-Request"]))
    return response


# --- Dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationRow:
    key: str  # sex code, or "total"
    label: str
    cells: list[tuple[str, int]]  # (age bracket, people)
    total: int


@dataclass(frozen=True)
class PopulationTable:
    rows: list[PopulationRow]
    totals: PopulationRow


@dataclass(frozen=True)
class SiteSummary:
    code: str
    name: str
    households: int
    population: PopulationTable
    shelters: dict[str, int]
    needs: list[tuple[str, str, int]]

    @property
    def people(self) -> int:
        return self.population.totals.total


def _population_table(counts: dict[str, dict[str, int]], brackets: list[str]) -> PopulationTable:
    rows = []
    for sex, label in Sex.choices:
        cells = [(bracket, counts.get(sex, {}).get(bracket, 0)) for bracket in brackets]
        rows.append(PopulationRow(sex, str(label), cells, sum(n for _b, n in cells)))
    totals = [(b, sum(row.cells[i][1] for row in rows)) for i, b in enumerate(brackets)]
    return PopulationTable(
        rows, PopulationRow("total", _("Total"), totals, sum(n for _b, n in totals))
    )


def _visible_needs(counts: dict[str, int], protection: bool) -> list[tuple[str, str, int]]:
    # Protection-sensitive categories are for protection officers only, even as counts (and
    # the query counts them only at their sites).
    return [
        (code, str(label), counts.get(code, 0))
        for code, label in SpecificNeed.choices
        if protection or code not in PROTECTION_SENSITIVE_NEEDS
    ]


def _add_counts(into: dict[str, dict[str, int]], counts: dict[str, dict[str, int]]) -> None:
    for sex, by_bracket in counts.items():
        for bracket, n in by_bracket.items():
            into.setdefault(sex, {})[bracket] = into.get(sex, {}).get(bracket, 0) + n


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    brackets = queries.bracket_labels()
    population = {
        p.site_id: p for p in queries.population_by_site(timezone.localdate(), scope=scope)
    }
    shelters = queries.shelter_counts_by_site(scope=scope)
    needs = queries.specific_needs_by_site(scope=scope)
    sites = []
    camp_counts: dict[str, dict[str, int]] = {}
    camp_needs: dict[str, int] = {}
    for site in site_queries.all_sites(scope=scope):
        site_population = population.get(site.pk)
        if site_population is None and site.status == site.Status.CLOSED:
            continue
        counts = site_population.counts if site_population else {}
        _add_counts(camp_counts, counts)
        for code, n in needs.get(site.pk, {}).items():
            camp_needs[code] = camp_needs.get(code, 0) + n
        site_shelters = shelters.get(site.pk, {})
        sites.append(
            SiteSummary(
                code=site.code,
                name=site.name,
                households=site_population.households if site_population else 0,
                population=_population_table(counts, brackets),
                shelters={**site_shelters, "total": sum(site_shelters.values())},
                needs=_visible_needs(needs.get(site.pk, {}), scope.protection),
            )
        )
    camp = SiteSummary(
        code="all",
        name=_("All sites"),
        households=sum(s.households for s in sites),
        population=_population_table(camp_counts, brackets),
        shelters={
            status: sum(s.shelters.get(status, 0) for s in sites)
            for status in ("available", "occupied", "total")
        },
        needs=_visible_needs(camp_needs, scope.protection),
    )
    return render(
        request,
        "registry/dashboard.html",
        {
            "sites": sites,
            "camp": camp,
            "brackets": _bracket_headers(brackets),
            "today": timezone.localdate(),
        },
    )


def _bracket_headers(brackets: list[str]) -> list[str]:
    return [_("Unknown") if b == "unknown" else b.replace("-", "\u2013") for b in brackets]


# --- Household search --------------------------------------------------------------------------


@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = HouseholdSearchForm(request.GET, scope=scope)
    form.is_valid()  # a bad site id must not also drop the text typed
    query, site = form.cleaned_data.get("q", ""), form.cleaned_data.get("site")
    found = queries.search_households(query, site_id=site.pk if site else None, scope=scope)
    page = page_of(request, found.values_list("pk", flat=True), HOUSEHOLDS_PER_PAGE)
    households = queries.households_for_listing(list(page.object_list))
    context = {
        "form": form,
        "page": page,
        "households": households,
        "query": query,
        "page_url": page_url(request),
        "oob": is_htmx(request),
    }
    template = (
        "registry/includes/household_results.html"
        if is_htmx(request)
        else "registry/household_list.html"
    )
    return _vary_on_htmx(render(request, template, context))


# --- Household page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    member: Individual
    age: int | None
    nationality_name: str
    # Links apps above the registry add beside the member (panels.register_member_actions).
    actions: list[panels.MemberAction] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class TimelineRow:
    event: LifeEvent
    # Whom it concerns: the people named, or empty for the whole household.
    people: list[Individual]
    old_label: str
    new_label: str
    # What the event's details say (event_text), and whether the page offers to undo it.
    details: list[str] = dataclasses.field(default_factory=list)
    undoable: bool = False
    # A correction's fields, each with its value before and after.
    changes: list[corrections.ReadableChange] = dataclasses.field(default_factory=list)


def _timeline(household: Household, scope: Scope | None = None) -> list[TimelineRow]:
    status_labels = {**dict(Individual.Status.choices), **dict(Household.Status.choices)}
    people = {m.pk: str(m) for m in household.members.all()}
    found = [
        event
        for event in queries.timeline(household)
        # A correction of a protection-sensitive need: protection officers of the site only.
        if corrections.visible_to(event, scope, household.site_id)
    ]
    details, undoable = event_text.describe(found), event_text.undoable(found)
    return [
        TimelineRow(
            event,
            list(event.individuals.all()),
            status_labels.get(event.old_status, event.old_status),
            status_labels.get(event.new_status, event.new_status),
            details.get(event.pk, []),
            event.pk in undoable and event.household_id == household.pk,
            corrections.readable_changes(event, people),
        )
        for event in found
    ]


@require_GET
def household_detail(request: HttpRequest, number: str) -> HttpResponse:
    scope = scope_for(request.user)
    household = queries.household_detail(number, scope=scope, with_events=False)
    if household is None:
        # The same answer for a number at another site: its existence is not revealed.
        raise Http404(_("No household has the number %(number)s.") % {"number": number})
    if queries.has_sensitive_needs(household.members.all()):
        record_sensitive_read(household, "specific needs")
    today = timezone.localdate()
    names = nationality_names()
    actions = panels.member_actions(household, scope)
    members = [
        MemberRow(
            m, m.age_on(today), names.get(m.nationality, m.nationality), actions.get(m.pk, [])
        )
        for m in household.members.all()
    ]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "language_name": language_name(household.language),
            "photo": photos.photo_of(household),
            "photo_form": PhotoForm(),
            "timeline": _timeline(household, scope),
            "memberships": household.memberships.all(),
            "event_kinds": event_kinds_for(household),
            "undo_url": reverse("household-event", args=[household.number, "correction"]),
            # The sections apps above the registry add (protection: only for a protection
            # officer of the site).
            **panels.household_panels(household, scope),
        },
    )


# --- Registration ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def household_register(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if request.method != "POST":
        household_form = HouseholdForm(
            initial={
                "site": request.session.get(SESSION_SITE) or _only_open_site(scope),
                "registration_desk": request.session.get(SESSION_DESK, ""),
            },
            scope=scope,
        )
        return _render_register(request, household_form, MemberFormSet(prefix=MEMBER_PREFIX))

    if "add_member" in request.POST:
        # "Add member" without JavaScript: the same form again, one empty row longer.
        data = request.POST.copy()
        total_key = f"{MEMBER_PREFIX}-TOTAL_FORMS"
        data[total_key] = str(min(_int(data.get(total_key)) + 1, MAX_MEMBERS))
        return _render_register(
            request,
            HouseholdForm(data, validate=False, scope=scope),
            MemberFormSet(data, prefix=MEMBER_PREFIX, validate=False),
        )

    household_form = HouseholdForm(request.POST, scope=scope)
    formset = MemberFormSet(request.POST, prefix=MEMBER_PREFIX)
    about_members: list[str] = []
    valid = household_form.is_valid()
    valid = formset.is_valid() and valid  # both validated, so both show their errors
    if not valid and not formset.non_form_errors():
        about_members = apply_remaining_problems(household_form, formset.filled_forms())
    if valid:
        member_forms = formset.filled_forms()
        household_input = household_form.to_input([form.to_input() for form in member_forms])
        reason = request.POST.get("duplicate_override_reason", "").strip()[:300]
        confirmed = request.POST.get("duplicates_confirmed") == "1"
        link_number = request.POST.get("link_household", "").strip()
        if link_number:
            return _link_household(
                request, household_form, formset, member_forms, household_input, link_number
            )
        if confirmed and reason:
            household_input = dataclasses.replace(household_input, duplicate_override_reason=reason)
        try:
            household = duplicates.register_unless_duplicate(
                household_input, scope=scope, registered_by=request.user
            )
        except duplicates.PossibleDuplicates as possible:
            return _render_register(
                request,
                household_form,
                formset,
                duplicate_panels=[
                    DuplicatePanel(index + 1, _member_label(form), matches)
                    for index, (form, matches) in enumerate(
                        zip(member_forms, possible.found, strict=True)
                    )
                    if matches
                ],
                duplicate_reason=reason,
                reason_missing=confirmed,
                repeated=[
                    RepeatedRow(second + 1, first + 1) for first, second in possible.repeated
                ],
                link_choices=_link_choices(possible.found),
            )
        except RegistrationError as error:
            about_members = apply_registration_errors(error, household_form, member_forms)
        else:
            request.session[SESSION_SITE] = household.site_id
            request.session[SESSION_DESK] = household.registration_desk
            count = len(member_forms)
            messages.success(
                request,
                ngettext(
                    "Household %(number)s registered with %(count)d member.",
                    "Household %(number)s registered with %(count)d members.",
                    count,
                )
                % {"number": household.number, "count": count},
            )
            return redirect("household-detail", number=household.number)
    return _render_register(request, household_form, formset, about_members)


@dataclass(frozen=True)
class DuplicatePanel:
    number: int  # the member's row, from 1
    label: str
    matches: list[duplicates.PossibleMatch]


@dataclass(frozen=True)
class RepeatedRow:
    number: int  # the member's row, from 1
    same_as: int  # the earlier row it repeats


@dataclass(frozen=True)
class LinkChoice:
    """A matched household the clerk may say the registration is: `matched` of the `total`
    members typed look already registered in it."""

    number: str
    matched: int
    total: int

    @property
    def everyone_there(self) -> bool:
        return self.matched == self.total


def _link_choices(found: list[list[duplicates.PossibleMatch]]) -> list[LinkChoice]:
    matched: dict[str, int] = {}
    for matches in found:
        for number in dict.fromkeys(m.household_number for m in matches):
            matched[number] = matched.get(number, 0) + 1
    return [LinkChoice(number, n, len(found)) for number, n in matched.items()]


def _link_household(
    request: HttpRequest,
    household_form: HouseholdForm,
    formset: BaseMemberFormSet,
    member_forms: list[MemberForm],
    household_input: HouseholdInput,
    number: str,
) -> HttpResponse:
    """ "This is household `number`": open it, adding the members not already in it."""
    try:
        linked = merge.link_to_household(
            household_input, number, scope=scope_for(request.user), registered_by=request.user
        )
    except RegistrationError as error:
        about_members = apply_registration_errors(error, household_form, member_forms)
        return _render_register(request, household_form, formset, about_members)
    if linked.added:
        text = ngettext(
            "%(count)d member added to household %(number)s; %(skipped)d already registered there.",
            "%(count)d members added to household %(number)s; %(skipped)d already registered "
            "there.",
            len(linked.added),
        )
    else:
        text = _("Nothing registered: everyone is already in household %(number)s.")
    messages.success(
        request,
        text
        % {
            "count": len(linked.added),
            "number": linked.household.number,
            "skipped": len(linked.skipped),
        },
    )
    return redirect("household-detail", number=linked.household.number)


def _member_label(form: MemberForm) -> str:
    data = form.cleaned_data
    return " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)


def _render_register(
    request: HttpRequest,
    household_form: HouseholdForm,
    formset: BaseMemberFormSet,
    about_members: list[str] | None = None,
    *,
    duplicate_panels: list[DuplicatePanel] | None = None,
    duplicate_reason: str = "",
    reason_missing: bool = False,
    repeated: list[RepeatedRow] | None = None,
    link_choices: list[LinkChoice] | None = None,
) -> HttpResponse:
    about_members = about_members or []
    summary = error_summary(household_form, formset, about_members) if formset.validate else []
    return render(
        request,
        "registry/household_register.html",
        {
            "household_form": household_form,
            "formset": formset,
            "about_members": about_members,
            "error_summary": summary,
            "max_members": MAX_MEMBERS,
            "duplicate_panels": duplicate_panels or [],
            "duplicate_reason": duplicate_reason,
            "reason_missing": reason_missing,
            "repeated_members": repeated or [],
            "link_choices": link_choices or [],
        },
    )


@require_GET
def household_member_form(request: HttpRequest) -> HttpResponse:
    """One empty member row for "Add member", numbered after the rows already on the page, with
    an out-of-band update of the formset's TOTAL_FORMS."""
    index = _int(request.GET.get(f"{MEMBER_PREFIX}-TOTAL_FORMS"))
    if index >= MAX_MEMBERS:
        return HttpResponse(status=204)
    return render(
        request,
        "registry/includes/member_form_added.html",
        {
            "form": member_form(index),
            "index": index,
            "total_forms": index + 1,
            "prefix": MEMBER_PREFIX,
        },
    )


@require_GET
def household_shelter_options(request: HttpRequest) -> HttpResponse:
    """The shelter field for the site just chosen (htmx swaps it in on site change)."""
    form = HouseholdForm(initial={"site": request.GET.get("site")}, scope=scope_for(request.user))
    return render(request, "registry/includes/shelter_field.html", {"household_form": form})


def _only_open_site(scope: Scope) -> int | None:
    sites = list(
        site_queries.sites_open_for_registration(scope=scope).values_list("pk", flat=True)[:2]
    )
    return sites[0] if len(sites) == 1 else None


def _int(value: object) -> int:
    try:
        return max(int(str(value)), 0)
    except (TypeError, ValueError):
        return 0
