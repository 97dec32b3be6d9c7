"""The API's view of sites."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from edgecamp.core.schemas import PUBLIC_ID, CleanInput
from edgecamp.shelters.models import AllocationLine, AllocationPlan, explanation_in_words
from edgecamp.shelters.services import UNMET_KEYS, ProposalSettings
from edgecamp.sites.models import Condition, Shelter, Site


class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str


class SiteOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    name: str
    code: str
    type: str = Field(json_schema_extra={"enum": list(Site.Type.values)})
    status: str = Field(json_schema_extra={"enum": list(Site.Status.values)})
    latitude: float | None = Field(description="WGS 84 decimal degrees.")
    longitude: float | None = Field(description="WGS 84 decimal degrees.")
    area_m2: int | None
    opened_on: date | None
    managing_organisation: OrganisationRef | None = Field(description="The site management agency.")
    block_count: int
    shelter_count: int
    active_household_count: int


class SiteDetail(SiteOut):
    active_people_count: int = Field(description="Active people in active households.")


# --- Shelters of a site -------------------------------------------------------------------------


class StatusChangeOut(Schema):
    status: str = Field(json_schema_extra={"enum": list(Condition.values)})
    previous: str = Field(json_schema_extra={"enum": list(Condition.values)})
    reason: str
    on: date
    recorded_at: datetime
    recorded_by: str | None = Field(description="Username of who recorded it.")


class ShelterOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    block: str
    code: str
    type: str = Field(json_schema_extra={"enum": list(Shelter.Type.values)})
    covered_m2: Decimal
    capacity: int
    occupants: int = Field(description="Active people of the active households living there.")
    households: int = Field(description="Households living there (active or inactive).")
    m2_per_person: Decimal | None = Field(description="Covered m² per occupant; null if empty.")
    under_standard: bool = Field(description="Less covered space per person than the standard.")
    crowded: bool = Field(description="More occupants than its capacity.")
    status: str = Field(
        json_schema_extra={"enum": list(Condition.values)},
        description="habitable, or why it takes nobody new.",
    )
    available: bool = Field(description="Habitable, with room for a new household.")
    last_change: StatusChangeOut | None = Field(description="The latest status change.")


class ShelterFiltersIn(Schema):
    block: str = Field("", description="A block code.")
    status: str = Field("", json_schema_extra={"enum": ["", *Condition.values]})
    occupancy: str = Field(
        "",
        json_schema_extra={"enum": ["", "crowded", "free"]},
        description="crowded: more people than places; free: nobody lives there.",
    )
    under_standard: bool = Field(False, description="Only shelters under the space standard.")


class StatusChangeIn(CleanInput):
    status: str = Field(json_schema_extra={"enum": list(Condition.values)})
    reason: str = Field(description="What happened, in the manager's words.", max_length=300)
    on: date | None = Field(None, description="When; today if not given.")


class StatusChangedOut(Schema):
    shelter: ShelterOut
    households_to_move: list[str] = Field(
        description="Households still living in a shelter now out of use (their numbers)."
    )


# --- Allocation plans ----------------------------------------------------------------------------


class ProposeIn(CleanInput):
    rebalance: bool = Field(False, description="Also move households that already have a shelter.")
    space_standard: Decimal = Field(
        Decimal("3.5"), description="Covered m² per person counted as adequate (Sphere: 3.5)."
    )
    emergency_minimum: Decimal = Field(
        Decimal("2.5"), description="No shelter is filled more densely than this, in m²/person."
    )

    def to_settings(self) -> ProposalSettings:
        return ProposalSettings(
            rebalance=self.rebalance,
            space_standard_m2=self.space_standard,
            emergency_minimum_m2=self.emergency_minimum,
        )


class UserRef(Schema):
    id: int
    username: str


class PlanMetricsOut(Schema):
    households: int
    shelters: int
    households_housed: int
    households_unhoused: int
    people_housed: int
    people_unhoused: int
    people_below_standard: int
    needs_unmet: int = Field(description="Households with a priority need (DS ER WR SP SC) unmet.")
    split_households: int
    households_kept_overcrowded: int = Field(
        description="Kept without rebalance in shelters holding more than they may."
    )
    community_cohesion: float
    objective: float
    bound: float | None = Field(description="Upper bound on the objective of any plan.")
    gap: float | None = Field(description="(bound - objective) / bound.")
    method: str
    seconds: float


class BlockSummaryOut(Schema):
    block: str
    shelters: int
    households: int
    people: int
    area_in_use_m2: float
    m2_per_person: float | None
    people_below_standard: int
    needs_unmet: int


class PlanOut(Schema):
    id: int
    site: int
    status: str = Field(json_schema_extra={"enum": list(AllocationPlan.Status.values)})
    rebalance: bool
    space_standard: Decimal
    emergency_minimum: Decimal
    created_at: datetime
    created_by: UserRef | None
    decided_at: datetime | None
    decided_by: UserRef | None
    metrics: PlanMetricsOut
    blocks: list[BlockSummaryOut]
    changes: dict[str, int] = Field(description="Households by change: new, kept, moved, ...")


class PlanLineOut(Schema):
    household: str = Field(description="Household number.")
    people: int
    shelters: list[int] = Field(description="Shelter ids; several for a split household.")
    shelter_codes: list[str] = Field(description="BLOCK/CODE of each shelter.")
    previous_shelters: list[int]
    change: str = Field(json_schema_extra={"enum": list(AllocationLine.Change.values)})
    block: str
    m2_per_person: Decimal | None
    below_standard: bool
    unmet_needs: list[str] = Field(
        json_schema_extra={"items": {"type": "string", "enum": list(UNMET_KEYS)}}
    )
    rule: str
    explanation: str

    @staticmethod
    def resolve_household(line: AllocationLine) -> str:
        return line.household.number

    @staticmethod
    def resolve_shelters(line: AllocationLine) -> list[int]:
        return list(line.shelter_ids)

    @staticmethod
    def resolve_shelter_codes(line: AllocationLine) -> list[str]:
        return line.shelter_codes.split()

    @staticmethod
    def resolve_previous_shelters(line: AllocationLine) -> list[int]:
        return list(line.previous_shelter_ids)

    @staticmethod
    def resolve_unmet_needs(line: AllocationLine) -> list[str]:
        return line.unmet_needs.split()

    @staticmethod
    def resolve_explanation(line: AllocationLine) -> str:
        return explanation_in_words(line)


class ConfirmedOut(Schema):
    plan: PlanOut
    newly_housed: int
    moved: int
    unhoused: int
    vacated: int = Field(
        description="Households no longer active whose shelter went to an active household."
    )
