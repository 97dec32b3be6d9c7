"""Sections that apps above the registry add to its pages, as netbox's plugins add template
extensions per model: the registry renders them without importing those apps. An app
registers its panel in its AppConfig.ready() (protection/apps.py adds the confidential
protection section of the household page), and may add actions beside a member (protection
offers a tracing request for a missing member, or links to the one open)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgecamp.core.access import Scope
    from edgecamp.registry.models import Household


@dataclass(frozen=True)
class HouseholdPanel:
    # The name its template reads its context under, e.g. `protection`.
    name: str
    template: str
    # The panel's context for this reader, or None to show nothing (and read nothing).
    context: Callable[[Household, Scope], dict[str, Any] | None]


_household_panels: dict[str, HouseholdPanel] = {}


def register_household_panel(panel: HouseholdPanel) -> None:
    _household_panels[panel.name] = panel


def household_panels(household: Household, scope: Scope) -> dict[str, Any]:
    """The page context the registered panels add: each panel's context under its name, and
    `panel_templates`, the templates to include, in the order the panels were registered."""
    added: dict[str, Any] = {"panel_templates": []}
    for panel in _household_panels.values():
        context = panel.context(household, scope)
        if context is not None:
            added[panel.name] = context
            added["panel_templates"].append(panel.template)
    return added


@dataclass(frozen=True)
class MemberAction:
    """A link shown beside one member on the household page."""

    label: str
    url: str


# The actions for this reader, by member id, or None to show (and read) nothing.
MemberActions = Callable[["Household", "Scope"], "dict[int, list[MemberAction]] | None"]

_member_actions: dict[str, MemberActions] = {}


def register_member_actions(name: str, actions: MemberActions) -> None:
    _member_actions[name] = actions


def member_actions(household: Household, scope: Scope) -> dict[int, list[MemberAction]]:
    """Every registered app's actions for the household's members, by member id."""
    added: dict[int, list[MemberAction]] = {}
    for actions in _member_actions.values():
        for pk, found in (actions(household, scope) or {}).items():
            added.setdefault(pk, []).extend(found)
    return added
