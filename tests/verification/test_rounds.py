"""Verification rounds through their services: one open round per site, confirmations with
their life events, the set-based close (households not seen set inactive, each with an event,
site counts exact), reactivation, the report by block, finding a household by its card. Runs
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from edgecamp.core.errors import Refused
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.services import reissue_card
from edgecamp.registry import queries as registry_queries
from edgecamp.registry.codes import EventKind, EventReason
from edgecamp.registry.models import Household, LifeEvent
from edgecamp.registry.services import set_household_status
from edgecamp.verification import queries
from edgecamp.verification.models import Confirmation, NotSeen, Round
from edgecamp.verification.services import (
    ConfirmInput,
    RoundConflict,
    VerificationError,
    close_round,
    confirm_household,
)
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter, make_site
from tests.verification.factories import confirm, make_round

pytestmark = pytest.mark.django_db


def test_one_open_round_per_site(site):
    first = make_round(site, "March")
    with pytest.raises(RoundConflict) as refused:
        make_round(site)
    assert "March" in refused.value.errors["site"][0]
    assert make_round(make_site()).is_open  # another site has its own
    close_round(first.pk)
    assert make_round(site).name.startswith(f"Verification {site.code} ")


def test_a_confirmation_is_a_verification_event(site):
    household = make_household(site)  # two members
    round_ = make_round(site)
    done = confirm(round_, household, absent=1, new_people=1, note="baby born in May", desk="d2")
    assert (done.present, done.absent, done.new_people, done.changed) == (1, 1, 1, True)
    assert not done.reactivated
    assert not done.late
    event = LifeEvent.objects.get(pk=done.event_id)
    assert event.kind == EventKind.VERIFICATION
    assert event.reason == EventReason.VERIFIED_IN_PERSON
    focal, child = household.members.order_by("pk")
    assert event.data == {
        "round": round_.pk,
        "present": [focal.pk],
        "absent": [child.pk],
        "new_people": 1,
    }
    assert event.note == "baby born in May"
    assert not event.changes_status

    with pytest.raises(RoundConflict) as twice:
        confirm(round_, household)
    assert "confirmed in this round already" in twice.value.errors["household"][0]


@pytest.mark.parametrize(
    ("marks", "path", "words"),
    [
        ("missing", "present", "Mark every member"),
        ("stranger", "present", "Only the household's active members"),
        ("nobody", "present", "Nobody present"),
        ("both", "absent", "either present or absent"),
    ],
)
def test_members_must_be_marked_each_once(site, marks, path, words):
    household = make_household(site)
    other = make_household(site)
    round_ = make_round(site)
    focal, child = household.members.order_by("pk").values_list("pk", flat=True)
    present, absent = {
        "missing": ([focal], []),
        "stranger": ([focal, child, other.members.first().pk], []),
        "nobody": ([], [focal, child]),
        "both": ([focal, child], [child]),
    }[marks]
    events = LifeEvent.objects.count()
    with pytest.raises(VerificationError) as refused:
        confirm_household(round_.pk, ConfirmInput(household.number, present=present, absent=absent))
    assert words in " ".join(refused.value.errors[path])
    assert LifeEvent.objects.count() == events
    assert not Confirmation.objects.exists()


def test_a_household_that_left_is_not_confirmed(site):
    household = make_household(site)
    set_household_status(household, Household.Status.DEPARTED, reason="resettled")
    round_ = make_round(site)
    with pytest.raises(VerificationError) as refused:
        confirm(round_, household)
    assert "record its return" in refused.value.errors["household"][0]
    with pytest.raises(VerificationError):
        confirm(round_, make_household(make_site()))  # of another site


def test_close_sets_the_households_not_seen_inactive_with_events(site):
    seen, unseen_1, unseen_2 = (make_household(site) for _ in range(3))
    departed = make_household(site)
    set_household_status(departed, Household.Status.DEPARTED, reason="left")
    elsewhere = make_household(make_site())
    round_ = make_round(site)
    latecomer = make_household(site)  # registered during the round: seen at registration
    confirm(round_, seen)
    assert registry_queries.population_counts_checked()

    outcome = close_round(round_.pk)

    assert (outcome.verified, outcome.not_seen) == (1, 2)
    statuses = dict(Household.objects.values_list("pk", "status"))
    assert statuses[unseen_1.pk] == statuses[unseen_2.pk] == Household.Status.INACTIVE
    assert statuses[seen.pk] == statuses[latecomer.pk] == statuses[elsewhere.pk] == "active"
    assert statuses[departed.pk] == Household.Status.DEPARTED
    assert set(NotSeen.objects.values_list("household_id", flat=True)) == {
        unseen_1.pk,
        unseen_2.pk,
    }
    events = LifeEvent.objects.filter(reason=EventReason.NOT_SEEN_IN_VERIFICATION)
    assert sorted(events.values_list("household_id", flat=True)) == [unseen_1.pk, unseen_2.pk]
    for event in events:
        assert event.kind == EventKind.VERIFICATION
        assert event.data == {"round": round_.pk, "old_status": "active", "new_status": "inactive"}
        assert event.uuid is not None
    assert len({event.uuid for event in events}) == 2
    # The household page's status history shows the change.
    detail = registry_queries.household_detail(unseen_1.number)
    assert detail is not None
    assert [e.new_status for e in detail.life_events.all() if e.changes_status][-1] == "inactive"
    round_.refresh_from_db()
    assert (round_.status, round_.seen_count, round_.not_seen_count) == ("closed", 1, 2)
    # The dashboard's counts followed the set-based update.
    assert registry_queries.population_counts_checked()

    with pytest.raises(RoundConflict):
        close_round(round_.pk)


def test_a_household_not_seen_comes_back(site):
    came_late, next_round_household = make_household(site), make_household(site)
    stayed_away = make_household(site)
    round_ = make_round(site)
    close_round(round_.pk)

    late = confirm(round_, came_late, desk="help desk")
    assert late.late
    assert late.reactivated
    assert late.changed
    came_late.refresh_from_db()
    assert came_late.status == Household.Status.ACTIVE
    event = LifeEvent.objects.get(pk=late.event_id)
    assert event.reason == EventReason.REACTIVATED
    assert (event.data["old_status"], event.data["new_status"], event.data["late"]) == (
        "inactive",
        "active",
        True,
    )
    assert registry_queries.population_counts_checked()

    following = make_round(site)
    again = confirm(following, next_round_household)
    assert again.reactivated
    assert not again.late
    next_round_household.refresh_from_db()
    assert next_round_household.status == "active"
    assert registry_queries.population_counts_checked()
    close_round(following.pk)
    # Closing the next round does not count an already inactive household twice.
    assert not NotSeen.objects.filter(round=following, household=stayed_away).exists()
    assert NotSeen.objects.filter(round=following, household=came_late).exists()
    assert registry_queries.population_counts_checked()


def test_a_closed_round_takes_only_its_not_seen_households(site):
    household = make_household(site)
    round_ = make_round(site)
    confirm(round_, household)
    newcomer = make_household(site)
    close_round(round_.pk)
    with pytest.raises(RoundConflict) as refused:
        confirm(round_, newcomer)
    assert "Open a new round" in refused.value.errors["round"][0]


def test_report_by_block(site):
    in_a = [make_household(site, shelter_id=make_shelter(site, block_code="A").pk) for _ in "12"]
    in_b = make_household(site, shelter_id=make_shelter(site, block_code="B").pk)
    homeless = make_household(site)
    round_ = make_round(site)
    confirm(round_, in_a[0])
    confirm(round_, in_b, absent=1)

    open_report = queries.report(round_)
    lines = {line.block: line for line in open_report.blocks}
    assert [line.block for line in open_report.blocks] == ["A", "B", "—"]
    assert (lines["A"].verified, lines["A"].changed, lines["A"].not_seen) == (1, 0, 1)
    assert (lines["B"].verified, lines["B"].changed, lines["B"].not_seen) == (1, 1, 0)
    assert (lines["—"].verified, lines["—"].not_seen, lines["—"].households) == (0, 1, 1)

    close_round(round_.pk)
    confirm(round_, homeless)  # late
    round_.refresh_from_db()
    total = queries.report(round_).total
    assert (total.households, total.verified, total.changed, total.not_seen, total.late) == (
        4,
        3,
        2,
        2,
        1,
    )
    rows = queries.report_rows(queries.report(round_))
    assert rows[0][0] == "Block"
    assert rows[-1] == ["All blocks", 4, 3, 2, 2, 1]


def test_the_desk_finds_a_household_by_card_number_or_name(site):
    household = make_household(site)
    round_ = make_round(site)
    assert queries.find_households(round_, card_code(household.number), scope=None) == [household]
    assert queries.find_households(round_, household.number, scope=None) == [household]
    assert household in queries.find_households(round_, "amina haroun", scope=None)
    reissue_card(household.pk, reason="lost at the market")
    with pytest.raises(Refused) as refused:
        queries.find_households(round_, card_code(household.number), scope=None)
    assert "replaced" in refused.value.errors["code"][0]
    assert queries.find_households(round_, card_code(household.number, 2), scope=None) == [
        household
    ]


def test_round_lists_keep_to_the_scope(site):
    from edgecamp.core.access import Scope

    mine = make_round(site)
    theirs = make_round(make_site())
    scope = Scope(role="registration_clerk", site_ids=frozenset({site.pk}))
    assert list(queries.rounds(scope)) == [mine]
    assert queries.round_detail(theirs.pk, scope=scope) is None
    assert set(Round.objects.all()) == {mine, theirs}


def test_the_search_and_the_desk_read_codes_through_the_registrys_one_reader(site, monkeypatch):
    from edgecamp.registry import search

    household = make_household(site)
    seen: list[bool] = []

    def reader(text: str, strict: bool) -> str | None:
        seen.append(strict)
        if text == "BADGE-7":
            return household.number
        if text == "BADGE-REVOKED" and strict:
            raise VerificationError({"code": ["revoked"]})
        return None

    monkeypatch.setattr(search, "_code_readers", [])
    search.register_code_reader(reader)
    round_ = make_round(site)
    assert queries.find_households(round_, "BADGE-7", scope=None) == [household]
    assert household in registry_queries.search_households("BADGE-7", scope=None)
    assert seen[:2] == [True, False]  # the desk reads strictly, the search looks up
    with pytest.raises(Refused):
        queries.find_households(round_, "BADGE-REVOKED", scope=None)
    assert list(registry_queries.search_households("BADGE-REVOKED", scope=None)) == []
