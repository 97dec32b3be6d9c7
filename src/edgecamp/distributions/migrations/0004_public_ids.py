"""A public UUID for each record of these tables that may leave the machine (core.models.PublicId),
given to the existing rows in one statement per table."""

from django.db import migrations

from edgecamp.core.dbguards import add_public_id


class Migration(migrations.Migration):
    dependencies = [("distributions", "0003_sites_moved")]

    operations = [
        *add_public_id("cycle", "distributions_cycle"),
        *add_public_id("entitlement", "distributions_entitlement"),
        *add_public_id("redemption", "distributions_redemption"),
        *add_public_id("rationcard", "distributions_rationcard"),
    ]
