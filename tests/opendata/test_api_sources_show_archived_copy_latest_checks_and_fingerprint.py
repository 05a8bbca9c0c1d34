"""The API's sources carry the archived copy's address, the latest check of each link (outcome and
date) and the latest stored copy's fingerprint, never the file or its address."""

import pytest

from commitments.models import SourceCheck
from tests.conftest import utc
from tests.factories import add_link_check, make_snapshot, make_source

pytestmark = pytest.mark.django_db

PAGE = b"<!DOCTYPE html><html><body><p>Kalbajar handed over.</p></body></html>"


def test_a_source_shows_its_archive_checks_and_fingerprint(client, snapshot_storage):
    source = make_source(
        url="https://tass.example/kalbajar",
        archive_url="https://web.archive.example/2020/https://tass.example/kalbajar",
    )
    snapshot = make_snapshot(source, PAGE, captured_at=utc(2026, 11, 29, 8, 0))
    add_link_check(source, SourceCheck.Outcome.REACHABLE, checked_at=utc(2026, 11, 23))
    add_link_check(
        source, SourceCheck.Outcome.REDIRECTED, checked_at=utc(2026, 11, 30), final_url="https://tass.example/new"
    )
    add_link_check(source, SourceCheck.Outcome.GONE, link=SourceCheck.Link.ARCHIVE, checked_at=utc(2026, 11, 30))

    data = client.get(f"/api/sources/{source.pk}/").json()

    assert data["archive_url"] == source.archive_url
    assert data["link_check"] == {
        "outcome": "redirected",
        "checked_at": "2026-11-30T00:00:00Z",
        "status_code": 200,
        "final_url": "https://tass.example/new",
    }
    assert data["archive_check"]["outcome"] == "gone"
    assert data["archive_check"]["status_code"] == 404
    assert data["snapshot"] == {
        "sha256": snapshot.sha256,
        "size": len(PAGE),
        "content_type": "text/html",
        "captured_at": "2026-11-29T08:00:00Z",
    }
    assert snapshot.stored_as not in str(data) and "/copies/" not in str(data)


def test_a_source_never_checked_and_without_a_copy_shows_nulls(client):
    make_source("AP", "First prisoner exchange")

    (data,) = client.get("/api/sources/").json()["results"]

    assert (data["archive_url"], data["link_check"], data["archive_check"], data["snapshot"]) == ("", None, None, None)
