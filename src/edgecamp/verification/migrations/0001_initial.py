import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0011_life_event_kinds"),
        ("sites", "0002_public_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Round",
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
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("closed", "Closed")],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("opened_at", models.DateTimeField(verbose_name="opened at")),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "seen_count",
                    models.PositiveIntegerField(default=0, verbose_name="households verified"),
                ),
                (
                    "not_seen_count",
                    models.PositiveIntegerField(default=0, verbose_name="households not seen"),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="closed by",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="opened by",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="verification_rounds",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "verification round",
                "verbose_name_plural": "verification rounds",
                "ordering": ["-opened_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="NotSeen",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.household",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="not_seen",
                        to="verification.round",
                    ),
                ),
            ],
            options={
                "verbose_name": "household not seen",
                "verbose_name_plural": "households not seen",
            },
        ),
        migrations.CreateModel(
            name="Confirmation",
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
                ("confirmed_at", models.DateTimeField(verbose_name="confirmed at")),
                ("desk", models.CharField(blank=True, max_length=40, verbose_name="desk")),
                ("present", models.PositiveSmallIntegerField(verbose_name="members present")),
                ("absent", models.PositiveSmallIntegerField(verbose_name="members absent")),
                (
                    "new_people",
                    models.PositiveSmallIntegerField(default=0, verbose_name="new people found"),
                ),
                ("changed", models.BooleanField(default=False, verbose_name="changed")),
                (
                    "reactivated",
                    models.BooleanField(default=False, verbose_name="set active again"),
                ),
                ("late", models.BooleanField(default=False, verbose_name="after the close")),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="confirmed by",
                    ),
                ),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="verification",
                        to="registry.lifeevent",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="verifications",
                        to="registry.household",
                        verbose_name="household",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="confirmations",
                        to="verification.round",
                        verbose_name="round",
                    ),
                ),
            ],
            options={
                "verbose_name": "household confirmation",
                "verbose_name_plural": "household confirmations",
                "ordering": ["round", "-confirmed_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("site",),
                name="one_open_verification_round_per_site",
            ),
        ),
        migrations.AddConstraint(
            model_name="notseen",
            constraint=models.UniqueConstraint(
                fields=("round", "household"), name="not_seen_once_per_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="confirmation",
            constraint=models.UniqueConstraint(
                fields=("round", "household"), name="one_confirmation_per_household_and_round"
            ),
        ),
    ]
