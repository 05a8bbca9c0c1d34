"""An Atom entry is `published` when its event happened (the assessment's as-of date, the day
the claim was made, from the start of that day in the agreement's time zone) and `updated`
when the tracker recorded it, or recorded its correction. A feed with no entries is updated
when its data last changed, not at the time of the request."""

import datetime as dt

import feedparser
import pytest
import time_machine

from commitments.models import Status, StatusUpdate
from tests.factories import add_status, karabakh_like, make_agreement

pytestmark = pytest.mark.django_db

RECORDED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CORRECTED = dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.UTC)
READ = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def entries(client, url: str) -> dict[str, feedparser.FeedParserDict]:
    with time_machine.travel(READ, tick=False):
        feed = feedparser.parse(client.get(url).content)
    return {entry.title: entry for entry in feed.entries}


def as_datetime(parsed) -> dt.datetime:
    return dt.datetime(*parsed[:6], tzinfo=dt.UTC)


def test_entries_are_published_on_the_day_of_the_event_and_updated_when_recorded(client):
    with time_machine.travel(RECORDED, tick=False):
        data = karabakh_like()

    found = entries(client, "/feed.atom")

    aghdam = found["Return of the Aghdam district: Fulfilled as of 2020-11-20"]
    # 20 Nov 2020 began at midnight Moscow time, 21:00 UTC the day before.
    assert as_datetime(aghdam.published_parsed) == dt.datetime(2020, 11, 19, 21, 0, tzinfo=dt.UTC)
    assert as_datetime(aghdam.updated_parsed) == RECORDED
    lavrov = found[f"{data.prisoners}: Sergei Lavrov, Russian foreign minister — Says it is under way"]
    assert as_datetime(lavrov.published_parsed) == dt.datetime(2020, 12, 6, 21, 0, tzinfo=dt.UTC)
    assert as_datetime(lavrov.updated_parsed) == RECORDED


def test_a_corrected_entry_is_updated_when_its_correction_was_recorded(client):
    with time_machine.travel(RECORDED, tick=False):
        data = karabakh_like()
        wrong = StatusUpdate.objects.get(commitment=data.aghdam)
    with time_machine.travel(CORRECTED, tick=False):
        add_status(data.aghdam, Status.INTERMEDIATE, dt.date(2020, 11, 20), data.al_jazeera, corrects=wrong)

    found = entries(client, f"/commitments/{data.aghdam.pk}/feed.atom")

    corrected = found["Return of the Aghdam district: Fulfilled as of 2020-11-20"]
    correction = found["Return of the Aghdam district: Intermediate implementation as of 2020-11-20"]
    assert as_datetime(corrected.updated_parsed) == CORRECTED
    assert "A later entry, recorded on 2026-03-09, corrects this one." in corrected.summary
    assert as_datetime(correction.updated_parsed) == CORRECTED
    assert corrected.published == correction.published


def test_a_feed_without_entries_is_updated_when_its_data_last_changed(client):
    with time_machine.travel(RECORDED, tick=False):
        make_agreement("quiet-2024", title="An agreement with nothing recorded yet")

    with time_machine.travel(READ, tick=False):
        feed = feedparser.parse(client.get("/agreements/quiet-2024/feed.atom").content)

    assert feed.entries == []
    assert as_datetime(feed.feed.updated_parsed) == RECORDED
