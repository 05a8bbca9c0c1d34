"""The link check fetches each source's address and archived copy from a real HTTP server on
loopback and records what it found: reachable, redirected (to where), gone or changed."""

import datetime as dt
import hashlib

import pytest

from commitments.link_checks import check_source, fetch
from commitments.models import SourceCheck
from tests.conftest import utc
from tests.factories import make_snapshot, make_source

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 3, 30)
ARTICLE = b"<!DOCTYPE html><html><body><p>Lavrov and Ayvazian on the prisoner exchange.</p></body></html>"


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.SOURCE_LINK_CHECK_TIMEOUT = 0.2
    settings.SOURCE_LINK_CHECK_USER_AGENT = "CeasefireTracker-LinkCheck/test"


def checked(source) -> SourceCheck:
    (check,) = check_source(source, NOW)
    check.refresh_from_db()
    return check


def test_a_page_that_answers_is_reachable_and_its_content_hashed(web_server):
    source = make_source(url=web_server.page("/article", ARTICLE))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.REACHABLE
    assert (check.status_code, check.final_url, check.error) == (200, "", "")
    assert check.content_sha256 == hashlib.sha256(ARTICLE).hexdigest()
    assert (check.link, check.url, check.checked_at) == (SourceCheck.Link.URL, source.url, NOW)


def test_the_checker_says_who_it_is(web_server):
    source = make_source(url=web_server.page("/article", ARTICLE))

    checked(source)

    (path, headers), *_ = web_server.requests
    assert headers["User-Agent"] == "CeasefireTracker-LinkCheck/test"


def test_a_redirect_is_followed_and_where_it_led_recorded(web_server):
    final = web_server.page("/2020/12/07/article", ARTICLE)
    source = make_source(url=web_server.redirect("/a/30988000.html", final))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.REDIRECTED
    assert check.final_url == final
    assert check.status_code == 200
    assert "redirected to " + final == check.describe()


def test_a_missing_page_is_gone_with_its_status(web_server):
    source = make_source(url=web_server.url("/deleted"))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert check.status_code == 404
    assert check.describe() == "gone (HTTP 404)"


def test_a_server_error_is_gone(web_server):
    web_server.page("/broken", b"oops", status=503)
    source = make_source(url=web_server.url("/broken"))

    assert checked(source).outcome == SourceCheck.Outcome.GONE


def test_a_page_that_does_not_answer_in_time_is_gone_as_timed_out(web_server):
    source = make_source(url=web_server.hold("/slow"))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert check.status_code is None
    assert "timed out" in check.error


def test_a_page_that_differs_from_its_stored_copy_is_changed(web_server, snapshot_storage):
    source = make_source(url=web_server.page("/article", ARTICLE + b"<!-- edited -->"))
    snapshot = make_snapshot(source, ARTICLE)

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.CHANGED
    assert check.compared_snapshot == snapshot
    assert check.content_sha256 != snapshot.sha256


def test_a_page_identical_to_its_stored_copy_is_reachable(web_server, snapshot_storage):
    source = make_source(url=web_server.page("/article", ARTICLE))
    make_snapshot(source, ARTICLE)

    assert checked(source).outcome == SourceCheck.Outcome.REACHABLE


def test_the_latest_stored_copy_is_the_one_compared(web_server, snapshot_storage):
    edited = ARTICLE + b"<!-- edited -->"
    source = make_source(url=web_server.page("/article", edited))
    make_snapshot(source, ARTICLE, captured_at=utc(2026, 11, 1))
    latest = make_snapshot(source, edited, captured_at=utc(2026, 11, 20))

    check = checked(source)

    assert (check.outcome, check.compared_snapshot) == (SourceCheck.Outcome.REACHABLE, latest)


def test_the_archived_copy_is_checked_too_and_never_called_changed(web_server, snapshot_storage):
    source = make_source(
        url=web_server.page("/article", ARTICLE), archive_url=web_server.page("/web/2020/article", b"<html>wrapped")
    )
    make_snapshot(source, ARTICLE)

    checks = {check.link: check for check in check_source(source, NOW)}

    assert checks[SourceCheck.Link.URL].outcome == SourceCheck.Outcome.REACHABLE
    assert checks[SourceCheck.Link.ARCHIVE].outcome == SourceCheck.Outcome.REACHABLE
    assert checks[SourceCheck.Link.ARCHIVE].url == source.archive_url
    assert checks[SourceCheck.Link.ARCHIVE].compared_snapshot is None


def test_a_redirect_to_another_scheme_is_not_followed(web_server):
    source = make_source(url=web_server.redirect("/elsewhere", "file:///etc/passwd"))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert "redirect refused" in check.error
    assert check.final_url == "file:///etc/passwd"
    assert [path for path, _ in web_server.requests] == ["/elsewhere"]


def test_a_page_larger_than_the_limit_is_not_read_whole_nor_called_changed(web_server, snapshot_storage, settings):
    source = make_source(url=web_server.page("/big", b"x" * 5000, content_type="text/plain"))
    make_snapshot(source, b"a different, smaller text", name="page.txt")
    settings.SOURCE_SNAPSHOT_MAX_BYTES = 1000

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.REACHABLE
    assert check.content_sha256 == ""


def test_in_the_tests_only_loopback_addresses_are_fetched():
    fetched = fetch(
        "https://www.azatutyun.am/a/30988000.html", timeout=0.2, user_agent="test", max_bytes=1000, loopback_only=True
    )

    assert fetched.status_code is None
    assert "only loopback addresses" in fetched.error


def test_the_test_settings_keep_the_checker_on_loopback(settings):
    assert settings.SOURCE_LINK_CHECK_LOOPBACK_ONLY is True
    source = make_source(url="https://example.org/report")

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert "only loopback addresses" in check.error


def test_a_redirect_away_from_loopback_is_refused_in_the_tests(web_server):
    source = make_source(url=web_server.redirect("/out", "https://example.org/report"))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert check.final_url == "https://example.org/report"


def test_checks_are_history_each_run_adds_a_row(web_server):
    source = make_source(url=web_server.page("/article", ARTICLE))

    check_source(source, NOW)
    web_server.routes.pop("/article")
    check_source(source, NOW + dt.timedelta(days=7))

    outcomes = list(source.link_checks.values_list("outcome", flat=True))
    assert outcomes == [SourceCheck.Outcome.GONE, SourceCheck.Outcome.REACHABLE]
    assert source.latest_check(SourceCheck.Link.URL).outcome == SourceCheck.Outcome.GONE


def test_a_redirect_loop_is_gone_and_says_why(web_server):
    web_server.redirect("/a", web_server.url("/b"))
    source = make_source(url=web_server.redirect("/b", web_server.url("/a")))

    check = checked(source)

    assert check.outcome == SourceCheck.Outcome.GONE
    assert "infinite loop" in check.error
