"""A public UUID for each record of these tables that may leave the machine (core.models.PublicId),
given to the existing rows in one statement per table."""

from django.db import migrations

from edgecamp.core.dbguards import add_public_id


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_document_number_once")]

    operations = [
        *add_public_id("household", "registry_household"),
        *add_public_id("individual", "registry_individual"),
        *add_public_id("identitydocument", "registry_identitydocument"),
        *add_public_id("membership", "registry_membership"),
        *add_public_id("specificneedrecord", "registry_specificneedrecord"),
    ]
