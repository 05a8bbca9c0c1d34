"""Who is speaking, dates no more precise than their sources, publishers' affiliations,
supervising bodies, correction reasons (issue 11).

Existing data moves forward: each claim's free-text speaker ("Name, office") becomes a
Speaker of the claim's party, in the claims and in their history; evidence and claims
recorded before the tracker asked whose words they are keep an empty speech kind ("not
stated"); status updates and claims take the date precision of their sources (an update
dated from month-only sources only is dated to the month); and each commitment's stored
current status is recomputed by the rule that an update without evidence does not count.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def _split(text):
    name, _comma, role = (text or "").strip().partition(", ")
    return name.strip(), role.strip()


def speakers_from_text(apps, schema_editor):
    Party = apps.get_model("commitments", "Party")
    Speaker = apps.get_model("commitments", "Speaker")
    Claim = apps.get_model("commitments", "Claim")
    HistoricalClaim = apps.get_model("commitments", "HistoricalClaim")
    parties = set(Party.objects.values_list("pk", flat=True))
    found = {}

    def speaker_id(text, party_id):
        key = (*_split(text), party_id)
        if key not in found:
            found[key] = Speaker.objects.get_or_create(name=key[0], role=key[1], party_id=party_id)[0].pk
        return found[key]

    for claim in Claim.objects.all():
        claim.speaker_person_id = speaker_id(claim.speaker, claim.party_id)
        claim.save(update_fields=["speaker_person"])
    # History rows of a party since deleted keep no speaker (the party's claims are gone too).
    for row in HistoricalClaim.objects.filter(party_id__in=parties):
        row.speaker_person_id = speaker_id(row.speaker, row.party_id)
        row.save(update_fields=["speaker_person"])


def speakers_to_text(apps, schema_editor):
    Speaker = apps.get_model("commitments", "Speaker")
    Claim = apps.get_model("commitments", "Claim")
    HistoricalClaim = apps.get_model("commitments", "HistoricalClaim")
    texts = {
        speaker.pk: f"{speaker.name}, {speaker.role}" if speaker.role else speaker.name
        for speaker in Speaker.objects.all()
    }
    for model in (Claim, HistoricalClaim):
        for row in model.objects.exclude(speaker_person__isnull=True):
            row.speaker = texts.get(row.speaker_person_id, "")
            row.save(update_fields=["speaker"])


RANK = {"day": 0, "month": 1, "year": 2}


def derive_precision_and_refresh_status(apps, schema_editor):
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    Claim = apps.get_model("commitments", "Claim")
    Commitment = apps.get_model("commitments", "Commitment")
    # An update is dated as precisely as its most precise source; a claim as its source.
    for update in StatusUpdate.objects.prefetch_related("evidence__source"):
        precisions = [item.source.published_on_precision for item in update.evidence.all()]
        finest = min(precisions, key=RANK.__getitem__, default="day")
        if finest != update.as_of_precision:
            StatusUpdate.objects.filter(pk=update.pk).update(as_of_precision=finest)
    for claim in Claim.objects.select_related("source").exclude(source__published_on_precision="day"):
        Claim.objects.filter(pk=claim.pk).update(stated_on_precision=claim.source.published_on_precision)

    # The stored status, as Commitment.refresh_status() now computes it: updates corrected by
    # another, or without evidence, do not count.
    for commitment in Commitment.objects.select_related("provision__agreement"):
        updates = list(StatusUpdate.objects.filter(commitment=commitment).prefetch_related("evidence"))
        corrected = {update.corrects_id for update in updates if update.corrects_id}
        standing = [u for u in updates if u.pk not in corrected and u.evidence.all()]
        current = max(standing, key=lambda u: (u.as_of, u.recorded_at, u.pk), default=None)
        status = current.status if current else "not_assessed"
        first_fulfilled = None
        if status == "fulfilled":
            first_fulfilled = min(
                (u for u in standing if u.status == "fulfilled"), key=lambda u: (u.as_of, u.recorded_at)
            )
        fulfilled_at = None
        if first_fulfilled:
            tz = ZoneInfo(commitment.provision.agreement.time_zone)
            fulfilled_at = dt.datetime.combine(first_fulfilled.as_of + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        Commitment.objects.filter(pk=commitment.pk).update(
            current_status=status,
            status_as_of=current.as_of if current else None,
            fulfilled_at=fulfilled_at,
            fulfilled_precision=first_fulfilled.as_of_precision if first_fulfilled else "",
        )



class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0010_alerts_move_to_their_app'),
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
        migrations.RunPython(speakers_from_text, speakers_to_text),
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
        migrations.RunPython(derive_precision_and_refresh_status, migrations.RunPython.noop),
    ]
