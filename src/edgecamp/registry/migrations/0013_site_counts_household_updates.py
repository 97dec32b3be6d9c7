"""PostgreSQL: the site counts follow household status and site changes once per statement
(transition tables) instead of once per row, so an UPDATE of tens of thousands of households
(a verification round's close) takes a second, not minutes (`site_counts`,
`count_household_updates_per_statement`). SQLite is unchanged."""

from typing import Any

from django.db import migrations

from edgecamp.registry import site_counts


def per_statement(apps: Any, schema_editor: Any) -> None:
    site_counts.count_household_updates_per_statement(schema_editor)


def per_row(apps: Any, schema_editor: Any) -> None:
    site_counts.count_household_updates_per_row(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_individual_name_keys")]

    operations = [migrations.RunPython(per_statement, per_row)]
