"""The API's view of sites."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from edgecamp.shelters.models import Site


class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str


class SiteOut(Schema):
    id: int
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
