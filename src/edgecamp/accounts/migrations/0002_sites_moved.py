"""Site, Block and Shelter moved to the `sites` app: the foreign keys point there in the state
only (the tables and their constraints are unchanged)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sites", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="staffprofile",
                    name="sites",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="sites.site", verbose_name="sites"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
