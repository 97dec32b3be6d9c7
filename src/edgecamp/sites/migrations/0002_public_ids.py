"""A public UUID for each record of these tables that may leave the machine (core.models.PublicId),
given to the existing rows in one statement per table."""

from django.db import migrations

from edgecamp.core.dbguards import add_public_id


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [
        *add_public_id("site", "shelters_site"),
        *add_public_id("block", "shelters_block"),
        *add_public_id("shelter", "shelters_shelter"),
    ]
