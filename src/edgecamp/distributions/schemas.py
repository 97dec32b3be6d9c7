"""The distributions API's shapes: cycles and their rules, coverage, the entitlement summary a
desk sees after a scan, redemptions, and the stock position."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from edgecamp.core.access import scope_for
from edgecamp.core.schemas import PUBLIC_ID, AtMost, CleanInput, FieldProblems
from edgecamp.distributions import queries, services
from edgecamp.distributions.models import Cycle, EntitlementLine, EntitlementRule, Redemption
from edgecamp.registry.codes import SpecificNeed
from edgecamp.registry.models import Household
from edgecamp.stock.quantities import MAX_LINES, STEP

STATUSES = len(Household.Status)


def _too_many_statuses() -> str:
    return _("Give each household status once: at most %(n)d.") % {"n": STATUSES}


def _too_many_needs() -> str:
    return _("Give each specific need once: at most %(n)d.") % {"n": len(SpecificNeed)}


class SizeBandIn(CleanInput):
    min: int
    max: int | None = Field(None, description="Empty for “and larger”.")
    quantity: Decimal


class RuleIn(CleanInput):
    item: int
    basis: str = Field(json_schema_extra={"enum": list(EntitlementRule.Basis.values)})
    quantity: Decimal | None = Field(
        None, description="Per person or per household; not used with size bands."
    )
    size_bands: list[SizeBandIn] = Field(default_factory=list, max_length=MAX_LINES)
    cap: Decimal | None = Field(None, description="Most a household can receive.")

    def to_input(self) -> services.RuleInput:
        return services.RuleInput(
            item_id=self.item,
            basis=self.basis,
            quantity=self.quantity,
            size_bands=[
                {"min": band.min, "max": band.max, "quantity": str(band.quantity)}
                for band in self.size_bands
            ],
            cap=self.cap,
        )


class CycleIn(CleanInput):
    name: str
    site: int
    warehouse: int = Field(description="Id of the warehouse the cycle issues from.")
    organisation: int | None = None
    starts_on: date
    ends_on: date = Field(description="Last day the ration covers.")
    target_statuses: Annotated[list[str], AtMost(STATUSES, _too_many_statuses)] = Field(
        default_factory=lambda: [Household.Status.ACTIVE.value],
        max_length=STATUSES,
        json_schema_extra={"items": {"type": "string", "enum": list(Household.Status.values)}},
    )
    target_needs: Annotated[list[str], AtMost(len(SpecificNeed), _too_many_needs)] = Field(
        default_factory=list,
        max_length=len(SpecificNeed),
        description="Only households with one of these specific needs.",
    )
    card_boxes: int = 12
    requires_verification: bool = Field(
        False,
        description="Serve only households confirmed in person in a verification round: "
        "`verification_round`, or else the site's open round or its latest closed one (either).",
    )
    verification_round: int | None = Field(None, description="Id of a round of the site.")
    rules: list[RuleIn] = Field(max_length=MAX_LINES)

    def to_input(self) -> services.CycleInput:
        return services.CycleInput(
            name=self.name,
            site_id=self.site,
            warehouse_id=self.warehouse,
            organisation_id=self.organisation,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            target_statuses=tuple(self.target_statuses),
            target_needs=tuple(self.target_needs),
            card_boxes=self.card_boxes,
            requires_verification=self.requires_verification,
            verification_round_id=self.verification_round,
            rules=[rule.to_input() for rule in self.rules],
        )


class CodeIn(CleanInput):
    code: str = Field(description="The text of the ration card's QR code (or typed from it).")


class RedeemIn(CodeIn):
    collector: str = Field(
        Redemption.Collector.FOCAL_POINT.value,
        json_schema_extra={"enum": list(Redemption.Collector.values)},
    )
    proxy_name: str = ""
    proxy_relationship: str = ""
    desk: str = ""

    def to_input(self) -> services.RedeemInput:
        return services.RedeemInput(
            code=self.code,
            collector=self.collector,
            proxy_name=self.proxy_name,
            proxy_relationship=self.proxy_relationship,
            desk=self.desk,
        )


# --- Output ------------------------------------------------------------------------------------


class RuleOut(Schema):
    item: str
    basis: str
    quantity: Decimal | None
    size_bands: list[dict[str, Any]]
    cap: Decimal | None

    @staticmethod
    def resolve_item(rule: EntitlementRule) -> str:
        return rule.item.code


class ShortfallLineOut(Schema):
    """An item the cycle hands out more of than its warehouse holds and expects by the
    cycle's first day."""

    item: int = Field(description="Item id.")
    name: str
    unit: str
    required: Decimal = Field(description="What the cycle's entitlements hand out.")
    available: Decimal = Field(
        description="On hand on the first day, plus shipments and pledges expected by then, "
        "less what the warehouse's other open cycles still owe."
    )
    short: Decimal


class ShortfallProblems(FieldProblems):
    shortfall: list[ShortfallLineOut] = Field(
        description="Per item: start again with `shortfall_reason` to start it anyway."
    )


class StartIn(CleanInput):
    shortfall_reason: str = Field(
        "",
        max_length=500,
        description="Why the cycle starts although its entitlements exceed the stock on "
        "hand and expected by its first day; needed only then, kept on the cycle.",
    )


class CycleOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    name: str
    site: int
    warehouse: int
    organisation: int | None
    starts_on: date
    ends_on: date
    status: str = Field(json_schema_extra={"enum": list(Cycle.Status.values)})
    target_statuses: list[str]
    target_needs: list[str] = Field(
        description="Empty to anyone but a protection officer of the site when the cycle is "
        "targeted_by_protection."
    )
    targeted_by_protection: bool = Field(
        description="The households were chosen by a protection-sensitive need."
    )
    card_boxes: int
    requires_verification: bool
    verification_round: int | None = Field(description="Id of the verification round, if set.")
    started_at: datetime | None
    shortfall_reason: str = Field(description="Why it was started short of stock, if it was.")
    shortfall: list[ShortfallLineOut] = Field(
        description="The shortfall per item when it was started (empty: none)."
    )
    rules: list[RuleOut]

    @staticmethod
    def resolve_site(cycle: Cycle) -> int:
        return cycle.site_id

    @staticmethod
    def resolve_warehouse(cycle: Cycle) -> int:
        return cycle.warehouse_id

    @staticmethod
    def resolve_verification_round(cycle: Cycle) -> int | None:
        return cycle.verification_round_id

    @staticmethod
    def resolve_organisation(cycle: Cycle) -> int | None:
        return cycle.organisation_id

    @staticmethod
    def resolve_target_needs(cycle: Cycle, context: dict[str, Any]) -> list[str]:
        return queries.shown_target_needs(cycle, scope_for(context["request"].user))

    @staticmethod
    def resolve_targeted_by_protection(cycle: Cycle) -> bool:
        return cycle.protection_targeted

    @staticmethod
    def resolve_rules(cycle: Cycle) -> list[EntitlementRule]:
        return list(cycle.rules.all())


class StartedOut(Schema):
    cycle: CycleOut
    households: int = Field(description="Households on the cycle's fixed list.")


class ItemCoverageOut(Schema):
    item: str
    unit: str
    # Exact decimals (as strings in JSON), like every quantity of the API.
    entitled: Decimal
    distributed: Decimal


class CoverageOut(Schema):
    households_eligible: int
    households_served: int
    households_percent: float
    people_eligible: int
    people_served: int
    people_percent: float
    collected_by_proxy: int
    items: list[ItemCoverageOut]


class EntitlementLineOut(Schema):
    item: str
    name: str
    unit: str
    quantity: Decimal

    @staticmethod
    def resolve_item(line: EntitlementLine) -> str:
        return line.item.code

    @staticmethod
    def resolve_name(line: EntitlementLine) -> str:
        return line.item.name

    @staticmethod
    def resolve_unit(line: EntitlementLine) -> str:
        return line.item.unit


class RedemptionOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    household_number: str
    redeemed_at: datetime
    redeemed_by: str | None
    desk: str
    collector: str = Field(json_schema_extra={"enum": list(Redemption.Collector.values)})
    proxy_name: str
    proxy_relationship: str

    @staticmethod
    def resolve_household_number(redemption: Redemption) -> str:
        return redemption.entitlement.household_number

    @staticmethod
    def resolve_redeemed_by(redemption: Redemption) -> str | None:
        user = redemption.redeemed_by
        return user.get_username() if user is not None else None


class EntitlementSummary(Schema):
    """What the desk checks before handing out: the card's household, its size at the
    snapshot, the focal point to compare with an ID, and what is due."""

    household_number: str
    household_size: int
    focal_point: str | None
    status: str = Field(description="`due`, or `collected` with the earlier redemption.")
    lines: list[EntitlementLineOut]
    redemption: RedemptionOut | None
    message: str


class AlreadyCollected(Schema):
    detail: str
    redemption: RedemptionOut


class PositionOut(Schema):
    site: str
    item: str
    unit: str
    on_hand: Decimal
    in_pipeline: Decimal
    requirement: Decimal
    daily_consumption: Decimal = Field(description="Per day, to three decimals.")
    days_of_cover: int | None
    shortfall: Decimal
    pipeline_break: bool

    @field_validator("daily_consumption")
    @classmethod
    def _to_three_decimals(cls, value: Decimal) -> Decimal:
        return value.quantize(STEP)


# --- Ration cards ------------------------------------------------------------------------------


class CardReasonIn(CleanInput):
    reason: str = Field(description="Why: lost, stolen, damaged, fraud… (kept in the history).")


class RationCardOut(Schema):
    issue: int = Field(description="1: the household's first card; 2: its first replacement…")
    status: str = Field(json_schema_extra={"enum": ["active", "replaced", "revoked"]})
    issued_at: datetime | None
    issue_reason: str
    ended_at: datetime | None
    end_reason: str


class CardStateOut(Schema):
    household: str = Field(description="The household number.")
    current: RationCardOut
    code: str | None = Field(
        description="The current card's QR text, to print it; empty when it is revoked."
    )
    history: list[RationCardOut] = Field(description="Every card, newest first.")
