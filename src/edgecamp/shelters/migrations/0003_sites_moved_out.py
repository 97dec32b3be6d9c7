"""Site, Block and Shelter leave the shelters app's state (they live in `sites` now, on the same
tables); allocation plans and additional shelters point there. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sites_moved"),
        ("distributions", "0003_sites_moved"),
        ("registry", "0006_sites_moved"),
        ("shelters", "0002_allocation_plans"),
        ("sites", "0001_initial"),
        ("stock", "0003_sites_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="block",
                    name="block_code_unique_per_site",
                ),
                migrations.RemoveIndex(
                    model_name="shelter",
                    name="shelters_sh_status_54715e_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="shelter",
                    name="shelter_code_unique_per_block",
                ),
                migrations.RemoveConstraint(
                    model_name="shelter",
                    name="shelter_area_positive",
                ),
                migrations.RemoveConstraint(
                    model_name="shelter",
                    name="shelter_capacity_positive",
                ),
                migrations.AlterField(
                    model_name="additionalshelter",
                    name="shelter",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="additional_of",
                        to="sites.shelter",
                        verbose_name="shelter",
                    ),
                ),
                migrations.RemoveField(
                    model_name="site",
                    name="managing_organisation",
                ),
                migrations.AlterField(
                    model_name="allocationplan",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="allocation_plans",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
                migrations.RemoveField(
                    model_name="block",
                    name="site",
                ),
                migrations.RemoveField(
                    model_name="shelter",
                    name="block",
                ),
                migrations.DeleteModel(
                    name="Site",
                ),
                migrations.DeleteModel(
                    name="Block",
                ),
                migrations.DeleteModel(
                    name="Shelter",
                ),
            ],
            database_operations=[],
        ),
    ]
