"""Drafts never leak into the surfaces of the many-agreements pages and the incident log either: the
search (page and API), the parties' pages and scorecards, the speakers' pages, the incident log and
the past as known on a day show and count a draft claim, assessment or incident only once a second
monitor has published it."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache

from commitments.models import Claim, Evidence, ReviewState, Status, StatusUpdate
from commitments.review import publish
from tests.factories import add_incident, karabakh_like, make_monitor

pytestmark = pytest.mark.django_db

MARK = "UNREVIEWED-8K"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def monitors(db):
    group = Group.objects.get(name="Monitors")
    author, reviewer = make_monitor("author"), make_monitor("reviewer")
    author.groups.add(group)
    reviewer.groups.add(group)
    return author, reviewer


def addresses(data) -> list[str]:
    return [
        "/parties/",
        "/parties/armenia/",
        f"/speakers/{data.ayvazian.speaker_id}/",
        f"/commitments/{data.kalbajar.pk}/",
        f"/commitments/{data.kalbajar.pk}/?as_of=2026-12-01",
        f"/agreements/{data.agreement.slug}/?as_of=2026-12-01",
        f"/agreements/{data.agreement.slug}/implementation/",
        "/incidents/",
        f"/agreements/{data.agreement.slug}/incidents/",
        "/api/incidents/",
    ]


def pages(client, data) -> dict[str, bytes]:
    cache.clear()
    answers = {}
    for address in addresses(data):
        response = client.get(address)
        assert response.status_code == 200, address
        answers[address] = response.content
    return answers


def search_hits(client) -> tuple[int, int]:
    """Return how many results the search page and the API find for the drafts' word."""
    cache.clear()
    api = client.get("/api/search/", {"q": "UNREVIEWED"})
    assert api.status_code == 200
    page = client.get("/search/", {"q": "UNREVIEWED"})
    assert page.status_code == 200
    return page.context["total"], api.json()["count"]


def test_drafts_are_nowhere_in_search_parties_speakers_incidents_or_the_past_until_published(client, monitors):
    author, reviewer = monitors
    with time_machine.travel(NOW, tick=False):
        data = karabakh_like()
        before = pages(client, data)
        scorecard_before = data.armenia.scorecard(NOW)
        draft = {"review_state": ReviewState.DRAFT, "recorded_by": author}
        claim = Claim.objects.create(
            commitment=data.kalbajar,
            party=data.armenia,
            speaker=data.ayvazian.speaker,
            stated_on=dt.date(2020, 12, 7),
            position=Claim.Position.BROKEN,
            summary=f"{MARK}: says the handover is broken.",
            source=data.azatutyun,
            quote=f"{MARK} it is broken.",
            **draft,
        )
        assessment = StatusUpdate.objects.record(
            commitment=data.kalbajar,
            status=Status.VIOLATED,
            as_of=dt.date(2020, 12, 1),
            summary=f"{MARK}: the handover was reversed.",
            evidence=[Evidence(source=data.tass, quote=f"{MARK} quoted passage.")],
            as_of_precision=None,
            **draft,
        )
        incident = add_incident(
            data.agreement,
            summary=f"{MARK}: shelling reported.",
            published_via="",
            **draft,
            commitments=[data.kalbajar],
        )

        after = pages(client, data)
        for address, content in after.items():
            assert MARK.encode() not in content, address
            assert content == before[address], address
        assert search_hits(client) == (0, 0)
        assert data.armenia.scorecard(NOW) == scorecard_before

        for entry in (claim, assessment, incident):
            publish(entry, by=reviewer, now=NOW)
        published = pages(client, data)

    for address in [
        f"/speakers/{data.ayvazian.speaker_id}/",
        f"/commitments/{data.kalbajar.pk}/",
        "/api/incidents/",
    ]:
        assert MARK.encode() in published[address], address
    for address in ["/incidents/", f"/agreements/{data.agreement.slug}/implementation/", "/parties/armenia/"]:
        assert published[address] != before[address], address
    page_hits, api_hits = search_hits(client)
    assert page_hits == api_hits == 3  # the claim, the assessment and the incident
    assert data.armenia.scorecard(NOW).claims == scorecard_before.claims + 1
