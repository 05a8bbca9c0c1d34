"""Review before publication: a second monitor (never the author) publishes a draft, recording who and
when (shown publicly), or sends it back with a comment its author sees and answers by revising it.
A setting lets a single-monitor deployment publish its own entries, marked "not independently reviewed"."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commitments.models import Evidence, Status, StatusUpdate
from commitments.review import ReviewConflict, publish
from tests.factories import karabakh_like, loaded_once_per_module, make_monitor, read_afresh

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def build_desk() -> SimpleNamespace:
    data = karabakh_like()
    group = Group.objects.get(name="Monitors")
    data.author, data.reviewer = make_monitor("author"), make_monitor("reviewer")
    data.author.groups.add(group)
    data.reviewer.groups.add(group)
    data.draft = StatusUpdate.objects.record(
        commitment=data.route,
        status=Status.NOT_STARTED,
        as_of=dt.date(2020, 12, 1),
        summary="No plan yet.",
        evidence=[Evidence(source=data.tass, quote="No plan was presented.")],
        as_of_precision=None,
        recorded_by=data.author,
    )
    return data


@pytest.fixture(scope="module")
def desk_in_the_database(django_db_setup, django_db_blocker):
    """The desk, built once for the module's tests (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, build_desk)


@pytest.fixture
def desk(desk_in_the_database, db) -> SimpleNamespace:
    return read_afresh(desk_in_the_database)


def page_of(entry) -> str:
    return reverse("admin:commitments_statusupdate_change", args=[entry.pk])


def review(client, entry, **post):
    return client.post(reverse("admin:commitments_statusupdate_review", args=[entry.pk]), post)


def test_a_new_entry_is_a_draft_in_the_queue_of_other_monitors_only(client, desk):
    assert desk.draft.review_state == "draft"

    client.force_login(desk.reviewer)
    index = client.get(reverse("admin:index")).content.decode()
    queue = client.get(reverse("admin:review_queue")).content.decode()
    client.force_login(desk.author)
    authors_queue = client.get(reverse("admin:review_queue")).content.decode()

    assert "1 entry awaits your review" in index
    assert "No plan yet." in queue and "1 entry awaits your review." in queue
    assert "0 entries await your review." in authors_queue
    assert "awaiting a second monitor" in authors_queue  # listed among the author's own drafts


def test_the_author_cannot_publish_their_own_entry(client, desk):
    client.force_login(desk.author)
    response = review(client, desk.draft, _publish="1")

    assert response.status_code == 302
    desk.draft.refresh_from_db()
    assert desk.draft.review_state == "draft"
    with pytest.raises(PermissionDenied):
        publish(desk.draft, by=desk.author, now=NOW)
    assert "cannot publish or send back your own" in client.get(page_of(desk.draft)).content.decode()


def test_a_second_monitor_publishes_it_and_the_public_page_says_so(client, desk):
    client.force_login(desk.reviewer)
    response = review(client, desk.draft, _publish="1")

    assert response.status_code == 302
    desk.draft.refresh_from_db()
    assert (desk.draft.review_state, desk.draft.published_via, desk.draft.reviewed_by) == (
        "published",
        "review",
        desk.reviewer,
    )
    assert desk.draft.reviewed_at is not None
    client.logout()
    public = client.get(desk.route.get_absolute_url()).content.decode()
    assert "No plan yet." in public and "Reviewed by a second monitor on" in public
    api = client.get(f"/api/status-updates/{desk.draft.pk}/").json()
    assert api["published_via"] == "review" and api["reviewed_at"]


def test_publishing_twice_is_refused_the_second_time(desk):
    other = make_monitor("other")
    other.groups.add(Group.objects.get(name="Monitors"))
    stale = StatusUpdate.objects.get(pk=desk.draft.pk)

    publish(desk.draft, by=desk.reviewer, now=NOW)
    with pytest.raises((ReviewConflict, PermissionDenied)):
        publish(stale, by=other, now=NOW)
    stale.review_state = "draft"  # as a second reviewer's page still shows it
    with pytest.raises(ReviewConflict):
        publish(stale, by=other, now=NOW)
    assert StatusUpdate.objects.get(pk=desk.draft.pk).reviewed_by == desk.reviewer


def test_sent_back_with_a_comment_the_author_sees_revises_and_it_returns_to_the_queue(client, desk):
    client.force_login(desk.reviewer)
    refused = review(client, desk.draft, _send_back="1", comment="  ")
    desk.draft.refresh_from_db()
    assert desk.draft.review_state == "draft"  # a comment is required
    assert refused.status_code == 302

    review(client, desk.draft, _send_back="1", comment="The source says talks continue: check the status.")
    desk.draft.refresh_from_db()
    assert (desk.draft.review_state, desk.draft.reviewed_by) == ("returned", desk.reviewer)

    client.force_login(desk.author)
    assert "1 of yours sent back" in client.get(reverse("admin:index")).content.decode()
    page = client.get(page_of(desk.draft))
    assert "The source says talks continue: check the status." in page.content.decode()
    assert page.context["has_change_permission"]  # the author revises it
    data = {
        "commitment": desk.route.pk,
        "status": "minimal",
        "as_of": "2020-12-01",
        "precision": "day",
        "summary": "Talks on a plan continue.",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "1",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-id": str(desk.draft.evidence.get().pk),
        "evidence-0-status_update": str(desk.draft.pk),
        "evidence-0-source": str(desk.tass.pk),
        "evidence-0-quote": "No plan was presented.",
        "evidence-0-is_verbatim": "on",
        "evidence-0-speech_kind": "source",
        "evidence-0-new_source_precision": "day",
        "evidence-0-new_source_language": "en",
        "evidence-0-new_source_kind": "news_report",
    }
    response = client.post(page_of(desk.draft), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    desk.draft.refresh_from_db()
    assert (desk.draft.review_state, desk.draft.status) == ("draft", "minimal")
    client.force_login(desk.reviewer)
    assert "Talks on a plan continue." in client.get(reverse("admin:review_queue")).content.decode()


def test_a_draft_opened_by_another_monitor_is_view_only(client, desk):
    client.force_login(desk.reviewer)
    page = client.get(page_of(desk.draft))

    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert 'data-testid="publish"' in page.content.decode()
    assert client.post(page_of(desk.draft), {"summary": "Rewritten."}).status_code == 403


def test_saving_an_unchanged_draft_logs_no_change(client, desk):
    client.force_login(desk.author)
    page = client.get(page_of(desk.draft))
    history = desk.draft.history.count()
    data = {
        "commitment": desk.route.pk,
        "status": desk.draft.status,
        "as_of": "2020-12-01",
        "precision": "day",
        "summary": desk.draft.summary,
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "1",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-id": str(desk.draft.evidence.get().pk),
        "evidence-0-status_update": str(desk.draft.pk),
        "evidence-0-source": str(desk.tass.pk),
        "evidence-0-quote": "No plan was presented.",
        "evidence-0-is_verbatim": "on",
        "evidence-0-speech_kind": "source",
        "evidence-0-new_source_precision": "day",
        "evidence-0-new_source_language": "en",
        "evidence-0-new_source_kind": "news_report",
    }
    assert page.status_code == 200

    response = client.post(page_of(desk.draft), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert not LogEntry.objects.filter(object_id=str(desk.draft.pk)).exists()
    assert desk.draft.history.count() == history


def test_a_single_monitor_deployment_publishes_its_own_entries_marked_not_independently_reviewed(
    client, desk, settings
):
    settings.REVIEW_ALLOW_SELF_PUBLISH = True
    client.force_login(desk.author)
    assert "Publish (not independently reviewed)" in client.get(page_of(desk.draft)).content.decode()

    review(client, desk.draft, _publish="1")

    desk.draft.refresh_from_db()
    assert (desk.draft.review_state, desk.draft.published_via) == ("published", "author")
    client.logout()
    assert "Not independently reviewed" in client.get(desk.route.get_absolute_url()).content.decode()


def test_only_a_signed_in_monitor_sees_the_recording_links_on_a_public_page(client, desk):
    url = desk.route.get_absolute_url()
    assert b"monitor-desk" not in client.get(url).content  # cached for the public
    client.force_login(desk.author)
    page = client.get(url).content.decode()
    assert "monitor-desk" in page
    assert f"/admin/commitments/statusupdate/add/?commitment={desk.route.pk}" in page
    client.logout()
    assert b"monitor-desk" not in client.get(url).content
