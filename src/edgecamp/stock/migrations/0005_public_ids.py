"""A public UUID for each record of these tables that may leave the machine (core.models.PublicId),
given to the existing rows in one statement per table."""

from django.db import migrations

from edgecamp.core.dbguards import add_public_id


class Migration(migrations.Migration):
    dependencies = [("stock", "0004_balances_exact_decimals")]

    operations = [
        *add_public_id("item", "stock_item"),
        *add_public_id("warehouse", "stock_warehouse"),
        *add_public_id("pledge", "stock_pledge"),
        *add_public_id("shipment", "stock_shipment"),
    ]
