"""Life events in words, for the household page's history: what each event's `data` says
(place and cause of a death, destination, shelters, sites, households, focal point, the event
a correction undoes), with every record it names read in one query per table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from edgecamp.core.dates import in_words
from edgecamp.registry.codes import EventKind
from edgecamp.registry.events import CORRECTABLE, CauseOfDeath
from edgecamp.registry.models import Household, Individual, LifeEvent
from edgecamp.sites.models import Shelter, Site


def describe(events: Sequence[LifeEvent]) -> dict[int, list[str]]:
    """Sentences about each event, by event id."""
    wanted: dict[str, set[int]] = {
        "shelter": set(),
        "site": set(),
        "household": set(),
        "person": set(),
    }
    for event in events:
        data = event.data
        for key in ("old_shelter", "new_shelter"):
            if data.get(key):
                wanted["shelter"].add(data[key])
        for key in ("old_site", "new_site"):
            if data.get(key):
                wanted["site"].add(data[key])
        if event.kind == EventKind.JOIN and data.get("from_household"):
            wanted["household"].update([data["from_household"], event.household_id])
        if focal := data.get("focal_point"):
            wanted["person"].update(pk for pk in (focal.get("old"), focal.get("new")) if pk)
    shelters = {
        s.pk: f"{s.block.code}/{s.code}"
        for s in Shelter.objects.filter(pk__in=wanted["shelter"]).select_related("block")
    }
    sites = dict(Site.objects.filter(pk__in=wanted["site"]).values_list("pk", "name"))
    households = dict(
        Household.objects.filter(pk__in=wanted["household"]).values_list("pk", "number")
    )
    people = {p.pk: str(p) for p in Individual.objects.filter(pk__in=wanted["person"])}
    corrected = {
        e.pk: e
        for e in LifeEvent.objects.filter(pk__in=[e.corrects_id for e in events if e.corrects_id])
    }
    causes = dict(CauseOfDeath.choices)
    out: dict[int, list[str]] = {}
    for event in events:
        data: dict[str, Any] = event.data
        lines: list[str] = []
        if data.get("place"):
            lines.append(_("Place: %(place)s") % {"place": data["place"]})
        if data.get("cause"):
            lines.append(
                _("Cause: %(cause)s") % {"cause": causes.get(data["cause"], data["cause"])}
            )
        if data.get("destination"):
            lines.append(_("Destination: %(place)s") % {"place": data["destination"]})
        if "old_site" in data and "new_site" in data:
            lines.append(
                _("Site: %(old)s → %(new)s")
                % {"old": sites.get(data["old_site"], "—"), "new": sites.get(data["new_site"], "—")}
            )
        if data.get("old_shelter") or data.get("new_shelter"):
            lines.append(
                _("Shelter: %(old)s → %(new)s")
                % {
                    "old": shelters.get(data.get("old_shelter"), "—"),
                    "new": shelters.get(data.get("new_shelter"), "—"),
                }
            )
        if data.get("new_household_number"):
            lines.append(_("New household %(number)s") % {"number": data["new_household_number"]})
        if data.get("from_household_number"):
            lines.append(
                _("Split from household %(number)s") % {"number": data["from_household_number"]}
            )
        elif event.kind == EventKind.JOIN and data.get("from_household") in households:
            lines.append(
                _("From household %(from)s to household %(to)s")
                % {
                    "from": households[data["from_household"]],
                    "to": households.get(event.household_id, "—"),
                }
            )
        if focal := data.get("focal_point"):
            lines.append(
                _("Focal point: %(old)s → %(new)s")
                % {
                    "old": people.get(focal.get("old"), "—"),
                    "new": people.get(focal.get("new"), "—"),
                }
            )
        if data.get("household_status") == "active" and event.kind == EventKind.DEATH:
            lines.append(_("No active member left: the household is closed (inactive)."))
        if event.corrects_id and event.corrects_id in corrected:
            undone = corrected[event.corrects_id]
            lines.append(
                _("Undoes the %(kind)s of %(date)s")
                % {
                    "kind": undone.get_kind_display().lower(),
                    "date": in_words(undone.occurred_on),
                }
            )
        out[event.pk] = lines
    return out


def undoable(events: Sequence[LifeEvent]) -> set[int]:
    """Ids of the events the page offers to undo: of a correctable kind, not undone yet."""
    corrected = {e.corrects_id for e in events if e.corrects_id}
    return {e.pk for e in events if e.kind in CORRECTABLE and e.pk not in corrected}
