"""Distribution services: create a cycle with its entitlement rules, start it (snapshot the
eligible households and their entitlements), redeem an entitlement exactly once, close it.
Each public function is one transaction; errors are `SupplyError` field errors and nothing
is written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.audit.capture import record_sensitive_reads
from edgecamp.core import dates
from edgecamp.core.access import Scope
from edgecamp.core.dates import in_words
from edgecamp.distributions import queries, rules
from edgecamp.distributions.cards import (
    MAX_ISSUE,
    REISSUED,
    VERSION,
    CardRef,
    InvalidCard,
    read_card,
)
from edgecamp.distributions.models import (
    Cycle,
    Entitlement,
    EntitlementLine,
    EntitlementRule,
    RationCard,
    Redemption,
)
from edgecamp.partners.models import Organisation
from edgecamp.registry import events
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS, SpecificNeed
from edgecamp.registry.models import Household
from edgecamp.sites.models import Site
from edgecamp.stock.models import Item, Warehouse
from edgecamp.stock.quantities import MAX_QUANTITY, quantity_problem, too_large
from edgecamp.stock.services import (
    IssueLine,
    IssuePlan,
    StockMoved,
    SupplyError,
    plan_issue,
    take_planned_stock,
    write_issue_movements,
)
from edgecamp.verification import queries as verification_queries
from edgecamp.verification.models import Round as VerificationRound

log = logging.getLogger(__name__)

MAX_CARD_BOXES = 24
SNAPSHOT_BATCH = 2000


@dataclass(frozen=True)
class RuleInput:
    item_id: int
    basis: str
    quantity: Decimal | None = None
    size_bands: Sequence[dict[str, object]] = ()
    cap: Decimal | None = None


@dataclass(frozen=True)
class CycleInput:
    name: str
    site_id: int
    warehouse_id: int
    starts_on: date
    ends_on: date
    rules: Sequence[RuleInput]
    target_statuses: Sequence[str] = (Household.Status.ACTIVE,)
    target_needs: Sequence[str] = ()
    organisation_id: int | None = None
    card_boxes: int = 12
    # Only households confirmed in person collect: in this round, or (None) in the site's open
    # round or its last closed one (verification.queries.current_rounds).
    requires_verification: bool = False
    verification_round_id: int | None = None


@dataclass(frozen=True)
class RedeemInput:
    code: str
    collector: str = Redemption.Collector.FOCAL_POINT
    proxy_name: str = ""
    proxy_relationship: str = ""
    desk: str = ""


@dataclass(frozen=True)
class RedemptionOutcome:
    redemption: Redemption
    created: bool  # False: the entitlement had been collected before (a replayed scan)


def create_cycle(data: CycleInput, *, scope: Scope | None = None) -> Cycle:
    """`scope` is the creating user's: only a protection officer of the cycle's site may target
    it by a protection-sensitive need. None (internal callers, the demo) is unrestricted."""
    errors = SupplyError()
    name = data.name.strip()
    if not name or len(name) > 120:
        errors.add("name", _("Name the cycle (at most 120 characters), e.g. “Food, March”."))
    site = Site.objects.filter(pk=data.site_id).first()
    if site is None:
        errors.add("site", _("Choose a site that exists."))
    warehouse = Warehouse.objects.filter(pk=data.warehouse_id).first()
    if warehouse is None:
        errors.add("warehouse", _("Choose a warehouse that exists."))
    elif site is not None and warehouse.site_id != site.pk:
        errors.add("warehouse", _("Choose a warehouse of the cycle's site."))
    organisation = None
    if data.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=data.organisation_id).first()
        if organisation is None:
            errors.add("organisation", _("Choose an organisation that exists, or none."))
    if data.ends_on < data.starts_on:
        errors.add("ends_on", _("The cycle cannot end before it starts."))
    for path, problem in dates.implausible(
        {
            "starts_on": (data.starts_on, dates.OPERATION_EVENT),
            "ends_on": (data.ends_on, dates.OPERATION_EVENT),
        }
    ).items():
        errors.add(path, problem)
    statuses = list(dict.fromkeys(data.target_statuses))
    if not statuses or any(s not in Household.Status.values for s in statuses):
        errors.add(
            "target_statuses",
            _("Choose household statuses among %(values)s.")
            % {"values": ", ".join(Household.Status.values)},
        )
    needs = list(dict.fromkeys(code.strip().upper() for code in data.target_needs))
    if any(code not in SpecificNeed.values for code in needs):
        errors.add(
            "target_needs",
            _("Use specific-needs codes among %(codes)s.")
            % {"codes": ", ".join(SpecificNeed.values)},
        )
    elif (
        scope is not None
        and not PROTECTION_SENSITIVE_NEEDS.isdisjoint(needs)
        and not scope.sees_sensitive(data.site_id)
    ):
        errors.add(
            "target_needs",
            _(
                "Only a protection officer of the site may target households by a "
                "protection-sensitive need (%(codes)s): choose other needs, or ask the site's "
                "protection officer."
            )
            % {"codes": ", ".join(sorted(PROTECTION_SENSITIVE_NEEDS))},
        )
    if not 1 <= data.card_boxes <= MAX_CARD_BOXES:
        errors.add("card_boxes", _("Print between 1 and %(max)d boxes.") % {"max": MAX_CARD_BOXES})
    _validate_verification(data, site, errors)
    if not data.rules:
        errors.add("rules", _("Give at least one entitlement rule (item and quantity)."))
    seen: set[int] = set()
    for index, rule in enumerate(data.rules):
        _validate_rule(rule, f"rules.{index}", seen, errors)
    if errors.errors:
        raise errors
    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=name,
            site=site,
            warehouse=warehouse,
            organisation=organisation,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            target_statuses=statuses,
            target_needs=needs,
            card_boxes=data.card_boxes,
            requires_verification=data.requires_verification,
            verification_round_id=data.verification_round_id,
        )
        EntitlementRule.objects.bulk_create(
            EntitlementRule(
                cycle=cycle,
                item_id=rule.item_id,
                basis=rule.basis,
                quantity=rule.quantity,
                size_bands=[_band_json(b) for b in rules.parse_bands(rule.size_bands)]
                if rule.basis == rules.SIZE_BANDS
                else [],
                cap=rule.cap,
            )
            for rule in data.rules
        )
    return cycle


def start_cycle(cycle_id: int, *, started_by: AbstractBaseUser | None = None) -> int:
    """Snapshot the eligible households and their entitlements; returns how many. From now
    on the cycle's list and quantities are fixed, whatever happens in the registry."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().filter(pk=cycle_id).first()
        if cycle is None:
            raise SupplyError({"cycle": [_("No distribution cycle has this id.")]})
        if cycle.status != Cycle.Status.DRAFT:
            raise SupplyError(
                {
                    "cycle": [
                        _("Cycle “%(name)s” was started on %(when)s; its list is fixed.")
                        % {"name": cycle.name, "when": _when(cycle.started_at)}
                    ]
                }
            )
        cycle_rules = [(rule.item_id, queries.as_rule(rule)) for rule in cycle.rules.all()]
        if not cycle_rules:
            raise SupplyError({"rules": [_("Add at least one entitlement rule first.")]})
        snapshot = []
        for household_id, number, size in queries.eligible_households(cycle):
            lines = [
                (item_id, quantity)
                for item_id, rule in cycle_rules
                if (quantity := rules.entitled_quantity(rule, size)) > 0
            ]
            if any(quantity > MAX_QUANTITY for _item, quantity in lines):
                # A per-person quantity times a large household: refused, not stored wrong.
                raise SupplyError({"rules": [too_large()]})
            if lines:
                snapshot.append((household_id, number, size, lines))
        entitlements = Entitlement.objects.bulk_create(
            (
                Entitlement(
                    cycle=cycle, household_id=hid, household_number=number, household_size=size
                )
                for hid, number, size, _lines in snapshot
            ),
            batch_size=SNAPSHOT_BATCH,
        )
        EntitlementLine.objects.bulk_create(
            (
                EntitlementLine(entitlement=entitlement, item_id=item_id, quantity=quantity)
                for entitlement, (_hid, _number, _size, lines) in zip(
                    entitlements, snapshot, strict=True
                )
                for item_id, quantity in lines
            ),
            batch_size=SNAPSHOT_BATCH * 2,
        )
        if cycle.protection_targeted:
            record_sensitive_reads(
                (
                    Household(pk=hid, number=number, site_id=cycle.site_id)
                    for hid, number, _size, _lines in snapshot
                ),
                queries.PROTECTION_TARGETED_READ,
            )
        cycle.status = Cycle.Status.OPEN
        cycle.started_at = timezone.now()
        cycle.started_by = started_by if started_by is not None and started_by.pk else None
        cycle.save(update_fields=["status", "started_at", "started_by"])
    log.info("cycle %s started with %d households", cycle.pk, len(snapshot))
    return len(snapshot)


def close_cycle(cycle_id: int) -> None:
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().filter(pk=cycle_id).first()
        if cycle is None or cycle.status != Cycle.Status.OPEN:
            raise SupplyError({"cycle": [_("Only an open cycle can be closed.")]})
        cycle.status = Cycle.Status.CLOSED
        cycle.save(update_fields=["status"])


def require_open(cycle: Cycle) -> None:
    """Refuse to serve a card in a cycle that is not open: a draft has no list yet (start it
    first), a closed one is over."""
    if cycle.status == Cycle.Status.OPEN:
        return
    if cycle.status == Cycle.Status.DRAFT:
        message = _(
            "Cycle “%(name)s” is a draft: nothing can be collected until it is started "
            "(on the cycle's page)."
        )
    else:
        message = _("Cycle “%(name)s” is %(status)s: nothing can be collected in it.")
    raise SupplyError(
        {"cycle": [message % {"name": cycle.name, "status": cycle.get_status_display().lower()}]}
    )


def find_entitlement(cycle: Cycle, code: str) -> Entitlement:
    """The entitlement a scanned or typed card code points to in this open cycle (its status
    as stored now: the caller's copy may be older than a start or a close)."""
    cycle.refresh_from_db(fields=["status"])
    require_open(cycle)
    card = _read(code)
    entitlements = Entitlement.objects.select_related("household__focal_point", "household__site")
    entitlement = _entitlement_of(cycle, card.number, entitlements)
    _check_card_current(card, entitlement.household_id)
    _check_household_present(entitlement.household_id)
    _check_verified(cycle, entitlement.household_id)
    return entitlement


def _read(code: str) -> CardRef:
    try:
        return read_card(code)
    except InvalidCard:
        raise SupplyError(
            {
                "code": [
                    _(
                        "This is not a valid ration card of this operation: the code is "
                        "damaged, altered or forged. Scan again or type the code printed under "
                        "the QR; if it still fails, send the household to the help desk."
                    )
                ]
            }
        ) from None


def _check_card_current(card: CardRef, household_id: int) -> None:
    """Refuse a card that is not the household's current one: a replaced or revoked card is
    refused with when and why, whatever its signature."""
    history = list(RationCard.objects.filter(household_id=household_id).order_by("issue"))
    if not history:
        if card.issue == 1:
            return
        raise SupplyError({"code": [_("No such card was issued to this household.")]})
    current = history[-1]
    held = next((row for row in history if row.issue == card.issue), None)
    if held is None:
        raise SupplyError({"code": [_("No such card was issued to this household.")]})
    if held.status == RationCard.Status.REPLACED:
        raise SupplyError(
            {
                "code": [
                    _(
                        "This card was replaced on %(date)s by card no. %(issue)d (%(reason)s): "
                        "it is no longer valid. Ask for the new card; keep this one away from "
                        "the desk."
                    )
                    % {
                        "date": _day(held.ended_at),
                        "issue": current.issue,
                        "reason": held.end_reason or "—",
                    }
                ]
            }
        )
    if held.status == RationCard.Status.REVOKED:
        raise SupplyError(
            {
                "code": [
                    _(
                        "This card was revoked on %(date)s (%(reason)s): nothing can be "
                        "collected with it. Send the household to the help desk."
                    )
                    % {"date": _day(held.ended_at), "reason": held.end_reason or "—"}
                ]
            }
        )


def _check_household_present(household_id: int) -> None:
    """A household that left the camp after the cycle started keeps its entitlement in the
    snapshot, but its card is refused at the desk, saying when it left and why."""
    status = Household.objects.filter(pk=household_id).values_list("status", flat=True).first()
    if status != Household.Status.DEPARTED:
        return
    departure = events.departure_of(household_id)
    if departure is None:
        when, why = "—", "—"
    else:
        when, why = in_words(departure.occurred_on), departure.get_reason_display() or "—"
    raise SupplyError(
        {
            "code": [
                _(
                    "This household left the camp on %(date)s (%(reason)s): nothing can be "
                    "collected with its card. If it has come back, record its return at the "
                    "registration desk first."
                )
                % {"date": when, "reason": why}
            ]
        }
    )


def _entitlement_of(
    cycle: Cycle, number: str, entitlements: QuerySet[Entitlement] | None = None
) -> Entitlement:
    found = (entitlements if entitlements is not None else Entitlement.objects.all()).filter(
        cycle=cycle
    )
    # Numbers are upper case unless an operation chose a lower-case prefix.
    entitlement = (
        found.filter(household_number=number).first()
        or found.filter(household_number__iexact=number).first()
    )
    if entitlement is None:
        raise _not_on_list(cycle, number)
    return entitlement


def _not_on_list(cycle: Cycle, number: str) -> SupplyError:
    return SupplyError(
        {
            "code": [
                _(
                    "Household %(number)s is not on the list of “%(cycle)s” (not eligible, "
                    "or registered after the cycle started)."
                )
                % {"number": number, "cycle": cycle.name}
            ]
        }
    )


def redeem(
    cycle_id: int, data: RedeemInput, *, redeemed_by: AbstractBaseUser | None = None
) -> RedemptionOutcome:
    """Hand out an entitlement: record who collected and move the stock out, in one
    transaction. A second scan of the same card (at this desk or another, now or later) gets
    the earlier redemption back with `created=False`; too little stock refuses the whole
    redemption; a replaced or revoked card is refused."""
    cycle = Cycle.objects.select_related("warehouse").filter(pk=cycle_id).first()
    if cycle is None:
        _check_redeem_input(data)
        raise SupplyError({"cycle": [_("No distribution cycle has this id.")]})
    return redeem_in_cycle(cycle, data, redeemed_by=redeemed_by)


def redeem_in_cycle(
    cycle: Cycle, data: RedeemInput, *, redeemed_by: AbstractBaseUser | None = None
) -> RedemptionOutcome:
    """`redeem` for a cycle already read (with its warehouse), as the API does once it has
    checked the cycle is at one of the caller's sites.

    Every desk of a distribution point shares the warehouse's balance rows, so they are
    locked last: the entitlement's lines and the stock are read first without locks; in the
    transaction the entitlement row is locked (two desks scanning one card queue there), the
    redemption and its ledger rows are written, and only then are the balance rows locked,
    checked against the plan and moved, just before the commit. If another desk took from a
    planned row meanwhile, the redemption is rolled back and redone with the balances locked
    from the start (the plan is remade under the lock)."""
    _check_redeem_input(data)
    require_open(cycle)
    card = _read(data.code)
    entitled = _entitled_lines(cycle, card.number)
    entitlement = entitled[0].entitlement
    _check_card_current(card, entitlement.household_id)
    _check_household_present(entitlement.household_id)
    _check_verified(cycle, entitlement.household_id)
    lines = [
        IssueLine(line.item, line.quantity, f"lines.{index}") for index, line in enumerate(entitled)
    ]
    try:
        plan: IssuePlan | None = plan_issue(cycle.warehouse, lines)
    except SupplyError:
        plan = None  # perhaps collected already: the locked attempt says which
    if plan is not None:
        try:
            return _redeem_once(cycle, entitlement, lines, plan, data, redeemed_by)
        except StockMoved:
            pass
    return _redeem_once(cycle, entitlement, lines, None, data, redeemed_by)


def _redeem_once(
    cycle: Cycle,
    entitlement: Entitlement,
    lines: list[IssueLine],
    plan: IssuePlan | None,
    data: RedeemInput,
    redeemed_by: AbstractBaseUser | None,
) -> RedemptionOutcome:
    is_proxy = data.collector == Redemption.Collector.PROXY
    user = redeemed_by if redeemed_by is not None and redeemed_by.pk else None
    earlier: Redemption | None = None
    try:
        with transaction.atomic():
            # Every desk scanning this card queues on this row; the first one through
            # redeems, the others then find its redemption (read in the same query).
            locked = (
                Entitlement.objects.select_for_update(of=("self",))
                .select_related("redemption")
                .get(pk=entitlement.pk)
            )
            earlier = getattr(locked, "redemption", None)
            if earlier is not None:
                # Answered after the commit: the clerk's name is read without the lock.
                return RedemptionOutcome(earlier, created=False)
            redemption = Redemption.objects.create(
                entitlement=locked,
                redeemed_by=user,
                desk=data.desk.strip(),
                collector=data.collector,
                proxy_name=data.proxy_name.strip() if is_proxy else "",
                proxy_relationship=data.proxy_relationship.strip() if is_proxy else "",
            )
            if plan is None:
                plan = plan_issue(cycle.warehouse, lines, lock=True)
            movements = write_issue_movements(
                cycle.warehouse,
                lines,
                plan,
                reference=f"redemption:{redemption.pk}",
                recorded_by=user,
            )
            links = Redemption.movements.through
            links.objects.bulk_create(
                links(redemption_id=redemption.pk, movement_id=movement.pk)
                for movement in movements
            )
            take_planned_stock(plan)
    except IntegrityError:
        # The unique constraint is the backstop should the row lock ever be bypassed.
        earlier = _existing_redemption(entitlement)
        if earlier is None:
            raise
        return RedemptionOutcome(earlier, created=False)
    return RedemptionOutcome(redemption, created=True)


def _entitled_lines(cycle: Cycle, number: str) -> list[EntitlementLine]:
    """The entitlement's lines (with their item and entitlement), in item order: fixed since
    the cycle started, so read before any lock. Every entitlement has at least one line."""
    lines = EntitlementLine.objects.select_related("item", "entitlement").order_by("item_id")
    found = list(lines.filter(entitlement__cycle=cycle, entitlement__household_number=number))
    if not found:
        found = list(
            lines.filter(entitlement__cycle=cycle, entitlement__household_number__iexact=number)
        )
    if not found:
        raise _not_on_list(cycle, number)
    return found


def _check_redeem_input(data: RedeemInput) -> None:
    errors = SupplyError()
    if data.collector not in Redemption.Collector.values:
        errors.add("collector", _("Choose who collects: the focal point or a proxy."))
    if data.collector == Redemption.Collector.PROXY:
        if not data.proxy_name.strip():
            errors.add("proxy_name", _("Write the name of the person collecting."))
        if not data.proxy_relationship.strip():
            errors.add(
                "proxy_relationship",
                _("Write how the proxy is related to the household (e.g. neighbour, sister)."),
            )
    if len(data.proxy_name.strip()) > 120:
        errors.add("proxy_name", _("Keep the name under 120 characters."))
    if len(data.proxy_relationship.strip()) > 60:
        errors.add("proxy_relationship", _("Keep the relationship under 60 characters."))
    if len(data.desk.strip()) > 40:
        errors.add("desk", _("Keep the distribution point under 40 characters."))
    if errors.errors:
        raise errors


def _existing_redemption(entitlement: Entitlement) -> Redemption | None:
    return (
        Redemption.objects.select_related("redeemed_by", "entitlement")
        .filter(entitlement=entitlement)
        .first()
    )


# --- Verification (cycles that serve only households verified in person) -----------------------


def _validate_verification(data: CycleInput, site: Site | None, errors: SupplyError) -> None:
    if data.verification_round_id is None:
        if (
            data.requires_verification
            and site is not None
            and verification_queries.latest_round(site.pk) is None
        ):
            errors.add(
                "requires_verification",
                _(
                    "No verification round was ever opened at this site: open one first, "
                    "or serve households without requiring verification."
                ),
            )
        return
    if not data.requires_verification:
        errors.add(
            "verification_round",
            _("Choose a round only for a cycle that requires verification (tick it)."),
        )
    round_ = VerificationRound.objects.filter(pk=data.verification_round_id).first()
    if round_ is None or (site is not None and round_.site_id != site.pk):
        errors.add("verification_round", _("Choose a verification round of the cycle's site."))


def _check_verified(cycle: Cycle, household_id: int) -> None:
    """Refuse a household the cycle's verification round has not confirmed in person (with no
    round named: neither the site's open round nor its last closed one)."""
    if not cycle.requires_verification:
        return
    if cycle.verification_round is not None:
        rounds = [cycle.verification_round]
    else:
        rounds = verification_queries.current_rounds(cycle.site_id)
    if rounds and verification_queries.verified_in_any(household_id, rounds):
        return
    if not rounds:
        message = _(
            "This cycle serves only households verified in person, and the site has no "
            "verification round: a manager opens one first."
        )
    else:
        message = _(
            "Not verified: this cycle serves only households confirmed in person in the "
            "verification round “%(round)s”. Send the household to the verification desk "
            "first."
        ) % {"round": rounds[0].name}
    raise SupplyError({"code": [message]})


def card_household_number(code: str) -> str | None:
    """The household number on a ration card, for desks of other apps (verification.queries,
    provided in apps.py): None when the text is not a card code at all; a forged, replaced or
    revoked card is refused as at the distribution desk."""
    if not code.strip().upper().startswith((f"{VERSION}:", f"{REISSUED}:")):
        return None
    card = _read(code)
    household = Household.objects.filter(number__iexact=card.number).first()
    if household is not None:
        _check_card_current(card, household.pk)
    return card.number


# --- Ration cards ------------------------------------------------------------------------------


def reissue_card(
    household_id: int, reason: str, *, issued_by: AbstractBaseUser | None = None
) -> RationCard:
    """Issue a new card to a household (the old one was lost, stolen or damaged): the
    current card is marked replaced and refused from now on; the new one has the next
    number and a new code. A revoked household gets a card again this way."""
    reason = reason.strip()
    _check_card_reason(reason)
    user = issued_by if issued_by is not None and issued_by.pk else None
    now = timezone.now()
    with transaction.atomic():
        household = _locked_household(household_id)
        history = list(RationCard.objects.filter(household=household).order_by("issue"))
        current = history[-1] if history else None
        if current is None:
            current = RationCard(household=household, issue=1, status=RationCard.Status.ACTIVE)
        if current.issue >= MAX_ISSUE:
            raise SupplyError({"household": [_("This household has had too many cards.")]})
        if current.status == RationCard.Status.ACTIVE:
            current.status = RationCard.Status.REPLACED
            current.ended_at, current.ended_by, current.end_reason = now, user, reason[:200]
            current.save()
        return RationCard.objects.create(
            household=household,
            issue=current.issue + 1,
            status=RationCard.Status.ACTIVE,
            issued_at=now,
            issued_by=user,
            issue_reason=reason[:200],
        )


def revoke_card(
    household_id: int, reason: str, *, revoked_by: AbstractBaseUser | None = None
) -> RationCard:
    """Revoke a household's current card (fraud, a household that left): no card of the
    household is accepted until a new one is issued."""
    reason = reason.strip()
    _check_card_reason(reason)
    user = revoked_by if revoked_by is not None and revoked_by.pk else None
    with transaction.atomic():
        household = _locked_household(household_id)
        current = RationCard.objects.filter(household=household).order_by("-issue").first()
        if current is None:
            current = RationCard(household=household, issue=1, status=RationCard.Status.ACTIVE)
        if current.status == RationCard.Status.REVOKED:
            raise SupplyError(
                {
                    "household": [
                        _("Card no. %(issue)d was already revoked on %(date)s.")
                        % {"issue": current.issue, "date": _day(current.ended_at)}
                    ]
                }
            )
        current.status = RationCard.Status.REVOKED
        current.ended_at, current.ended_by, current.end_reason = timezone.now(), user, reason[:200]
        current.save()
        return current


def current_card(household: Household) -> RationCard:
    """The household's latest card (an unsaved issue-1 card if none was ever reissued)."""
    latest = RationCard.objects.filter(household=household).order_by("-issue").first()
    return latest or RationCard(household=household, issue=1, status=RationCard.Status.ACTIVE)


def _locked_household(household_id: int) -> Household:
    # The household row serialises two clerks reissuing the same card at once.
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise SupplyError({"household": [_("No household has this number.")]})
    return household


def _check_card_reason(reason: str) -> None:
    if not reason:
        raise SupplyError(
            {"reason": [_("Give the reason (lost, stolen, damaged, fraud…): it is kept.")]}
        )
    if len(reason) > 200:
        raise SupplyError({"reason": [_("Keep the reason under 200 characters.")]})


def _day(moment: object) -> str:
    if moment is None:
        return "—"
    return f"{timezone.localtime(moment):%Y-%m-%d}"  # type: ignore[arg-type]


def _validate_rule(rule: RuleInput, path: str, seen: set[int], errors: SupplyError) -> None:
    if not Item.objects.filter(pk=rule.item_id).exists():
        errors.add(f"{path}.item", _("Choose an item from the catalogue."))
    elif rule.item_id in seen:
        errors.add(f"{path}.item", _("One rule per item: merge the two rules."))
    seen.add(rule.item_id)
    if rule.basis not in rules.BASES:
        errors.add(
            f"{path}.basis",
            _("Choose per_person, per_household or size_bands."),
        )
    elif rule.basis == rules.SIZE_BANDS:
        try:
            bands = rules.parse_bands(rule.size_bands)
        except ValueError as error:
            errors.add(f"{path}.size_bands", str(error))
        else:
            if not bands:
                errors.add(f"{path}.size_bands", _("Give at least one size band."))
            for band in bands:
                if problem := quantity_problem(band.quantity, zero_allowed=True):
                    errors.add(f"{path}.size_bands", problem)
    elif rule.quantity is None or not rule.quantity > 0:
        errors.add(f"{path}.quantity", _("Enter the quantity per person or household (> 0)."))
    elif problem := quantity_problem(rule.quantity):
        errors.add(f"{path}.quantity", problem)
    if rule.cap is not None and not rule.cap > 0:
        errors.add(f"{path}.cap", _("A cap is greater than zero, or left empty."))
    elif rule.cap is not None and (problem := quantity_problem(rule.cap)):
        errors.add(f"{path}.cap", problem)


def _band_json(band: rules.SizeBand) -> dict[str, object]:
    return {"min": band.min_size, "max": band.max_size, "quantity": str(band.quantity)}


def _when(moment: object) -> str:
    if moment is None:
        return "—"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]
