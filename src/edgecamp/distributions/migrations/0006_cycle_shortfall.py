"""A cycle started although its entitlements exceeded the stock on hand and in the pipeline
records why (`shortfall_reason`) and the shortfall per item (`shortfall`).

Added with ALTER TABLE ADD COLUMN for the reason migration 0005 gives: on SQLite, Django's
AddField of a NOT NULL column rebuilds the table, and the rebuilt table loses the public-id
index of migration 0004 and makes its column UNIQUE. PostgreSQL gets the same columns (the
defaults dropped afterwards, as Django leaves none in the database)."""

from typing import Any

from django.db import migrations, models

REASON = models.CharField(
    blank=True, default="", max_length=500, verbose_name="reason for starting short of stock"
)
SHORTFALL = models.JSONField(blank=True, default=list, verbose_name="stock shortfall at start")
FORWARD = {
    "postgresql": [
        "ALTER TABLE distributions_cycle ADD COLUMN shortfall_reason varchar(500) NOT NULL "
        "DEFAULT ''",
        "ALTER TABLE distributions_cycle ALTER COLUMN shortfall_reason DROP DEFAULT",
        "ALTER TABLE distributions_cycle ADD COLUMN shortfall jsonb NOT NULL DEFAULT '[]'",
        "ALTER TABLE distributions_cycle ALTER COLUMN shortfall DROP DEFAULT",
    ],
    "sqlite": [
        "ALTER TABLE distributions_cycle ADD COLUMN shortfall_reason varchar(500) NOT NULL "
        "DEFAULT ''",
        "ALTER TABLE distributions_cycle ADD COLUMN shortfall text NOT NULL DEFAULT '[]' "
        'CHECK ((JSON_VALID("shortfall") OR "shortfall" IS NULL))',
    ],
}
BACKWARD = {
    vendor: [
        "ALTER TABLE distributions_cycle DROP COLUMN shortfall",
        "ALTER TABLE distributions_cycle DROP COLUMN shortfall_reason",
    ]
    for vendor in ("postgresql", "sqlite")
}


def add_columns(apps: Any, schema_editor: Any) -> None:
    for sql in FORWARD[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


def drop_columns(apps: Any, schema_editor: Any) -> None:
    for sql in BACKWARD[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("distributions", "0005_cycle_verification")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField("cycle", "shortfall_reason", REASON),
                migrations.AddField("cycle", "shortfall", SHORTFALL),
            ],
        )
    ]
