"""The status changes live on as life events (0009): the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_life_events")]

    # DeleteModel alone: removing the check constraint first would rebuild the table on SQLite.
    operations = [migrations.DeleteModel(name="StatusChange")]
