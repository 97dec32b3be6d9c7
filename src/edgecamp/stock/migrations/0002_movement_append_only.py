"""The stock ledger is append-only in the database too (see edgecamp.core.dbguards)."""

from django.db import migrations

from edgecamp.core.dbguards import append_only


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial")]

    operations = [
        append_only(
            "stock_movement",
            "stock movements are append-only: record a correcting movement",
        )
    ]
