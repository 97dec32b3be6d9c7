"""A large cycle's ration cards as a background job: above `EDGECAMP_CARDS_JOB_ABOVE`
households the cycle page queues the PDF instead of making the reader wait for it; the job
draws the cards (progress every page or so) and keeps the PDF for the jobs page's download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edgecamp.core.access import Scope
from edgecamp.distributions.models import Cycle
from edgecamp.distributions.pdf import Card, cycle_cards, ration_cards_pdf
from edgecamp.jobs import services as job_services
from edgecamp.jobs.kinds import JobFailed, JobKind
from edgecamp.jobs.models import Job
from edgecamp.jobs.tasks import JobRun

CARDS_JOB = "ration-cards"
# Progress is written every this many cards (a few sheets).
REPORT_EVERY = 200


def cards_file_name(cycle: Cycle, block: str | None) -> str:
    part = f"-block-{slugify(block)}" if block else ""
    return f"ration-cards-cycle-{cycle.pk}{part}.pdf"


def households_on_cards(cycle: Cycle, block: str | None) -> int:
    listed = cycle.entitlements.all()
    if block is not None:
        listed = listed.filter(household__shelter__block__code=block)
    return listed.count()


def cards_by_job(cycle: Cycle, block: str | None = None) -> bool:
    """Whether these cards are too many to make while the reader waits."""
    return households_on_cards(cycle, block) > settings.EDGECAMP_CARDS_JOB_ABOVE


def start_cards_job(
    cycle: Cycle, block: str | None, *, user: Any, scope: Scope, photos: bool = False
) -> Job:
    """Queue the cycle's cards (one block's, if given; with the households' photos if asked);
    the same cards already being made refuse a second job (JobAlreadyRunning names it)."""
    return job_services.start_job(
        CARDS_JOB,
        user=user,
        scope=scope,
        params={"cycle": cycle.pk, "block": block, "photos": photos},
        site_ids=[cycle.site_id],
        exclusive_key=f"{CARDS_JOB}:{cycle.pk}:{block or ''}:{'photos' if photos else ''}",
    )


def _make_cards(run: JobRun) -> str:
    cycle = Cycle.objects.select_related("site").filter(pk=run.params.get("cycle")).first()
    if cycle is None or not run.scope.includes(cycle.site_id):
        raise JobFailed(_("The cycle is gone, or no longer at one of your sites."))
    block = run.params.get("block") or None
    cards = cycle_cards(cycle, block, photos=bool(run.params.get("photos")))
    total = len(cards)
    drawing = _("Drawing the cards")
    run.progress(0, total, drawing)

    def counted() -> Iterator[Card]:
        for done, card in enumerate(cards, 1):
            yield card
            if done % REPORT_EVERY == 0:
                run.progress(done, total, drawing)

    pdf = ration_cards_pdf(cycle, counted())
    run.progress(total, total, _("Saving the file"))
    run.save_result(cards_file_name(cycle, block), pdf, "application/pdf")
    return ngettext(
        "%(n)d ration card ready to download.", "%(n)d ration cards ready to download.", total
    ) % {"n": total}


CARDS_KIND = JobKind(CARDS_JOB, gettext_lazy("Ration cards (PDF)"), _make_cards)
