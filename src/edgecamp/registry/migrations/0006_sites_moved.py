"""Site, Block and Shelter moved to the `sites` app: the foreign keys point there in the state
only (the tables and their constraints are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_merge_moves_memberships"),
        ("sites", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="shelter",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="households",
                        to="sites.shelter",
                        verbose_name="shelter",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
                migrations.AlterField(
                    model_name="mergerecord",
                    name="household_old_shelter",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sites.shelter",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
