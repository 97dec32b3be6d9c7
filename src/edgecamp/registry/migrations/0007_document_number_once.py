"""One identity document number, one active record: a partial unique index on (type, number)
over active documents.

A registry filled before this migration may already hold a document twice (two registrations
of one person, a typo shared by two people). The migration does not fail on them and deletes
nothing: every copy after the first (by id) is marked not active, kept and shown, and stays in
the duplicate review's evidence; the count is logged so the operator knows to run
`edgecamp dedupe-registry` and review the queue."""

import logging

from django.db import migrations, models
from django.db.models import Exists, OuterRef

log = logging.getLogger("edgecamp.registry")


def deactivate_later_copies(apps, schema_editor):
    document = apps.get_model("registry", "IdentityDocument")
    earlier = document.objects.filter(
        type=OuterRef("type"), number=OuterRef("number"), pk__lt=OuterRef("pk")
    )
    copies = document.objects.filter(Exists(earlier)).update(active=False)
    if copies:
        log.warning(
            "%d identity documents repeat the type and number of an earlier record: kept, "
            "marked not active; review the possible duplicates (edgecamp dedupe-registry).",
            copies,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_sites_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="identitydocument",
            name="active",
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.RunPython(deactivate_later_copies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="identitydocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)),
                fields=("type", "number"),
                name="identity_document_active_once",
            ),
        ),
    ]
