"""Verification rounds: a manager opens a round for a site, desks confirm households in person
(members present and absent, new people found), the manager closes it (households not seen
are set inactive, each with a life event), and the report counts verified, changed and not
seen households by block. A round of another site answers 404 like a missing one."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.schemas import PUBLIC_ID, CleanInput, FieldProblems, Pages, Problem
from edgecamp.registry.codes import DatePrecision, Relationship, Sex
from edgecamp.registry.services import MemberInput
from edgecamp.verification import queries, services
from edgecamp.verification.models import Confirmation, Round

router = Router(tags=["verification"])


class RoundIn(CleanInput):
    site: int = Field(description="Id of the site to verify.")
    name: str = Field("", description="Defaults to “Verification <site> <date>”.")


class RoundOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    site: int
    name: str
    status: str = Field(json_schema_extra={"enum": list(Round.Status.values)})
    opened_at: datetime
    closed_at: datetime | None
    verified: int = Field(description="Households confirmed so far (fixed at close).")
    not_seen: int = Field(description="Households the close set inactive (0 while open).")

    @staticmethod
    def resolve_site(round_: Round) -> int:
        return round_.site_id

    @staticmethod
    def resolve_verified(round_: Round) -> int:
        if round_.is_open:
            return int(getattr(round_, "confirmed", None) or round_.confirmations.count())
        return round_.seen_count

    @staticmethod
    def resolve_not_seen(round_: Round) -> int:
        return round_.not_seen_count


class NewMemberIn(CleanInput):
    """A person found living with the household, registered as its member."""

    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    names_unknown: bool = Field(False, description="No name can be given (yet).")
    sex: str = Field(json_schema_extra={"enum": list(Sex.values)})
    date_of_birth: date | None = Field(None, description="ISO 8601; or give `age`.")
    date_of_birth_precision: str = Field(
        DatePrecision.EXACT.value, json_schema_extra={"enum": list(DatePrecision.values)}
    )
    age: int | None = Field(
        None, ge=0, le=120, description="Age in years when the date of birth is not known."
    )
    relationship: str = Field(
        description="To the focal point.", json_schema_extra={"enum": list(Relationship.values)}
    )

    def to_input(self) -> MemberInput:
        born, precision = self.date_of_birth, self.date_of_birth_precision
        if born is None and self.age is not None:
            born = date(timezone.localdate().year - self.age, 1, 1)
            precision = DatePrecision.ESTIMATED
        return MemberInput(
            relationship=self.relationship,
            sex=self.sex,
            given_name=self.given_name,
            family_name=self.family_name,
            names_unknown=self.names_unknown,
            date_of_birth=born,
            date_of_birth_precision=precision,
        )


class ConfirmIn(CleanInput):
    household: str = Field(description="Household number (EDG-000123).")
    present: list[int] = Field(
        max_length=100, description="Ids of the active members present at the desk."
    )
    absent: list[int] = Field(
        default_factory=list, max_length=100, description="Ids of the active members absent."
    )
    new_people: int = Field(
        0,
        ge=0,
        le=services.MAX_NEW_PEOPLE,
        description="People living with the household whom the registry does not know yet, "
        "counted only (record them by name in `new_members` when you can).",
    )
    new_members: list[NewMemberIn] = Field(
        default_factory=list,
        max_length=services.MAX_NEW_PEOPLE,
        description="New people found living with the household: each is registered as its "
        "member (checked as at registration and by the desk duplicate check; errors "
        "`new_members.<row>.<field>`), with a registration life event.",
    )
    duplicate_reason: str = Field(
        "",
        max_length=300,
        description="Why a new member the desk check finds likely to be someone registered "
        "elsewhere is a different person.",
    )
    note: str = ""
    desk: str = ""

    def to_input(self) -> services.ConfirmInput:
        return services.ConfirmInput(
            household_number=self.household,
            present=tuple(self.present),
            absent=tuple(self.absent),
            new_people=self.new_people,
            note=self.note,
            desk=self.desk,
            new_members=tuple(m.to_input() for m in self.new_members),
            duplicate_reason=self.duplicate_reason,
        )


class ConfirmationOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    round: int
    household: str
    confirmed_at: datetime
    present: int
    absent: int
    new_people: int
    changed: bool = Field(description="Members absent, new people, or set active again.")
    reactivated: bool = Field(description="The household was inactive and is active again.")
    late: bool = Field(description="Confirmed after the round closed.")
    event: int = Field(description="Id of the household's verification life event.")
    new_members: list[int] = Field(description="Ids of the new members registered.")

    @staticmethod
    def resolve_round(confirmation: Confirmation) -> int:
        return confirmation.round_id

    @staticmethod
    def resolve_household(confirmation: Confirmation) -> str:
        return confirmation.household.number

    @staticmethod
    def resolve_event(confirmation: Confirmation) -> int:
        return confirmation.event_id

    @staticmethod
    def resolve_new_members(confirmation: Confirmation) -> list[int]:
        return list(confirmation.event.data.get("new_members", []))


class ClosedOut(Schema):
    round: RoundOut
    verified: int
    not_seen: int = Field(description="Households set inactive by this close.")


class BlockOut(Schema):
    block: str = Field(description="Block code of the household's shelter; “—” for none.")
    households: int
    verified: int
    changed: int
    not_seen: int = Field(description="Not seen yet (open round) or set inactive at close.")
    late: int = Field(description="Not seen at close, confirmed since.")


class NewMemberOut(Schema):
    id: int
    household: str
    given_name: str
    family_name: str
    names_unknown: bool
    sex: str
    date_of_birth: date | None
    date_of_birth_precision: str
    relationship: str

    @staticmethod
    def resolve_household(person: Any) -> str:
        return str(person.household.number)


class ReportOut(Schema):
    round: RoundOut
    total: BlockOut
    blocks: list[BlockOut]
    new_members: list[NewMemberOut] = Field(
        description="The people the desks found living with a household and registered."
    )


class RoundFilters(Schema):
    site: int | None = None


def _round_or_404(request: HttpRequest, round_id: int) -> Round:
    found = queries.round_detail(round_id, scope=scope_for(request.user))
    if found is None:
        raise HttpError(404, _("No verification round has the id %(id)d.") % {"id": round_id})
    return found


@router.get("/verification-rounds", response=list[RoundOut], summary="List verification rounds")
@paginate(Pages)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> QuerySet[Round]:
    """The rounds of the caller's sites, latest first; `site` keeps to one."""
    return queries.rounds(scope_for(request.user), site_id=filters.site)


@router.post(
    "/verification-rounds",
    response={201: RoundOut, 409: FieldProblems, 422: FieldProblems},
    summary="Open a verification round",
)
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    """409 when the site has an open round already (one at a time per site)."""
    opened = services.open_round(
        services.OpenInput(site_id=payload.site, name=payload.name),
        opened_by=request.user,
        scope=scope_for(request.user),
    )
    return Status(201, opened)


@router.post(
    "/verification-rounds/{round_id}/confirmations",
    response={201: ConfirmationOut, 404: Problem, 409: FieldProblems, 422: FieldProblems},
    summary="Confirm a household in person",
)
def confirm_household(request: HttpRequest, round_id: int, payload: ConfirmIn) -> Any:
    """Every active member present or absent (at least one present). Writes the household's
    verification life event; an inactive household is set active again. 409 when it was
    confirmed in this round already, or the round is closed (then only the households its
    close set inactive can still be confirmed)."""
    found = _round_or_404(request, round_id)
    confirmation = services.confirm_household(
        found.pk, payload.to_input(), confirmed_by=request.user, scope=scope_for(request.user)
    )
    return Status(201, confirmation)


@router.post(
    "/verification-rounds/{round_id}/close",
    response={200: ClosedOut, 404: Problem, 409: FieldProblems},
    summary="Close a verification round",
)
def close_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    """Sets every active household of the site that was not confirmed (and was registered
    before the round opened) inactive, each with a life event; nothing is deleted."""
    found = _round_or_404(request, round_id)
    outcome = services.close_round(found.pk, closed_by=request.user, scope=scope_for(request.user))
    return {"round": outcome.round, "verified": outcome.verified, "not_seen": outcome.not_seen}


@router.get(
    "/verification-rounds/{round_id}/report",
    response={200: ReportOut, 404: Problem},
    summary="Report of a verification round",
)
def round_report(request: HttpRequest, round_id: int) -> dict[str, Any]:
    """Verified, changed and not seen households by block, with the total, and the new
    members the desks registered."""
    report = queries.report(_round_or_404(request, round_id))
    return {
        "round": report.round,
        "total": report.total,
        "blocks": report.blocks,
        "new_members": report.new_members,
    }
