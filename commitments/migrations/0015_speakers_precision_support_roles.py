"""Who is speaking, dates no more precise than their sources, publishers' affiliations,
supervising bodies, correction reasons (issue 11): the new columns. The existing data moves
forward in 0017 and Claim.speaker becomes a Speaker in 0018 (on PostgreSQL, rows cannot be
updated in the migration that adds their indexes and constraints).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0012_monitors_snapshots_and_link_checks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='correction_reason',
            field=models.TextField(blank=True, help_text='For a correction: what was wrong with the corrected entry (shown in the public corrections log).'),
        ),
        migrations.AddField(
            model_name='claim',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='', help_text="The speaker's own words, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AddField(
            model_name='claim',
            name='stated_on_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='No more precise than the source: a source that gives only the month dates the claim to the month.', max_length=8, verbose_name='date precision'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='fulfilled_precision',
            field=models.CharField(blank=True, choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name='commitment',
            name='status_as_of',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='commitment',
            name='supervising_bodies',
            field=models.ManyToManyField(blank=True, help_text='Bodies that supervise or monitor it without being bound by it, such as UNHCR for returns.', related_name='commitments_supervised', to='commitments.party'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('source', "The source's own words (a reporter, a document)"), ('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='', help_text="The source's own words, a speaker's words quoted directly, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='correction_reason',
            field=models.TextField(blank=True, help_text='For a correction: what was wrong with the corrected entry (shown in the public corrections log).'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='', help_text="The speaker's own words, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='stated_on_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='No more precise than the source: a source that gives only the month dates the claim to the month.', max_length=8, verbose_name='date precision'),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='fulfilled_precision',
            field=models.CharField(blank=True, choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='status_as_of',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalevidence',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('source', "The source's own words (a reporter, a document)"), ('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='', help_text="The source's own words, a speaker's words quoted directly, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='affiliated_party',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The party the publisher belongs to or speaks for (a government, its state media), if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.party'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='as_of_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='No more precise than the most precise source: a source that gives only the month dates it to the month.', max_length=8, verbose_name='as-of date precision'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='correction_reason',
            field=models.TextField(blank=True, help_text='For a correction: what was wrong with the corrected entry (shown in the public corrections log).'),
        ),
        migrations.AddField(
            model_name='source',
            name='affiliated_party',
            field=models.ForeignKey(blank=True, help_text='The party the publisher belongs to or speaks for (a government, its state media), if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='affiliated_sources', to='commitments.party'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='as_of_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='No more precise than the most precise source: a source that gives only the month dates it to the month.', max_length=8, verbose_name='as-of date precision'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='correction_reason',
            field=models.TextField(blank=True, help_text='For a correction: what was wrong with the corrected entry (shown in the public corrections log).'),
        ),
        migrations.CreateModel(
            name='HistoricalCommitment_supervising_bodies',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('commitment', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.commitment')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='commitments.historicalcommitment')),
                ('party', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.party')),
            ],
            options={
                'verbose_name': 'HistoricalCommitment_supervising_bodies',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSpeaker',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('role', models.CharField(blank=True, help_text="Office or role when speaking, as sources give it: 'Russian foreign minister'.", max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('party', models.ForeignKey(blank=True, db_constraint=False, help_text='The party the speaker speaks for.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.party')),
            ],
            options={
                'verbose_name': 'historical speaker',
                'verbose_name_plural': 'historical speakers',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Speaker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('role', models.CharField(blank=True, help_text="Office or role when speaking, as sources give it: 'Russian foreign minister'.", max_length=200)),
                ('party', models.ForeignKey(help_text='The party the speaker speaks for.', on_delete=django.db.models.deletion.PROTECT, related_name='speakers', to='commitments.party')),
            ],
            options={
                'ordering': ['name', 'role', 'id'],
            },
        ),
        migrations.AddField(
            model_name='evidence',
            name='speaker',
            field=models.ForeignKey(blank=True, help_text="Who is speaking, when the passage is a speaker's words.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='commitments.speaker'),
        ),
        migrations.AddField(
            model_name='historicalevidence',
            name='speaker',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="Who is speaking, when the passage is a speaker's words.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.speaker'),
        ),
        # Claim.speaker: free text "Name, office" becomes a Speaker, for the claims and their history.
        migrations.AddField(
            model_name='claim',
            name='speaker_person',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='commitments.speaker'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='speaker_person',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.speaker'),
        ),
        migrations.AddConstraint(
            model_name='speaker',
            constraint=models.UniqueConstraint(fields=('name', 'role', 'party'), name='speaker_unique'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='direct', help_text="The speaker's own words, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('source', "The source's own words (a reporter, a document)"), ('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='source', help_text="The source's own words, a speaker's words quoted directly, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='direct', help_text="The speaker's own words, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
        migrations.AlterField(
            model_name='historicalevidence',
            name='speech_kind',
            field=models.CharField(blank=True, choices=[('source', "The source's own words (a reporter, a document)"), ('direct', "A speaker's own words, quoted directly"), ('reported', "A speaker's words as the source reports them (paraphrase)")], default='source', help_text="The source's own words, a speaker's words quoted directly, or the source's report of them.", max_length=8, verbose_name='whose words'),
        ),
    ]
