"""Claim.speaker becomes the Speaker that 0017 made from its text (a migration of its own: on
PostgreSQL a table whose rows a migration updated cannot be altered in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commitments", "0017_existing_data_moves_forward")]

    operations = [
        # A default first, so that migrating back can add the text column to rows that exist.
        migrations.AlterField(model_name='claim', name='speaker', field=models.CharField(default='', max_length=200)),
        migrations.AlterField(
            model_name='historicalclaim', name='speaker', field=models.CharField(default='', max_length=200)
        ),
        migrations.RemoveField(model_name='claim', name='speaker'),
        migrations.RemoveField(model_name='historicalclaim', name='speaker'),
        migrations.RenameField(model_name='claim', old_name='speaker_person', new_name='speaker'),
        migrations.RenameField(model_name='historicalclaim', old_name='speaker_person', new_name='speaker'),
        migrations.AlterField(
            model_name='claim',
            name='speaker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='commitments.speaker'),
        ),
    ]
