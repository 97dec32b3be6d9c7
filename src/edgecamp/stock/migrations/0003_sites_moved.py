"""Site, Block and Shelter moved to the `sites` app: the foreign keys point there in the state
only (the tables and their constraints are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0001_initial"),
        ("stock", "0002_movement_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="warehouse",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="warehouses",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
