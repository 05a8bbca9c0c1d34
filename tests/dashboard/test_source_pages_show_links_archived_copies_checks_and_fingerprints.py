"""The public source page and list show the link, the archived copy, what the latest check found
("Checked on <date>: reachable / redirected / gone / changed") and the stored copy's fingerprint."""

import pytest
from django.urls import reverse

from commitments.models import SourceCheck
from tests.conftest import utc
from tests.factories import add_link_check, make_snapshot, make_source

pytestmark = pytest.mark.django_db

Outcome = SourceCheck.Outcome
PAGE = b"<!DOCTYPE html><html><body><p>The exchange has not yet begun.</p></body></html>"


@pytest.fixture
def source(db):
    return make_source(
        "Azatutyun",
        "Lavrov and Ayvazian on the prisoner exchange",
        url="https://www.azatutyun.am/a/30988000.html",
        archive_url="https://web.archive.org/web/20201207/https://www.azatutyun.am/a/30988000.html",
    )


def page(client, source) -> str:
    return client.get(reverse("dashboard:source_detail", args=[source.pk])).content.decode()


def test_the_page_links_the_source_and_its_archived_copy(client, source):
    html = page(client, source)

    assert f'href="{source.url}"' in html
    assert f'href="{source.archive_url}"' in html
    assert html.count("Not checked yet.") == 2


def test_the_page_says_when_each_link_was_checked_and_what_was_found(client, source):
    add_link_check(source, Outcome.REACHABLE, checked_at=utc(2026, 11, 23))
    add_link_check(source, Outcome.GONE, checked_at=utc(2026, 11, 30), status_code=410)
    add_link_check(
        source,
        Outcome.REDIRECTED,
        link=SourceCheck.Link.ARCHIVE,
        checked_at=utc(2026, 11, 30),
        final_url="https://web.archive.org/web/20201207101500/https://www.azatutyun.am/a/30988000.html",
    )

    html = page(client, source)

    assert "Checked on Nov. 30, 2026:\ngone (HTTP 410)" in html
    assert "Checked on Nov. 30, 2026:\nredirected to" in html
    assert 'href="https://web.archive.org/web/20201207101500/https://www.azatutyun.am/a/30988000.html"' in html
    assert "Nov. 23, 2026" not in html  # the latest check only


def test_a_page_changed_since_its_stored_copy_says_so(client, source, snapshot_storage):
    make_snapshot(source, PAGE)
    add_link_check(source, Outcome.CHANGED)

    assert "changed since the stored copy" in page(client, source)


def test_the_page_shows_each_stored_copy_s_fingerprint_size_and_capture_date(client, source, snapshot_storage):
    snapshot = make_snapshot(source, PAGE, captured_at=utc(2026, 11, 30, 12, 0))

    html = page(client, source)

    assert snapshot.sha256 in html
    assert f"Captured Nov. 30, 2026, noon UTC: HTML, {len(PAGE)}\xa0bytes" in html


def test_the_list_shows_each_source_s_latest_check_and_stored_copy(client, source, snapshot_storage):
    make_snapshot(source, PAGE, captured_at=utc(2026, 11, 30, 12, 0))
    add_link_check(source, Outcome.REACHABLE, checked_at=utc(2026, 11, 30))
    make_source("AP", "First prisoner exchange")

    html = client.get(reverse("dashboard:source_list")).content.decode()

    assert "Checked on Nov. 30, 2026:\nreachable" in html
    assert "captured Nov. 30, 2026" in html
    assert f'href="{source.archive_url}"' in html


def test_pages_that_cite_a_source_link_its_archived_copy(client, source):
    from tests.factories import add_status, make_commitment

    commitment = make_commitment()
    add_status(commitment, "minimal", source.published_on, source, "The exchange has not yet begun.")

    html = client.get(commitment.get_absolute_url()).content.decode()

    assert f'href="{source.archive_url}"' in html


def test_a_new_check_and_a_new_copy_show_at_once_on_a_cached_page(client, source, snapshot_storage):
    page(client, source)  # now cached

    add_link_check(source, Outcome.GONE, checked_at=utc(2026, 11, 30))
    snapshot = make_snapshot(source, PAGE)
    html = page(client, source)

    assert "gone (HTTP 404)" in html
    assert snapshot.sha256 in html
