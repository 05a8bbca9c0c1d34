"""Drafts never leak: an assessment, a correction, claims and a deadline change recorded as drafts
change nothing any public surface shows or any derived state counts — pages (rendered afresh and
from the page cache), the data version and ETags, the API, the exports, the feeds, the calendars,
the corrections log, the public seed download, the stored states on Commitment, the counts, and
the overdue flagging that alerts and webhooks come from. Published by a second monitor, every one
of them shows and counts everywhere.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Claim, Commitment, DataVersion, DeadlineChange, Evidence, Status, StatusUpdate
from commitments.review import publish
from tests.factories import karabakh_like, make_monitor

pytestmark = pytest.mark.django_db

MARK = "UNREVIEWED-7Q"  # in every draft's text: it must appear nowhere until published
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def public_addresses(data) -> list[str]:
    slug = data.agreement.slug
    commitments = [data.aghdam, data.kalbajar, data.route, data.prisoners]
    return [
        "/",
        "/commitments/",
        "/commitments/?disputed=yes",
        "/commitments/?contested=yes",
        "/commitments/?overdue=yes",
        "/commitments/?status=violated",
        *(f"/commitments/{commitment.pk}/" for commitment in commitments),
        f"/agreements/{slug}/",
        "/sources/",
        *(f"/sources/{source.pk}/" for source in (data.tass, data.azatutyun, data.al_jazeera)),
        "/corrections/",
        "/methodology/",
        "/api/commitments/",
        *(f"/api/commitments/{commitment.pk}/" for commitment in commitments),
        "/api/status-updates/",
        "/api/claims/",
        "/api/sources/",
        "/commitments/export.csv",
        "/commitments/export.json",
        f"/agreements/{slug}/export.json",
        "/feed.atom",
        f"/agreements/{slug}/feed.atom",
        *(f"/commitments/{commitment.pk}/feed.atom" for commitment in commitments),
        "/corrections.atom",
        "/commitments/deadlines.ics",
        f"/agreements/{slug}/deadlines.ics",
    ]


def everything_public(client, addresses) -> dict[str, tuple[bytes, str | None]]:
    """Return the body and ETag of every public address, rendered afresh (the page cache emptied)."""
    cache.clear()
    answers = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        answers[address] = (response.content, response.get("ETag"))
    return answers


def derived_states() -> dict:
    commitments = Commitment.objects.order_by("pk")
    return {
        "stored": list(
            commitments.values_list(
                "pk", "current_status", "status_as_of", "fulfilled_at", "deadline_in_force", "deadline_ends_at"
            )
        ),
        "disputed": list(commitments.disputed().values_list("pk", flat=True)),
        "contested": list(commitments.contested().values_list("pk", flat=True)),
        "overdue": list(commitments.overdue(NOW).values_list("pk", flat=True)),
        "counts": {
            agreement: (counts.by_status, counts.overdue, counts.disputed, counts.contested)
            for agreement, counts in Commitment.objects.counts_by_agreement(NOW).items()
        },
        "current": list(StatusUpdate.objects.current().values_list("pk", flat=True)),
        "data version": DataVersion.current(),
    }


@pytest.fixture
def monitors(db):
    group = Group.objects.get(name="Monitors")
    author, reviewer = make_monitor("author"), make_monitor("reviewer")
    author.groups.add(group)
    reviewer.groups.add(group)
    return author, reviewer


def record_drafts(data, author) -> list:
    """Record, as `author`, one draft of every kind, each of which would change what the public sees."""
    draft = {"review_state": "draft", "recorded_by": author}
    assessment = StatusUpdate.objects.record(
        commitment=data.route,
        status=Status.VIOLATED,
        as_of=dt.date(2020, 12, 1),
        summary=f"{MARK}: the route plan was abandoned.",
        evidence=[Evidence(source=data.tass, quote=f"{MARK} quoted passage.")],
        as_of_precision=None,
        **draft,
    )
    correction = StatusUpdate.objects.record(
        commitment=data.aghdam,
        status=Status.NOT_STARTED,
        as_of=dt.date(2020, 11, 20),
        summary=f"{MARK}: Aghdam was not handed over after all.",
        corrects=data.aghdam.status_updates.get(),
        correction_reason=f"{MARK}: the earlier report was wrong.",
        evidence=[Evidence(source=data.al_jazeera, quote=f"{MARK} correction passage.")],
        as_of_precision=None,
        **draft,
    )
    disputing = Claim.objects.create(
        commitment=data.aghdam,
        party=data.armenia,
        speaker=data.ayvazian.speaker,
        stated_on=dt.date(2020, 12, 7),
        position=Claim.Position.REINTERPRETS,
        summary=f"{MARK}: says the point means something else.",
        source=data.azatutyun,
        quote=f"{MARK} what was said.",
        **draft,
    )
    contesting = Claim.objects.create(
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
    change = DeadlineChange.objects.create(
        commitment=data.route,
        new_deadline=dt.date(2021, 1, 1),
        decided_on=dt.date(2020, 12, 1),
        reason=f"{MARK}: the parties agreed an earlier plan.",
        source=data.tass,
        quote=f"{MARK} deadline passage.",
        **draft,
    )
    change.agreed_by.set([data.armenia, data.azerbaijan])
    return [assessment, correction, disputing, contesting, change]


def test_drafts_change_nothing_public_and_publishing_them_changes_everything(client, monitors):
    author, reviewer = monitors
    with time_machine.travel(NOW, tick=False):
        data = karabakh_like()
        addresses = public_addresses(data)
        flagging.flag_deadline_events(NOW)
        events_before = DeadlineEvent.objects.count()
        client.get("/")  # the home page in the page cache, under the current data version
        before, states_before = everything_public(client, addresses), derived_states()
        cached_home = client.get("/").content

        drafts = record_drafts(data, author)

        # Not shown: every address answers exactly as before (same body, same ETag)…
        after = everything_public(client, addresses)
        for address in addresses:
            assert MARK.encode() not in after[address][0], address
            assert after[address] == before[address], address
        # …from the page cache as well (the data version did not move), and counted nowhere.
        assert client.get("/").content == cached_home
        assert derived_states() == states_before
        flagging.flag_deadline_events(NOW)
        assert DeadlineEvent.objects.count() == events_before
        # The API knows no draft, even by its address.
        for entry in drafts[:4]:
            kind = "status-updates" if isinstance(entry, StatusUpdate) else "claims"
            assert client.get(f"/api/{kind}/{entry.pk}/").status_code == 404

        for entry in drafts:
            publish(entry, by=reviewer, now=NOW)

        published = everything_public(client, addresses)
        states = derived_states()
        route, aghdam, kalbajar = (
            Commitment.objects.get(pk=commitment.pk) for commitment in (data.route, data.aghdam, data.kalbajar)
        )

    # Shown everywhere its kind is shown.
    for address in [
        f"/commitments/{data.route.pk}/",
        f"/commitments/{data.aghdam.pk}/",
        f"/commitments/{data.kalbajar.pk}/",
        "/api/status-updates/",
        "/api/claims/",
        f"/agreements/{data.agreement.slug}/export.json",
        "/feed.atom",
        f"/commitments/{data.route.pk}/feed.atom",
        "/corrections/",
        "/corrections.atom",
        f"/sources/{data.tass.pk}/",
    ]:
        assert MARK.encode() in published[address][0], address
    # Everything changed (the open data's ETags at least) but the pages the drafts are not about.
    unchanged = [address for address in addresses if published[address] == before[address]]
    assert unchanged == [f"/commitments/{data.prisoners.pk}/", "/methodology/"]
    # Counted in every derived state.
    assert (route.current_status, route.deadline_in_force) == (Status.VIOLATED, dt.date(2021, 1, 1))
    assert aghdam.current_status == Status.NOT_STARTED  # the correction took effect
    assert kalbajar.has_contesting_claims() and aghdam.has_conflicting_claims()
    assert kalbajar.is_contested and aghdam.is_disputed  # the stored flags
    assert {data.aghdam.pk} <= set(states["disputed"]) and data.kalbajar.pk in states["contested"]
    assert data.route.pk in states["overdue"]
    assert states["data version"] > states_before["data version"]
    assert b"20210101" in published[f"/agreements/{data.agreement.slug}/deadlines.ics"][0]
    # The alerts come from the stored state: the route's deadline now passed is flagged.
    flagging.flag_deadline_events(NOW)
    assert DeadlineEvent.objects.filter(commitment=data.route, kind=DeadlineEvent.Kind.WENT_OVERDUE).exists()


def test_the_row_and_queryset_forms_of_published_agree(monitors):
    author, reviewer = monitors
    data = karabakh_like()
    drafts = record_drafts(data, author)
    publish(drafts[0], by=reviewer, now=NOW)

    for model in (StatusUpdate, Claim, DeadlineChange):
        rows = list(model.objects.all())
        assert {row.pk for row in rows if row.is_published()} == set(
            model.objects.published().values_list("pk", flat=True)
        )
        assert any(not row.is_published() for row in rows)


def test_a_draft_correction_corrects_nothing_until_published(monitors):
    author, reviewer = monitors
    data = karabakh_like()
    original = data.aghdam.status_updates.get()
    [_, correction, *_] = record_drafts(data, author)

    assert original in StatusUpdate.objects.standing()
    assert not StatusUpdate.objects.with_is_corrected().get(pk=original.pk).is_corrected
    publish(correction, by=reviewer, now=NOW)
    assert original not in StatusUpdate.objects.standing()
    assert StatusUpdate.objects.with_is_corrected().get(pk=original.pk).is_corrected
