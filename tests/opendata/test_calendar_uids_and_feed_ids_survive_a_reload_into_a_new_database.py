"""Calendar UIDs and feed entry ids come from natural keys (agreement slug, commitment code, the
kind of date, an entry's place in its commitment's record), not from database ids or the site's
host: the shipped seed, exported and loaded into an emptied database (whose ids have moved on)
at another address, gives the same UIDs and ids, so subscribers see no duplicate."""

from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from icalendar import Calendar

from commitments.models import Agreement, Claim, Commitment, Party, Source, Speaker, StatusUpdate
from commitments.seeding import dump_seed, export_agreement, load_agreement_file

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"
CALENDARS = ["/agreements/karabakh-2020/deadlines.ics", "/commitments/deadlines.ics"]
FEEDS = [
    "/feed.atom",
    "/agreements/karabakh-2020/feed.atom",
    "/incidents/feed.atom",
    "/incidents/feed.atom?agreement=karabakh-2020",
]


def identifiers(client) -> dict[str, list[str]]:
    found = {}
    for url in CALENDARS:
        calendar = Calendar.from_ical(client.get(url).content)
        found[url] = sorted(str(event["UID"]) for event in calendar.walk("VEVENT"))
    for url in FEEDS:
        found[url] = sorted(entry.id for entry in feedparser.parse(client.get(url).content).entries)
    for commitment in Commitment.objects.order_by("code"):
        feed = feedparser.parse(client.get(f"/commitments/{commitment.pk}/feed.atom").content)
        found[commitment.code] = sorted(entry.id for entry in feed.entries)
    return found


def test_the_seed_reloaded_into_a_new_database_at_a_new_address_keeps_every_uid_and_entry_id(
    client, settings, tmp_path
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    load_agreement_file(SEED)
    before = identifiers(client)
    ids_before = set(Commitment.objects.values_list("pk", flat=True))
    export = tmp_path / "karabakh-2020.yaml"
    export.write_text(dump_seed(export_agreement(Agreement.objects.get())), encoding="utf-8")

    Agreement.objects.all().delete()
    Source.objects.all().delete()
    Speaker.objects.all().delete()
    Party.objects.all().delete()
    settings.SITE_URL = "https://tracker.example.org"
    load_agreement_file(export)
    after = identifiers(client)

    assert set(Commitment.objects.values_list("pk", flat=True)).isdisjoint(ids_before)  # new database ids
    assert after == before
    assert "karabakh-2020/lachin-route-plan/deadline@ceasefire-tracker" in before[CALENDARS[0]]
    assert len(before["/feed.atom"]) == StatusUpdate.objects.count() + Claim.objects.count()  # every one of the seed
    assert all(entry_id.startswith("tag:ceasefire-tracker,2020:karabakh-2020/") for entry_id in before["/feed.atom"])
    assert before["/incidents/feed.atom"] == [
        "tag:ceasefire-tracker,2020:karabakh-2020/incident/1",
        "tag:ceasefire-tracker,2020:karabakh-2020/incident/2",
    ]
