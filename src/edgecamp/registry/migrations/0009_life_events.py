"""One life-event model (LifeEvent) for everything that happens to a household and its people.

Every status change recorded so far (registry_statuschange) is copied into it, keeping who,
when, why and the status before and after: a registration becomes a `registration` event, a
merge a `merge`, an undone merge an `unmerge`, any other change a `status_change` with the
clerk's reason as its note. Migration 0010 then removes the old table. Both tables are then
append-only in the database (edgecamp.core.dbguards)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from edgecamp.core.dbguards import append_only

BATCH = 2000

# What the registry wrote as a status change's reason, and the event it was.
SYSTEM_REASONS = {
    "registered": ("registration", "registered"),
    "merged": ("merge", "merged"),
    "all members merged": ("merge", "all_members_merged"),
    "merge undone": ("unmerge", "merge_undone"),
}


def copy_status_changes(apps, schema_editor):
    status_change = apps.get_model("registry", "StatusChange")
    life_event = apps.get_model("registry", "LifeEvent")
    subject = apps.get_model("registry", "LifeEventIndividual")
    rows = (
        status_change.objects.order_by("pk")
        .values_list(
            "pk",
            "household_id",
            "individual_id",
            "individual__household_id",
            "household__registration_date",
            "old_status",
            "new_status",
            "reason",
            "changed_at",
            "changed_by_id",
        )
        .iterator(chunk_size=BATCH)
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            _copy(batch, life_event, subject)
            batch = []
    if batch:
        _copy(batch, life_event, subject)


def _copy(rows, life_event, subject):
    events, people = [], []
    for (
        _pk,
        household_id,
        individual_id,
        individual_household_id,
        registered_on,
        old_status,
        new_status,
        reason,
        changed_at,
        changed_by_id,
    ) in rows:
        kind, code = SYSTEM_REASONS.get(reason, ("status_change", ""))
        if kind == "registration" and (individual_id is not None or old_status):
            kind, code = "status_change", ""
        note = "" if code else reason[:300]
        occurred_on = registered_on if kind == "registration" else timezone.localdate(changed_at)
        events.append(
            life_event(
                uuid=uuid.uuid4(),
                kind=kind,
                household_id=household_id or individual_household_id,
                occurred_on=occurred_on,
                recorded_at=changed_at,
                recorded_by_id=changed_by_id,
                reason=code,
                note=note,
                data={"old_status": old_status, "new_status": new_status},
            )
        )
        people.append(individual_id)
    created = life_event.objects.bulk_create(events)
    subject.objects.bulk_create(
        subject(event_id=event.pk, individual_id=individual_id)
        for event, individual_id in zip(created, people, strict=True)
        if individual_id is not None
    )


def copy_back(apps, schema_editor):
    """Backwards: the status-changing events become status changes again."""
    status_change = apps.get_model("registry", "StatusChange")
    life_event = apps.get_model("registry", "LifeEvent")
    old_reasons = {code: text for text, (_kind, code) in SYSTEM_REASONS.items()}
    rows = []
    for event in life_event.objects.order_by("pk").prefetch_related("individuals"):
        if "new_status" not in event.data:
            continue
        common = {
            "old_status": event.data.get("old_status", ""),
            "new_status": event.data["new_status"],
            "reason": old_reasons.get(event.reason, event.note),
            "changed_at": event.recorded_at,
            "changed_by_id": event.recorded_by_id,
        }
        people = list(event.individuals.all())
        if not people:
            rows.append(status_change(household_id=event.household_id, **common))
        rows.extend(status_change(individual_id=p.pk, **common) for p in people)
    recorded = [row.changed_at for row in rows]
    created = status_change.objects.bulk_create(rows, batch_size=BATCH)
    # changed_at is auto_now_add (bulk_create stamped now): put the recorded times back.
    for row, changed_at in zip(created, recorded, strict=True):
        status_change.objects.filter(pk=row.pk).update(changed_at=changed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_public_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LifeEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "uuid",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("registration", "Registration"),
                            ("status_change", "Status change"),
                            ("join", "Joined from another household"),
                            ("merge", "Duplicate merged"),
                            ("unmerge", "Merge undone"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                ("occurred_on", models.DateField(verbose_name="occurred on")),
                (
                    "occurred_on_precision",
                    models.CharField(
                        choices=[
                            ("exact", "Exact"),
                            ("year", "Year only"),
                            ("estimated", "Estimated"),
                        ],
                        default="exact",
                        max_length=10,
                        verbose_name="precision of the date",
                    ),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="recorded at",
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("registered", "Registered"),
                            ("added_at_desk", "Added at the desk to a registered household"),
                            ("merged", "Registered twice: merged into the other registration"),
                            ("all_members_merged", "Every member merged into another registration"),
                            ("merge_undone", "Merge undone"),
                        ],
                        max_length=40,
                        verbose_name="reason",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="details")),
                (
                    "corrects",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="registry.lifeevent",
                        verbose_name="corrects",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="life_events",
                        to="registry.household",
                        verbose_name="household",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "life event",
                "verbose_name_plural": "life events",
                "ordering": ["occurred_on", "recorded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="LifeEventIndividual",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.lifeevent",
                    ),
                ),
                (
                    "individual",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.individual",
                    ),
                ),
            ],
            options={
                "verbose_name": "individual of a life event",
                "verbose_name_plural": "individuals of life events",
            },
        ),
        migrations.AddField(
            model_name="lifeevent",
            name="individuals",
            field=models.ManyToManyField(
                blank=True,
                related_name="life_events",
                through="registry.LifeEventIndividual",
                to="registry.individual",
                verbose_name="individuals",
            ),
        ),
        migrations.AddConstraint(
            model_name="lifeeventindividual",
            constraint=models.UniqueConstraint(
                fields=("event", "individual"), name="life_event_individual_once"
            ),
        ),
        migrations.AddIndex(
            model_name="lifeevent",
            index=models.Index(
                fields=["household", "occurred_on", "recorded_at"], name="life_event_timeline"
            ),
        ),
        migrations.AddIndex(
            model_name="lifeevent",
            index=models.Index(fields=["kind", "occurred_on"], name="life_event_kind"),
        ),
        migrations.RunPython(copy_status_changes, copy_back),
        append_only(
            "registry_lifeevent",
            "life events are append-only: record an event that corrects this one",
        ),
        append_only(
            "registry_lifeeventindividual",
            "life events are append-only: record an event that corrects this one",
        ),
    ]
