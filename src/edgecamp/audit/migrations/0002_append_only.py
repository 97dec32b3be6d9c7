"""The audit log is append-only in the database too (see edgecamp.core.dbguards)."""

from django.db import migrations

from edgecamp.core.dbguards import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        append_only(
            "audit_auditentry",
            "the audit log is append-only: entries are never changed or deleted",
        )
    ]
