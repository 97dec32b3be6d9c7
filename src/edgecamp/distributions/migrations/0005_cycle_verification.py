import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A cycle may serve only households confirmed in person in a verification round."""

    dependencies = [
        ("distributions", "0004_public_ids"),
        ("verification", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="requires_verification",
            field=models.BooleanField(
                default=False, verbose_name="only households verified in person"
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="verification_round",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cycles",
                to="verification.round",
                verbose_name="verification round",
            ),
        ),
    ]
