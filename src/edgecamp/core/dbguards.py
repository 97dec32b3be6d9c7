"""Database-level guards used by migrations.

`append_only(table, message)` makes a table append-only in the database itself, so neither the
application nor a stray query can rewrite history: UPDATE is refused on both databases, DELETE
on PostgreSQL. (Test flushes on PostgreSQL use TRUNCATE, which row triggers do not see; SQLite's
flush deletes rows, so on SQLite DELETE is kept out by the application and the read-only admin.)
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import migrations, models


def append_only(table: str, message: str) -> migrations.RunPython:
    sqlite_forward = (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )
    sqlite_backward = f"DROP TRIGGER IF EXISTS {table}_no_update;"
    postgres_forward = f"""
CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{message}';
END;
$$;
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    postgres_backward = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""

    def run(sql_by_vendor: dict[str, str]) -> Any:
        def operation(apps: Any, schema_editor: Any) -> None:
            sql = sql_by_vendor.get(schema_editor.connection.vendor)
            if sql:
                schema_editor.execute(sql)

        return operation

    return migrations.RunPython(
        run({"sqlite": sqlite_forward, "postgresql": postgres_forward}),
        run({"sqlite": sqlite_backward, "postgresql": postgres_backward}),
    )


def add_public_id(model_name: str, table: str) -> list[Any]:
    """The operation giving an existing table its `uuid` column (`core.models.PublicId`), each
    existing row a random version-4 UUID, in one statement per table (no row is loaded into
    Python: a registry of a million people migrates in seconds), unique.

    Written in SQL rather than as AddField + AlterField because on SQLite those rebuild the
    table, and the site-count triggers of the registry, which name the sites' tables, forbid
    that. On SQLite the column stays nullable in the database (SQLite adds NOT NULL only by
    rebuilding the table); every row has one and every new record gets one from the model."""
    index = f"{table}_uuid_uniq"
    postgres = [
        f"ALTER TABLE {table} ADD COLUMN uuid uuid NULL",
        f"UPDATE {table} SET uuid = gen_random_uuid()",  # noqa: S608
        f"ALTER TABLE {table} ALTER COLUMN uuid SET NOT NULL",
        f"ALTER TABLE {table} ADD CONSTRAINT {index} UNIQUE (uuid)",
    ]
    # Django keeps a UUID on SQLite as 32 hex digits; the version digit is 4 and the variant
    # one of 8, 9, a, b, as uuid4() makes them.
    sqlite = [
        f"ALTER TABLE {table} ADD COLUMN uuid char(32) NULL",
        f"UPDATE {table} SET uuid = lower(hex(randomblob(6)) || '4' || "  # noqa: S608
        "substr(hex(randomblob(2)), 2) || substr('89ab', 1 + (abs(random()) % 4), 1) || "
        "substr(hex(randomblob(2)), 2) || hex(randomblob(6)))",
        f"CREATE UNIQUE INDEX {index} ON {table} (uuid)",
    ]
    backward = {
        "postgresql": [f"ALTER TABLE {table} DROP COLUMN uuid"],
        "sqlite": [f"DROP INDEX {index}", f"ALTER TABLE {table} DROP COLUMN uuid"],
    }

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for sql in postgres if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    def reverse(apps: Any, schema_editor: Any) -> None:
        for sql in backward[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, reverse)],
            state_operations=[
                migrations.AddField(
                    model_name=model_name,
                    name="uuid",
                    field=models.UUIDField(
                        default=uuid.uuid4, unique=True, editable=False, verbose_name="public id"
                    ),
                )
            ],
        )
    ]
