"""A database from before issue 11 migrates forward keeping everything: each claim's free-text
speaker becomes a Speaker of its party (in the claims and in their history), the dates of
assessments and claims from month-only sources become month-precise, quotes recorded before the
question keep "not stated" as whose words they are, and the stored current status stops counting
an update that has no evidence. Migrating back gives the speaker's text back."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commitments.models import Claim, Commitment, Evidence, Speaker, StatusUpdate

FIRST = ("commitments", "0015_speakers_precision_support_roles")
# Where the claims' speakers are Speakers (0017 moves the data, 0018 changes the column).
SPEAKERS = ("commitments", "0018_claim_speaker_is_a_speaker")
UTC = dt.UTC


def executor() -> MigrationExecutor:
    found = MigrationExecutor(connection)
    found.loader.build_graph()
    return found


def before_issue_11() -> list[tuple[str, str]]:
    """Return the commitments migrations 0015 follows (0010 on this branch; merges may add more)."""
    parents = executor().loader.graph.node_map[FIRST].parents
    return sorted(node.key for node in parents if node.key[0] == "commitments")


def migrate(targets) -> MigrationExecutor:
    found = executor()
    found.migrate(targets)
    return found


def latest() -> list[tuple[str, str]]:
    return executor().loader.graph.leaf_nodes()


def old_rows(apps) -> dict:
    model = lambda name: apps.get_model("commitments", name)  # noqa: E731
    russia = model("Party").objects.create(slug="russia", name="Russian Federation", kind="state")
    agreement = model("Agreement").objects.create(
        slug="statement",
        title="Statement",
        signed_on=dt.date(2020, 11, 9),
        time_zone="Europe/Moscow",
        entry_into_force=dt.datetime(2020, 11, 9, 21, tzinfo=UTC),
    )
    provision = model("Provision").objects.create(agreement=agreement, number="8", position=8, text="Point 8.")
    common = {"provision": provision, "category": "other", "deadline_kind": "none", "description": "."}
    prisoners = model("Commitment").objects.create(code="prisoners", title="Prisoners", **common)
    deployment = model("Commitment").objects.create(code="deployment", title="Deployment", **common)
    azatutyun = model("Source").objects.create(
        publisher="Azatutyun", title="Report", published_on=dt.date(2020, 12, 7), language="en", kind="news_report"
    )
    panarmenian = model("Source").objects.create(
        publisher="PanARMENIAN Network",
        title="Lavrov",
        published_on=dt.date(2023, 9, 1),
        published_on_precision="month",
        language="en",
        kind="news_report",
    )
    recorded_at = dt.datetime(2024, 1, 1, tzinfo=UTC)
    sourced = model("StatusUpdate").objects.create(
        commitment=prisoners, status="minimal", as_of=dt.date(2020, 12, 7), summary="Begun.", recorded_at=recorded_at
    )
    model("Evidence").objects.create(status_update=sourced, source=azatutyun, quote="Talks continue.")
    # A forged admin POST saved this one with no evidence, and it became the stored current status.
    model("StatusUpdate").objects.create(
        commitment=prisoners,
        status="fulfilled",
        as_of=dt.date(2020, 12, 20),
        summary="Forged.",
        recorded_at=recorded_at,
    )
    model("Commitment").objects.filter(pk=prisoners.pk).update(current_status="fulfilled")
    month = model("StatusUpdate").objects.create(
        commitment=deployment,
        status="fulfilled",
        as_of=dt.date(2023, 9, 1),
        summary="Still there.",
        recorded_at=recorded_at,
    )
    model("Evidence").objects.create(status_update=month, source=panarmenian, quote="Still there.")
    claim = model("Claim").objects.create(
        commitment=deployment,
        party=russia,
        speaker="Sergei Lavrov, Russian foreign minister",
        stated_on=dt.date(2023, 9, 1),
        position="kept",
        summary="Kept.",
        source=panarmenian,
        quote="A bilateral matter.",
        recorded_at=recorded_at,
    )
    model("HistoricalClaim").objects.create(
        id=claim.pk,
        commitment_id=deployment.pk,
        party_id=russia.pk,
        speaker="Sergei Lavrov, Russian foreign minister",
        stated_on=claim.stated_on,
        position="kept",
        summary="Kept.",
        source_id=panarmenian.pk,
        quote="A bilateral matter.",
        recorded_at=recorded_at,
        history_date=recorded_at,
        history_type="+",
    )
    return {"prisoners": prisoners.pk, "deployment": deployment.pk, "claim": claim.pk, "month": month.pk}


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_migrates_forward_and_back_keeping_everything():
    # Each trip across all the later migrations costs seconds (Django renders the models' states
    # for every step), so the database crosses them twice: back to before 0015 and, at the end,
    # forward to the latest. In between it goes through 0015-0018 and back, which is what
    # "migrating back gives the speaker's text back" is about.
    start = before_issue_11()
    migrated = migrate(start)
    try:
        ids = old_rows(migrated.loader.project_state(start).apps)
        after = migrate([SPEAKERS]).loader.project_state([SPEAKERS]).apps
        assert after.get_model("commitments", "Claim").objects.get(pk=ids["claim"]).speaker.name == "Sergei Lavrov"
        back = migrate(start)
        old_apps = back.loader.project_state(start).apps
        assert old_apps.get_model("commitments", "Claim").objects.get(pk=ids["claim"]).speaker == (
            "Sergei Lavrov, Russian foreign minister"
        )
        assert old_apps.get_model("commitments", "HistoricalClaim").objects.get().speaker == (
            "Sergei Lavrov, Russian foreign minister"
        )
    finally:
        migrate(latest())

    lavrov = Speaker.objects.get()
    assert (lavrov.name, lavrov.role, lavrov.party.slug) == ("Sergei Lavrov", "Russian foreign minister", "russia")
    claim = Claim.objects.get(pk=ids["claim"])
    assert (claim.speaker, claim.speech_kind, claim.stated_on_precision) == (lavrov, "", "month")
    assert claim.history.get().speaker_id == lavrov.pk
    assert set(Evidence.objects.values_list("speech_kind", flat=True)) == {""}  # not stated, not guessed
    assert StatusUpdate.objects.get(pk=ids["month"]).as_of_precision == "month"
    assert StatusUpdate.objects.get(as_of=dt.date(2020, 12, 7)).as_of_precision == "day"
    prisoners = Commitment.objects.get(pk=ids["prisoners"])
    assert (prisoners.current_status, prisoners.status_as_of) == ("minimal", dt.date(2020, 12, 7))
    assert StatusUpdate.objects.count() == 3  # the forged update stays on record; it just does not count
