"""Given and family names in the person's own script (Individual.given_name_local,
family_name_local), beside the Latin transliteration.

Added in SQL rather than with AddField for the reason migration 0012 gives: on SQLite AddField
of a NOT NULL column rebuilds the table, which the site-count triggers forbid. Existing people
have none, so their search_text and name_keys stay as they are."""

from django.db import migrations, models

COLUMNS = ("given_name_local", "family_name_local")


def add_columns(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE registry_individual ADD COLUMN {column} varchar(100) NOT NULL DEFAULT ''"
        )


def drop_columns(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE registry_individual DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_search_key_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(
                    model_name="individual",
                    name="given_name_local",
                    field=models.CharField(
                        blank=True,
                        default="",
                        max_length=100,
                        verbose_name="given name in own script",
                    ),
                ),
                migrations.AddField(
                    model_name="individual",
                    name="family_name_local",
                    field=models.CharField(
                        blank=True,
                        default="",
                        max_length=100,
                        verbose_name="family name in own script",
                    ),
                ),
            ],
        ),
    ]
