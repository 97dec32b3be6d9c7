"""Phonetic name keys for the household search (Individual.name_keys), filled for every person
already registered.

The column is added in SQL rather than with AddField because on SQLite AddField of a NOT NULL
column rebuilds the table, which the site-count triggers (they name the registry's tables)
forbid. The keys are computed in Python (edgecamp.linkage.normalise, the desk check's rules),
5 000 people at a time; merged records keep none. On PostgreSQL a trigram index serves the
`LIKE '% key %'` of the search, as for search_text (migration 0004)."""

from django.db import migrations, models

BATCH = 5_000


def add_column(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE registry_individual ADD COLUMN name_keys varchar(400) NOT NULL DEFAULT ''"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX registry_individual_name_keys_trgm ON registry_individual "
            "USING gin (name_keys gin_trgm_ops)"
        )


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_individual_name_keys_trgm")
    schema_editor.execute("ALTER TABLE registry_individual DROP COLUMN name_keys")


def fill_keys(apps, schema_editor):
    from edgecamp.registry.models import name_keys

    Individual = apps.get_model("registry", "Individual")
    people = (
        Individual.objects.exclude(status="merged")
        .only("pk", "given_name", "family_name", "other_names")
        .order_by("pk")
    )
    batch = []
    for person in people.iterator(chunk_size=BATCH):
        person.name_keys = name_keys(
            [person.given_name, person.family_name, *map(str, person.other_names or [])]
        )
        batch.append(person)
        if len(batch) == BATCH:
            Individual.objects.bulk_update(batch, ["name_keys"])
            batch = []
    if batch:
        Individual.objects.bulk_update(batch, ["name_keys"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_life_event_kinds")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="individual",
                    name="name_keys",
                    field=models.CharField(default="", editable=False, max_length=400),
                )
            ],
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
