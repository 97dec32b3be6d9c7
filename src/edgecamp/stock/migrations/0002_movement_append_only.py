"""The ledger is append-only in the database too: UPDATE of a movement is refused on both
databases, and DELETE on PostgreSQL (where test flushes use TRUNCATE, which row triggers do
not see; SQLite's flush deletes rows, so it keeps DELETE to the application and admin)."""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS stock_movement_no_update;"

POSTGRES_FORWARD = """
CREATE FUNCTION stock_movement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are append-only: record a correcting movement';
END;
$$;
CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
FOR EACH ROW EXECUTE FUNCTION stock_movement_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS stock_movement_append_only ON stock_movement;
DROP FUNCTION IF EXISTS stock_movement_append_only();
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
