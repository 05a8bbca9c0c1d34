"""The alert models move here from the commitments app, keeping their tables and rows.

State only: the tables commitments_* that commitments' migrations 0004 and 0006 created
stay as they are (0002 renames them). The content types, and with them the permissions
and the Monitors group's grants, are relabelled from commitments to alerts.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["jobrun", "subscriberequest", "deadlineevent", "monitorsubscription", "subscriber", "alertdelivery"]


def relabel_content_types(apps, schema_editor, old="commitments", new="alerts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        moving = ContentType.objects.filter(app_label=old, model=model).first()
        if moving is None:
            continue  # a new database: post_migrate creates the content type under its new label
        # A content type made under the new label in between (an interrupted upgrade) holds
        # no grants worth keeping: the old one carries the Monitors group's permissions.
        ContentType.objects.filter(app_label=new, model=model).delete()
        moving.app_label = new
        moving.save(update_fields=["app_label"])


def relabel_content_types_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="alerts", new="commitments")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("commitments", "0009_feed_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, unique=True)),
                        ('started_at', models.DateTimeField()),
                        ('finished_at', models.DateTimeField()),
                        ('counts', models.JSONField(default=dict)),
                    ],
                    options={
                        'db_table': 'commitments_jobrun',
                    },
                ),
                migrations.CreateModel(
                    name='SubscribeRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('client_key', models.CharField(db_index=True, max_length=64)),
                        ('email_key', models.CharField(db_index=True, max_length=64)),
                        ('requested_at', models.DateTimeField(db_index=True)),
                    ],
                    options={
                        'db_table': 'commitments_subscriberequest',
                    },
                ),
                migrations.CreateModel(
                    name='DeadlineEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('went_overdue', 'Went overdue'), ('fulfilled_late', 'Fulfilled after being overdue'), ('extended', 'No longer overdue: deadline changed'), ('ended', 'Ended while overdue'), ('due_soon', 'Deadline due soon'), ('notice_due_soon', 'Notice deadline due soon')], max_length=16)),
                        ('deadline', models.DateField(help_text='The deadline in force the event is about (for notice reminders: the notice deadline).')),
                        ('deadline_ends_at', models.DateTimeField(help_text="The instant that deadline ends in the agreement's zone.")),
                        ('occurred_at', models.DateTimeField(help_text="When the change happened: the deadline's end for 'went overdue', else when it was noticed.")),
                        ('detected_at', models.DateTimeField(help_text='When the flagging job recorded it.')),
                        ('offset_days', models.PositiveSmallIntegerField(default=0, help_text='For reminders: sent this many days before the deadline.')),
                        ('days_overdue', models.PositiveIntegerField(blank=True, null=True)),
                        ('days_late', models.PositiveIntegerField(blank=True, null=True)),
                        ('new_deadline', models.DateField(blank=True, help_text="For 'deadline changed': the deadline now in force, if any.", null=True)),
                        ('alerts_queued', models.BooleanField(default=False, editable=False)),
                        ('closes', models.OneToOneField(blank=True, help_text="The 'went overdue' event this one ends; one-to-one, so two runs cannot close it twice.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='closed_by', to='alerts.deadlineevent')),
                        ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_events', to='commitments.commitment')),
                    ],
                    options={
                        'db_table': 'commitments_deadlineevent',
                        'ordering': ['-detected_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='MonitorSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='monitor_subscriptions', to='commitments.agreement')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='monitor_subscriptions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'commitments_monitorsubscription',
                        'ordering': ['agreement', 'user'],
                    },
                ),
                migrations.CreateModel(
                    name='Subscriber',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(help_text='Stored lower-case.', max_length=254, unique=True)),
                        ('confirmed_at', models.DateTimeField(help_text='When the address owner clicked the confirmation link.')),
                        ('categories', models.JSONField(blank=True, default=list, help_text='Commitment categories followed.')),
                        ('agreements', models.ManyToManyField(blank=True, related_name='subscribers', to='commitments.agreement')),
                        ('parties', models.ManyToManyField(blank=True, related_name='subscribers', to='commitments.party')),
                    ],
                    options={
                        'db_table': 'commitments_subscriber',
                        'ordering': ['email'],
                    },
                ),
                migrations.CreateModel(
                    name='AlertDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to_email', models.EmailField(help_text='Lower-case; one delivery per address per event.', max_length=254)),
                        ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sending', 'Being sent'), ('sent', 'Sent'), ('failed', 'Gave up'), ('cancelled', 'Cancelled: recipient unsubscribed')], default='pending', max_length=16)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField()),
                        ('next_attempt_at', models.DateTimeField()),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('claim_token', models.CharField(blank=True, help_text='Which sender run holds the claim.', max_length=64)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.TextField(blank=True)),
                        ('monitor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alert_deliveries', to=settings.AUTH_USER_MODEL)),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='alerts.deadlineevent')),
                        ('subscriber', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliveries', to='alerts.subscriber')),
                    ],
                    options={
                        'db_table': 'commitments_alertdelivery',
                        'verbose_name_plural': 'alert deliveries',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='deadlineevent',
                    index=models.Index(fields=['kind', 'commitment'], name='deadline_event_kind_commitment'),
                ),
                migrations.AddConstraint(
                    model_name='deadlineevent',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['went_overdue', 'due_soon', 'notice_due_soon'])), fields=('commitment', 'kind', 'deadline', 'offset_days'), name='deadline_event_once_per_deadline'),
                ),
                migrations.AddConstraint(
                    model_name='monitorsubscription',
                    constraint=models.UniqueConstraint(fields=('user', 'agreement'), name='monitor_subscription_unique'),
                ),
                migrations.AddIndex(
                    model_name='alertdelivery',
                    index=models.Index(fields=['status', 'next_attempt_at'], name='alert_delivery_status_next'),
                ),
                migrations.AddConstraint(
                    model_name='alertdelivery',
                    constraint=models.UniqueConstraint(fields=('event', 'to_email'), name='alert_delivery_once_per_address'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, relabel_content_types_back),
    ]
