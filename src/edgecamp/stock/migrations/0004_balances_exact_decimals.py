"""Balances that SQLite computed as floating point (8424.20000000001, 0.19999999999999998)
are rounded back to the three decimals their movements have. The services now compute
balances in Decimal; PostgreSQL's numeric was always exact, so this changes nothing there."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def round_float_balances(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    # In SQL: the ORM reads these values back already rounded, so it would see no change.
    schema_editor.execute(
        "UPDATE stock_stockbalance SET quantity = ROUND(quantity, 3) "
        "WHERE quantity <> ROUND(quantity, 3)"
    )


class Migration(migrations.Migration):
    dependencies = [("stock", "0003_sites_moved")]

    operations = [migrations.RunPython(round_float_balances, migrations.RunPython.noop)]
