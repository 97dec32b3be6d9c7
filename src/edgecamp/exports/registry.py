"""The registry as two tables joined by household number: households and members, each with a
header row and an HXL hashtag row, read from the database in chunks (a server-side cursor on
PostgreSQL) so that a million people stream through without being held in memory.

Kept to the user's sites; merged duplicate records left out (they are one person with the
record they were merged into); protection-sensitive needs only for protection officers (of
their sites: the export holds nothing else). No document numbers: an export travels."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, Count, F, OuterRef, Subquery, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from edgecamp.core.access import Scope
from edgecamp.core.dates import age_on
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
from edgecamp.registry.models import Household, Individual, SpecificNeedRecord

CHUNK = 5000
# The sheet (and CSV file) names stay the same in every language: other tools read them.
SHEETS = ("households", "members")

HOUSEHOLD_COLUMNS: list[tuple[str, str]] = [
    # (header, HXL hashtag)
    ("household_number", "#household+code"),
    ("site_code", "#loc+code"),
    ("site", "#loc+name"),
    ("block", "#loc+block"),
    ("shelter", "#loc+shelter"),
    ("status", "#status"),
    ("registration_date", "#date+registered"),
    ("members_active", "#population+ind+active"),
    ("focal_point_given_name", "#contact+name+given"),
    ("focal_point_family_name", "#contact+name+family"),
    ("phone", "#contact+phone"),
    ("language", "#language+code"),
    ("place_of_origin", "#loc+origin"),
]
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("household_number", "#household+code"),
    ("person_id", "#indiv+id"),
    ("site_code", "#loc+code"),
    ("given_name", "#indiv+name+given"),
    ("family_name", "#indiv+name+family"),
    ("other_names", "#indiv+name+alias"),
    ("sex", "#indiv+sex"),
    ("date_of_birth", "#date+birth"),
    ("date_of_birth_precision", "#date+birth+precision"),
    ("age", "#indiv+age"),
    ("relationship", "#indiv+relationship"),
    ("nationality", "#indiv+nationality+code"),
    ("status", "#indiv+status"),
    ("specific_needs", "#indiv+needs+code"),
]


def households(scope: Scope) -> Iterator[list[Any]]:
    yield [name for name, _tag in HOUSEHOLD_COLUMNS]
    yield [tag for _name, tag in HOUSEHOLD_COLUMNS]
    active = (
        Individual.objects.filter(household=OuterRef("pk"), status=Individual.Status.ACTIVE)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Household.objects.filter(scope.sites_q("site"))
        .order_by("number")
        .annotate(active_members=Coalesce(Subquery(active), 0))
        .values_list(
            "number",
            "site__code",
            "site__name",
            "shelter__block__code",
            "shelter__code",
            "status",
            "registration_date",
            "active_members",
            "focal_point__given_name",
            "focal_point__family_name",
            "phone",
            "language",
            "place_of_origin",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield list(row)


def members(scope: Scope, today: dt.date | None = None) -> Iterator[list[Any]]:
    yield [name for name, _tag in MEMBER_COLUMNS]
    yield [tag for _name, tag in MEMBER_COLUMNS]
    day = today or timezone.localdate()
    # The needs first, in one pass (a few per hundred people): a correlated subquery per
    # person made the database's work ten times the export's.
    needs = SpecificNeedRecord.objects.filter(scope.sites_q("individual__household__site"))
    if not scope.protection:
        needs = needs.exclude(code__in=sorted(PROTECTION_SENSITIVE_NEEDS))
    codes: dict[int, list[str]] = {}
    for person, code in needs.order_by().values_list("individual_id", "code").iterator(CHUNK):
        codes.setdefault(person, []).append(code)
    rows = (
        Individual.objects.filter(scope.sites_q("household__site"))
        .exclude(status=Individual.Status.MERGED)
        .order_by("household__number", "pk")
        # As text from the database: decoding a million JSON lists and UUIDs in Python was
        # half the export's time, and nearly every list is empty.
        .annotate(
            number=F("household__number"),
            public_id=Cast("uuid", CharField()),
            aliases=Cast("other_names", TextField()),
        )
        .values_list(
            "number",
            "pk",
            "public_id",
            "household__site__code",
            "given_name",
            "family_name",
            "aliases",
            "sex",
            "date_of_birth",
            "date_of_birth_precision",
            "relationship",
            "nationality",
            "status",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        (
            number,
            pk,
            uuid,
            site,
            given,
            family,
            others,
            sex,
            born,
            precision,
            rel,
            nat,
            status,
        ) = row
        yield [
            number,
            uuid,
            site,
            given,
            family,
            "; ".join(json.loads(others)) if others not in ("[]", "", None) else "",
            sex,
            born,
            precision if born else "",
            age if (age := age_on(born, day)) is not None else "",
            rel,
            nat,
            status,
            " ".join(sorted(codes.get(pk, ()))),
        ]
