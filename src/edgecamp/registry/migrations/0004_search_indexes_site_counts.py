"""Search that stays fast on a million people, and the dashboard's per-site counts.

PostgreSQL: trigram (pg_trgm) GIN indexes serve the substring searches of household search:
`search_text LIKE '%word%'` for names and aliases, `UPPER(number) LIKE '%…%'` for (part of) a
household number. SQLite keeps scanning (a LIKE with a leading wildcard cannot use a b-tree),
which is fast enough at the sizes a single laptop holds.

Both databases: table `registry_sitecount` and the triggers that maintain it (see
`edgecamp.registry.site_counts`)."""

from typing import Any

from django.db import migrations

from edgecamp.registry import site_counts

TRIGRAM_INDEXES = {
    "registry_individual_search_trgm": "registry_individual USING gin (search_text gin_trgm_ops)",
    "registry_household_number_trgm": (
        'registry_household USING gin ((UPPER("number"::text)) gin_trgm_ops)'
    ),
}


def add_trigram_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_trigram_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def install_site_counts(apps: Any, schema_editor: Any) -> None:
    site_counts.install(schema_editor)


def uninstall_site_counts(apps: Any, schema_editor: Any) -> None:
    site_counts.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_merge_duplicates"),
        ("shelters", "0002_allocation_plans"),
    ]

    operations = [
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
        migrations.RunPython(install_site_counts, uninstall_site_counts),
    ]
