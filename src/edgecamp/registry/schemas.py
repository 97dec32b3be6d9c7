"""The registry's API shapes: what a client sends to register a household and what it reads
back. Field names follow the domain and the service's error paths (`site`,
`members.1.date_of_birth`), so a client can put every error next to the field it belongs to.

Codes (sex, relationship, specific needs...) are plain strings listed as enums in the OpenAPI
schema; the registration service checks them, so all the mistakes in a request come back at
once with the service's messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.db import models
from ninja import Field, Schema

from edgecamp.core.schemas import PUBLIC_ID, AtMost, CleanInput
from edgecamp.registry import life_events
from edgecamp.registry.codes import (
    DatePrecision,
    DocumentType,
    EventKind,
    Relationship,
    Sex,
    SpecificNeed,
)
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    Individual,
    LifeEvent,
    Membership,
    MergeRecord,
)
from edgecamp.registry.services import (
    MAX_DOCUMENTS,
    MAX_MEMBERS,
    MAX_NEEDS,
    MAX_OTHER_NAMES,
    DocumentInput,
    HouseholdInput,
    MemberInput,
    too_many_documents,
    too_many_members,
    too_many_needs,
    too_many_other_names,
)


def _one_of(choices: type[models.TextChoices]) -> dict[str, Any]:
    return {"enum": list(choices.values)}


def _list_of(choices: type[models.TextChoices]) -> dict[str, Any]:
    return {"items": {"type": "string", "enum": list(choices.values)}}


NATIONALITY_HELP = "ISO 3166 alpha-3 code (SDN), XXA for stateless or XXX for unknown."


# --- Input -------------------------------------------------------------------------------------


class DocumentIn(CleanInput):
    type: str = Field(json_schema_extra=_one_of(DocumentType))
    number: str
    issuing_country: str = Field("", description=NATIONALITY_HELP)
    expires_on: date | None = None

    def to_input(self) -> DocumentInput:
        return DocumentInput(
            type=self.type,
            number=self.number,
            issuing_country=self.issuing_country,
            expires_on=self.expires_on,
        )


class MemberIn(CleanInput):
    relationship: str = Field(
        description="Relationship to the household's focal point; exactly one member is "
        "`focal_point`.",
        json_schema_extra=_one_of(Relationship),
    )
    sex: str = Field(json_schema_extra=_one_of(Sex))
    given_name: str = ""
    family_name: str = ""
    given_name_local: str = Field(
        "", description="The given name in the person's own script (e.g. Arabic), if written."
    )
    family_name_local: str = Field("", description="The family name in the person's own script.")
    other_names: Annotated[list[str], AtMost(MAX_OTHER_NAMES, too_many_other_names)] = Field(
        default_factory=list, max_length=MAX_OTHER_NAMES, description="Aliases and spellings."
    )
    names_unknown: bool = Field(
        False, description="Set when the names are really unknown (an unnamed infant)."
    )
    date_of_birth: date | None = Field(None, description="ISO 8601 date, e.g. 2015-01-31.")
    date_of_birth_precision: str = Field(
        DatePrecision.EXACT.value,
        description="`year`: only the year is known (stored as 1 January).",
        json_schema_extra=_one_of(DatePrecision),
    )
    nationality: str = Field("", description=NATIONALITY_HELP)
    specific_needs: Annotated[list[str], AtMost(MAX_NEEDS, too_many_needs)] = Field(
        default_factory=list,
        max_length=MAX_NEEDS,
        description="UNHCR specific-needs codes.",
        json_schema_extra=_list_of(SpecificNeed),
    )
    documents: Annotated[list[DocumentIn], AtMost(MAX_DOCUMENTS, too_many_documents)] = Field(
        default_factory=list, max_length=MAX_DOCUMENTS
    )

    def to_input(self) -> MemberInput:
        return MemberInput(
            relationship=self.relationship,
            sex=self.sex,
            given_name=self.given_name,
            family_name=self.family_name,
            other_names=tuple(self.other_names),
            names_unknown=self.names_unknown,
            given_name_local=self.given_name_local,
            family_name_local=self.family_name_local,
            date_of_birth=self.date_of_birth,
            date_of_birth_precision=self.date_of_birth_precision,
            nationality=self.nationality,
            specific_needs=tuple(self.specific_needs),
            documents=tuple(d.to_input() for d in self.documents),
        )


class HouseholdIn(CleanInput):
    site: int = Field(description="Id of the site registering the household.")
    shelter: int | None = Field(None, description="Id of a shelter in that site, if allocated.")
    members: Annotated[list[MemberIn], AtMost(MAX_MEMBERS, too_many_members)] = Field(
        max_length=MAX_MEMBERS
    )
    place_of_origin: str = ""
    phone: str = ""
    language: str = Field("", description="ISO 639 code, e.g. ar, fr, so.")
    # The service does not check this one and the column holds 40 characters.
    registration_desk: str = Field("", max_length=40)
    registration_date: date | None = Field(None, description="ISO 8601 date; today if omitted.")
    duplicates_confirmed_reason: str = Field(
        "",
        max_length=300,
        description="Why the household is registered although the desk check answered 409 "
        "with likely duplicates (e.g. “twins”, “checked papers: different person”). Without "
        "it a likely duplicate stops the registration.",
    )
    link_to: str = Field(
        "",
        max_length=20,
        description="Number of a household the desk check matched: the people being "
        "registered are that household. Members matched to its people are left out, the "
        "others are added to it.",
    )

    def to_input(self) -> HouseholdInput:
        return HouseholdInput(
            site_id=self.site,
            shelter_id=self.shelter,
            members=[m.to_input() for m in self.members],
            place_of_origin=self.place_of_origin,
            phone=self.phone,
            language=self.language,
            registration_desk=self.registration_desk,
            registration_date=self.registration_date,
            duplicate_override_reason=self.duplicates_confirmed_reason,
        )


class DuplicateCheckIn(CleanInput):
    members: Annotated[list[MemberIn], AtMost(MAX_MEMBERS, too_many_members)] = Field(
        max_length=MAX_MEMBERS
    )
    place_of_origin: str = ""
    phone: str = ""


# --- Output ------------------------------------------------------------------------------------


class SiteRef(Schema):
    id: int
    code: str
    name: str


class ShelterRef(Schema):
    id: int
    code: str


class ShelterInBlock(ShelterRef):
    block: str

    @staticmethod
    def resolve_block(shelter: Any) -> str:
        return str(shelter.block.code)


class PersonRef(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    given_name: str
    family_name: str
    names_unknown: bool


class DocumentOut(Schema):
    uuid: UUID = Field(description=PUBLIC_ID)
    type: str = Field(json_schema_extra=_one_of(DocumentType))
    number: str
    issuing_country: str
    expires_on: date | None
    active: bool = Field(
        description="False for a document withdrawn by a correction, or a copy of one another "
        "record holds (kept as evidence for the duplicate review)."
    )


class StatusChangeOut(Schema):
    """A life event that changed a status."""

    uuid: UUID = Field(description=PUBLIC_ID)
    kind: str = Field(description="The life event.", json_schema_extra=_one_of(EventKind))
    old_status: str = Field(description="Empty for the first entry (registration).")
    new_status: str
    reason: str
    occurred_on: date = Field(description="When it happened; `changed_at` is when recorded.")
    changed_at: datetime

    @staticmethod
    def resolve_reason(event: LifeEvent) -> str:
        return event.reason_text

    @staticmethod
    def resolve_changed_at(event: LifeEvent) -> datetime:
        return event.recorded_at


class IndividualOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    given_name: str
    family_name: str
    given_name_local: str = Field(description="The given name in the person's own script.")
    family_name_local: str = Field(description="The family name in the person's own script.")
    other_names: list[str]
    names_unknown: bool
    sex: str = Field(json_schema_extra=_one_of(Sex))
    date_of_birth: date | None
    date_of_birth_precision: str = Field(json_schema_extra=_one_of(DatePrecision))
    relationship: str = Field(json_schema_extra=_one_of(Relationship))
    nationality: str
    status: str = Field(json_schema_extra=_one_of(Individual.Status))
    # Protection-sensitive (codes.PROTECTION_SENSITIVE_NEEDS): role scoping will filter them
    # here, the one place every response takes them from. The free-text detail stays out.
    specific_needs: list[str] = Field(json_schema_extra=_list_of(SpecificNeed))
    documents: list[DocumentOut]

    @staticmethod
    def resolve_specific_needs(individual: Individual) -> list[str]:
        return [need.code for need in individual.specific_needs.all()]


class MembershipOut(Schema):
    """A period during which a person belonged to a household."""

    uuid: UUID = Field(description=PUBLIC_ID)
    individual: PersonRef
    relationship: str = Field(json_schema_extra=_one_of(Relationship))
    started_on: date
    ended_on: date | None = Field(description="Empty while the person is still a member.")
    reason: str


class HouseholdSummary(Schema):
    number: str
    uuid: UUID = Field(description=PUBLIC_ID)
    site: SiteRef
    shelter: ShelterRef | None
    status: str = Field(json_schema_extra=_one_of(Household.Status))
    registration_date: date
    focal_point: PersonRef | None
    place_of_origin: str


class HouseholdDetail(Schema):
    number: str
    uuid: UUID = Field(description=PUBLIC_ID)
    site: SiteRef
    shelter: ShelterInBlock | None
    status: str = Field(json_schema_extra=_one_of(Household.Status))
    registration_date: date
    registration_desk: str
    registered_by: str | None = Field(description="Username of the registering clerk.")
    focal_point: PersonRef | None
    place_of_origin: str
    phone: str
    language: str
    members: list[IndividualOut] = Field(description="Current members.")
    status_history: list[StatusChangeOut]
    membership_history: list[MembershipOut] = Field(
        description="Everyone who belonged to the household, including people who left."
    )

    @staticmethod
    def resolve_registered_by(household: Household) -> str | None:
        user = household.registered_by
        return user.get_username() if user is not None else None

    @staticmethod
    def resolve_status_history(household: Household) -> list[LifeEvent]:
        return life_events.household_status_history(household.life_events.all())

    @staticmethod
    def resolve_membership_history(household: Household) -> list[Membership]:
        return list(household.memberships.all())


class HouseholdRef(Schema):
    number: str
    uuid: UUID = Field(description=PUBLIC_ID)
    site: SiteRef


class IndividualMembershipOut(Schema):
    uuid: UUID = Field(description=PUBLIC_ID)
    household: str = Field(description="Household number.")
    relationship: str = Field(json_schema_extra=_one_of(Relationship))
    started_on: date
    ended_on: date | None
    reason: str

    @staticmethod
    def resolve_household(membership: Membership) -> str:
        return membership.household.number


class IndividualDetail(IndividualOut):
    household: HouseholdRef = Field(description="The household the person belongs to now.")
    status_history: list[StatusChangeOut]
    membership_history: list[IndividualMembershipOut]

    @staticmethod
    def resolve_status_history(individual: Individual) -> list[LifeEvent]:
        return life_events.status_history(individual.life_events.all())

    @staticmethod
    def resolve_membership_history(individual: Individual) -> list[Membership]:
        return list(individual.memberships.all())


# --- Errors ------------------------------------------------------------------------------------


class EvidenceOut(Schema):
    comparison: str = Field(description="The compared field, e.g. `given_name`.")
    level: str = Field(description="How it compared, e.g. `exact`, `phonetic`, `different`.")
    weight: float = Field(description="Match weight in bits: positive counts for a match.")


class PossibleMatchOut(Schema):
    individual_id: int
    household_number: str
    given_name: str
    family_name: str
    sex: str
    date_of_birth: date | None
    probability: float
    evidence: list[EvidenceOut]


class MemberMatches(Schema):
    member: int = Field(description="Index of the member in the request's `members`.")
    matches: list[PossibleMatchOut]


class RepeatedMember(Schema):
    member: int = Field(description="Index of a member that looks like an earlier one...")
    same_as: int = Field(description="...this one, typed twice in the same request.")


class DuplicateCheckOut(Schema):
    members: list[MemberMatches] = Field(description="Only members with likely matches.")
    repeated: list[RepeatedMember] = Field(
        default_factory=list,
        description="Members of the request that look like the same person typed twice "
        "(same document, or same name, sex and date of birth).",
    )


class DuplicatesFound(DuplicateCheckOut):
    detail: str


class CandidatePerson(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    household_number: str
    given_name: str
    family_name: str
    sex: str = Field(json_schema_extra=_one_of(Sex))
    date_of_birth: date | None
    status: str = Field(json_schema_extra=_one_of(Individual.Status))

    @staticmethod
    def resolve_household_number(individual: Individual) -> str:
        return individual.household.number


class DuplicateCandidateOut(Schema):
    id: int
    status: str = Field(json_schema_extra=_one_of(DuplicateCandidate.Status))
    probability: float
    evidence: list[EvidenceOut]
    left: CandidatePerson
    right: CandidatePerson
    version: str = Field(
        description="Changes when either record is edited; send it with a merge to have the "
        "merge refused (409) if the records changed since you read them."
    )

    @staticmethod
    def resolve_left(candidate: DuplicateCandidate) -> Individual:
        return candidate.individual_l

    @staticmethod
    def resolve_right(candidate: DuplicateCandidate) -> Individual:
        return candidate.individual_r

    @staticmethod
    def resolve_version(candidate: DuplicateCandidate) -> str:
        from edgecamp.registry.merge import pair_version

        return pair_version(candidate.individual_l, candidate.individual_r)


class MergeIn(CleanInput):
    survivor: int = Field(description="Id of the person kept: one of the candidate's two.")
    version: str = Field("", description="The candidate's `version` as read, if any.")


class MergeOut(Schema):
    id: int = Field(description="The merge's id, for unmerge.")
    state: str = Field(json_schema_extra=_one_of(MergeRecord.State))
    candidate: int | None
    merged: int = Field(description="Id of the record merged away.")
    survivor: int = Field(description="Id of the record kept.")
    aliases_added: list[str] = Field(description="Names added to the kept record's other names.")
    document_ids: list[int] = Field(description="Documents moved to the kept record.")
    need_ids: list[int] = Field(description="Specific-needs records moved to the kept record.")
    household_closed: str | None = Field(
        description="Number of the household the merge closed (left with no active member)."
    )
    merged_at: datetime
    undone_at: datetime | None

    @staticmethod
    def resolve_candidate(record: MergeRecord) -> int | None:
        return record.candidate_id

    @staticmethod
    def resolve_merged(record: MergeRecord) -> int:
        return record.individual_id

    @staticmethod
    def resolve_survivor(record: MergeRecord) -> int:
        return record.survivor_id

    @staticmethod
    def resolve_household_closed(record: MergeRecord) -> str | None:
        household = record.household_closed
        return household.number if household is not None else None
