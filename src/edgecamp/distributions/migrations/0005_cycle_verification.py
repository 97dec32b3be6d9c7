"""A cycle may serve only households confirmed in person in a verification round.

On SQLite the columns are added with ALTER TABLE ADD COLUMN, not Django's AddField: a NOT NULL
column (and removing a foreign key) makes Django rebuild the table, and the rebuilt table
loses the public-id index of migration 0004 and makes its column UNIQUE, so 0004 could no longer
be undone. SQLite's column has no FOREIGN KEY clause for the same reason (a column in one
cannot be dropped); Django's PROTECT guards the round. PostgreSQL gets the same columns with
the foreign key."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

REQUIRES = models.BooleanField(default=False, verbose_name="only households verified in person")
ROUND = models.ForeignKey(
    blank=True,
    null=True,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="cycles",
    to="verification.round",
    verbose_name="verification round",
)
INDEX = "distributions_cycle_verification_round_id_idx"
FORWARD = {
    "postgresql": [
        "ALTER TABLE distributions_cycle ADD COLUMN requires_verification boolean NOT NULL "
        "DEFAULT false",
        "ALTER TABLE distributions_cycle ALTER COLUMN requires_verification DROP DEFAULT",
        "ALTER TABLE distributions_cycle ADD COLUMN verification_round_id bigint NULL "
        "REFERENCES verification_round (id) DEFERRABLE INITIALLY DEFERRED",
        f"CREATE INDEX {INDEX} ON distributions_cycle (verification_round_id)",
    ],
    "sqlite": [
        "ALTER TABLE distributions_cycle ADD COLUMN requires_verification bool NOT NULL DEFAULT 0",
        "ALTER TABLE distributions_cycle ADD COLUMN verification_round_id bigint NULL",
        f"CREATE INDEX {INDEX} ON distributions_cycle (verification_round_id)",
    ],
}
BACKWARD = {
    "postgresql": [
        "ALTER TABLE distributions_cycle DROP COLUMN verification_round_id",
        "ALTER TABLE distributions_cycle DROP COLUMN requires_verification",
    ],
    "sqlite": [
        f"DROP INDEX {INDEX}",
        "ALTER TABLE distributions_cycle DROP COLUMN verification_round_id",
        "ALTER TABLE distributions_cycle DROP COLUMN requires_verification",
    ],
}


def add_columns(apps: Any, schema_editor: Any) -> None:
    for sql in FORWARD[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


def drop_columns(apps: Any, schema_editor: Any) -> None:
    for sql in BACKWARD[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("distributions", "0004_public_ids"),
        ("verification", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField("cycle", "requires_verification", REQUIRES),
                migrations.AddField("cycle", "verification_round", ROUND),
            ],
        )
    ]
