"""Site, Block and Shelter moved to the `sites` app: the foreign keys point there in the state
only (the tables and their constraints are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("distributions", "0002_ration_card_history"),
        ("sites", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cycle",
                    name="site",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cycles",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
