"""Site, Block and Shelter move from `shelters` to `sites` by state only: the tables keep their
names (`shelters_site`, `shelters_block`, `shelters_shelter`) and every row stays where it is.
`shelters.0003_sites_moved_out` drops them from the shelters app's state once every app that
points at them points here instead. Content types are relabelled so permissions granted on
these models survive the move."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("site", "block", "shelter"):
        if not ContentType.objects.filter(app_label="sites", model=model).exists():
            ContentType.objects.filter(app_label="shelters", model=model).update(app_label="sites")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("site", "block", "shelter"):
        if not ContentType.objects.filter(app_label="shelters", model=model).exists():
            ContentType.objects.filter(app_label="sites", model=model).update(app_label="shelters")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0001_initial"),
        ("shelters", "0002_allocation_plans"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Site",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(max_length=120, unique=True, verbose_name="name"),
                        ),
                        ("code", models.SlugField(max_length=20, unique=True, verbose_name="code")),
                        (
                            "type",
                            models.CharField(
                                choices=[
                                    ("planned_camp", "Planned camp"),
                                    ("collective_centre", "Collective centre"),
                                    ("spontaneous_settlement", "Spontaneous settlement"),
                                ],
                                max_length=30,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("planned", "Planned"),
                                    ("open", "Open"),
                                    ("closing", "Closing"),
                                    ("closed", "Closed"),
                                ],
                                default="open",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "latitude",
                            models.DecimalField(
                                blank=True,
                                decimal_places=6,
                                max_digits=9,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("-90")),
                                    django.core.validators.MaxValueValidator(Decimal("90")),
                                ],
                                verbose_name="latitude",
                            ),
                        ),
                        (
                            "longitude",
                            models.DecimalField(
                                blank=True,
                                decimal_places=6,
                                max_digits=9,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("-180")),
                                    django.core.validators.MaxValueValidator(Decimal("180")),
                                ],
                                verbose_name="longitude",
                            ),
                        ),
                        (
                            "area_m2",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="area (m²)"
                            ),
                        ),
                        (
                            "opened_on",
                            models.DateField(blank=True, null=True, verbose_name="opened on"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "managing_organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="managed_sites",
                                to="partners.organisation",
                                verbose_name="site management agency",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "site",
                        "verbose_name_plural": "sites",
                        "db_table": "shelters_site",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Block",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=20, verbose_name="code")),
                        ("name", models.CharField(blank=True, max_length=120, verbose_name="name")),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="blocks",
                                to="sites.site",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "block",
                        "verbose_name_plural": "blocks",
                        "db_table": "shelters_block",
                        "ordering": ["site", "code"],
                    },
                ),
                migrations.CreateModel(
                    name="Shelter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=20, verbose_name="code")),
                        (
                            "type",
                            models.CharField(
                                choices=[
                                    ("family_tent", "Family tent"),
                                    ("prefab_unit", "Prefab unit"),
                                    ("collective_hall", "Collective hall"),
                                ],
                                max_length=20,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "covered_m2",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=7,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0.01"))
                                ],
                                verbose_name="covered area (m²)",
                            ),
                        ),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="capacity (people)",
                            ),
                        ),
                        (
                            "accessible",
                            models.BooleanField(default=False, verbose_name="accessible"),
                        ),
                        (
                            "near_facilities",
                            models.BooleanField(
                                db_default=False,
                                default=False,
                                help_text="Near lighting, women's WASH and other facilities.",
                                verbose_name="near facilities",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("available", "Available"),
                                    ("occupied", "Occupied"),
                                    ("damaged", "Damaged"),
                                    ("decommissioned", "Decommissioned"),
                                ],
                                default="available",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "block",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shelters",
                                to="sites.block",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shelter",
                        "verbose_name_plural": "shelters",
                        "db_table": "shelters_shelter",
                        "ordering": ["block", "code"],
                        "indexes": [
                            models.Index(fields=["status"], name="shelters_sh_status_54715e_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("block", "code"), name="shelter_code_unique_per_block"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("covered_m2__gt", 0)),
                                name="shelter_area_positive",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("capacity__gte", 1)),
                                name="shelter_capacity_positive",
                            ),
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="block",
                    constraint=models.UniqueConstraint(
                        fields=("site", "code"), name="block_code_unique_per_site"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
