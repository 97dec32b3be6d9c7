"""Database-level guards used by migrations.

`append_only(table, message)` makes a table append-only in the database itself, so neither the
application nor a stray query can rewrite history: UPDATE is refused on both databases, DELETE
on PostgreSQL. (Test flushes on PostgreSQL use TRUNCATE, which row triggers do not see; SQLite's
flush deletes rows, so on SQLite DELETE is kept out by the application and the read-only admin.)
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


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
