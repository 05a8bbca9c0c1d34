"""Webhook endpoints, the delivery channel, give-up and requeue times, and opt-outs (issue 12).

Existing deliveries become email deliveries; their uniqueness per address now applies to email only.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0002_rename_tables'),
        ('commitments', '0010_alerts_move_to_their_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OptOut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email_key', models.CharField(db_index=True, max_length=64)),
                ('opted_out_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(help_text='https only; it must resolve to a public address.', max_length=2000)),
                ('description', models.CharField(blank=True, max_length=200)),
                ('secret', models.CharField(editable=False, max_length=100)),
                ('owner_email', models.EmailField(blank=True, help_text='Who hears when it is disabled (public endpoints).', max_length=254)),
                ('categories', models.JSONField(blank=True, default=list, help_text='Commitment categories followed.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('is_active', models.BooleanField(default=True, help_text='Disabled endpoints get nothing; re-enable, then requeue what gave up.')),
                ('disabled_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('disabled_reason', models.TextField(blank=True, editable=False)),
                ('consecutive_failures', models.PositiveIntegerField(default=0, editable=False)),
                ('last_success_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('registration_key', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
            ],
            options={
                'ordering': ['url', 'id'],
            },
        ),
        migrations.AlterModelOptions(
            name='alertdelivery',
            options={'ordering': ['-created_at', '-id'], 'permissions': [('requeue_alertdelivery', 'Can requeue given-up alert deliveries')], 'verbose_name_plural': 'alert deliveries'},
        ),
        migrations.RemoveConstraint(
            model_name='alertdelivery',
            name='alert_delivery_once_per_address',
        ),
        migrations.AddField(
            model_name='alertdelivery',
            name='channel',
            field=models.CharField(choices=[('email', 'Email'), ('webhook', 'Webhook')], default='email', max_length=8),
        ),
        migrations.AddField(
            model_name='alertdelivery',
            name='gave_up_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='alertdelivery',
            name='requeued_at',
            field=models.DateTimeField(blank=True, help_text='When it was last put back after a give-up.', null=True),
        ),
        migrations.AlterField(
            model_name='alertdelivery',
            name='to_email',
            field=models.EmailField(blank=True, help_text='Email: lower-case; one delivery per address per event.', max_length=254),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='agreements',
            field=models.ManyToManyField(blank=True, related_name='webhook_endpoints', to='commitments.agreement'),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='monitor',
            field=models.ForeignKey(blank=True, help_text='The monitor who registered it; alerts follow what that monitor may see.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='parties',
            field=models.ManyToManyField(blank=True, related_name='webhook_endpoints', to='commitments.party'),
        ),
        migrations.AddField(
            model_name='alertdelivery',
            name='endpoint',
            field=models.ForeignKey(blank=True, help_text='Webhook: one delivery per endpoint per event.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliveries', to='alerts.webhookendpoint'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.UniqueConstraint(condition=models.Q(('channel', 'email')), fields=('event', 'to_email'), name='alert_delivery_once_per_address'),
        ),
        migrations.AddConstraint(
            model_name='alertdelivery',
            constraint=models.UniqueConstraint(condition=models.Q(('channel', 'webhook')), fields=('event', 'endpoint'), name='alert_delivery_once_per_endpoint'),
        ),
    ]
