"""Issue 11: the data recorded before it moves forward.

Existing data moves forward: each claim's free-text speaker ("Name, office") becomes a
Speaker of the claim's party, in the claims and in their history; evidence and claims
recorded before the tracker asked whose words they are keep an empty speech kind ("not
stated"); status updates and claims take the date precision of their sources (an update
dated from month-only sources only is dated to the month); and each commitment's stored
current status is recomputed by the rule that an update without evidence does not count.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations


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
    dependencies = [("commitments", "0016_monitors_speakers")]

    operations = [
        migrations.RunPython(speakers_from_text, speakers_to_text),
        migrations.RunPython(derive_precision_and_refresh_status, migrations.RunPython.noop),
    ]
