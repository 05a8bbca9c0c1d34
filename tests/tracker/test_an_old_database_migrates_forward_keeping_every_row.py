"""A database from the one-app layout (commitments 0009) migrates forward through every later
migration keeping everything.

- The alert rows move to their app (alerts 0001 and 0002) with every row, key, permission and
  history record intact. The domain rows (with their audit history) are written first with the
  models of today, the alert rows in the old tables (commitments_*) at 0009.
- From before issue 11 (the migrations 0015 follows): each claim's free-text speaker becomes a
  Speaker of its party (in the claims and in their history), the dates of assessments and claims
  from month-only sources become month-precise, quotes recorded before the question keep "not
  stated" as whose words they are, and the stored current status stops counting an update that
  has no evidence. Migrating back gives the speaker's text back.

One test, one trip: each crossing of the later migrations costs seconds (Django renders the
models' states for every step), so the database goes back once, stops at each old layout to
write what a database of that time held, and goes forward once.
"""

import datetime as dt
import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alerts.models import AlertDelivery, DeadlineEvent, JobRun, MonitorSubscription, Subscriber, SubscribeRequest
from commitments.models import Claim, Commitment, Evidence, Speaker, StatusUpdate
from tests.factories import add_status, make_commitment, make_party

BEFORE_THE_MOVE = [("commitments", "0009_feed_indexes"), ("alerts", None)]
MOVED = ["jobrun", "subscriberequest", "deadlineevent", "monitorsubscription", "subscriber", "alertdelivery"]
MONITOR_CODENAMES = {
    "add_monitorsubscription",
    "view_monitorsubscription",
    "delete_monitorsubscription",
    "view_deadlineevent",
    "view_alertdelivery",
}
ISSUE_11 = ("commitments", "0015_speakers_precision_support_roles")
# Where the claims' speakers are Speakers (0017 moves the data, 0018 changes the column).
SPEAKERS = ("commitments", "0018_claim_speaker_is_a_speaker")
UTC = dt.UTC


def executor() -> MigrationExecutor:
    found = MigrationExecutor(connection)
    found.loader.build_graph()
    return found


def migrate(targets) -> MigrationExecutor:
    found = executor()
    found.migrate(targets)
    return found


def latest() -> list[tuple[str, str]]:
    return executor().loader.graph.leaf_nodes()


def before_issue_11() -> list[tuple[str, str]]:
    """Return the commitments migrations 0015 follows."""
    parents = executor().loader.graph.node_map[ISSUE_11].parents
    return sorted(node.key for node in parents if node.key[0] == "commitments")


def domain_rows() -> dict:
    """Write an agreement with a commitment and an assessment through the real models (audited)."""
    commitment = make_commitment(deadline=dt.date(2020, 11, 15))
    add_status(commitment, "fulfilled", dt.date(2020, 11, 25))
    monitor = User.objects.create_user("monitor", email="monitor@example.org", is_staff=True)
    commitment.agreement.monitors.add(monitor)
    return {"party": make_party(), "agreement": commitment.agreement, "commitment": commitment, "monitor": monitor}


def alert_rows_in_the_old_tables(old_apps, rows: dict) -> dict:
    """Write one row of every alert model with the models as they were before the move."""
    model = lambda name: old_apps.get_model("commitments", name)  # noqa: E731
    now = dt.datetime(2020, 11, 16, 8, 0, tzinfo=UTC)
    event = model("DeadlineEvent").objects.create(
        commitment_id=rows["commitment"].pk,
        kind="went_overdue",
        deadline=dt.date(2020, 11, 15),
        deadline_ends_at=dt.datetime(2020, 11, 15, 21, 0, tzinfo=UTC),
        occurred_at=dt.datetime(2020, 11, 15, 21, 0, tzinfo=UTC),
        detected_at=now,
        days_overdue=1,
        alerts_queued=True,
    )
    closing = model("DeadlineEvent").objects.create(
        commitment_id=rows["commitment"].pk,
        kind="fulfilled_late",
        closes=event,
        deadline=dt.date(2020, 11, 15),
        deadline_ends_at=dt.datetime(2020, 11, 15, 21, 0, tzinfo=UTC),
        occurred_at=now,
        detected_at=now,
        days_late=10,
        alerts_queued=True,
    )
    subscriber = model("Subscriber").objects.create(
        email="reader@example.org", confirmed_at=now, categories=["ceasefire"]
    )
    subscriber.agreements.add(rows["agreement"].pk)
    subscriber.parties.add(rows["party"].pk)
    model("MonitorSubscription").objects.create(user_id=rows["monitor"].pk, agreement_id=rows["agreement"].pk)
    delivery = model("AlertDelivery").objects.create(
        event=event,
        to_email="reader@example.org",
        subscriber=subscriber,
        status="sent",
        attempts=1,
        created_at=now,
        next_attempt_at=now,
        sent_at=now,
    )
    model("AlertDelivery").objects.create(
        event=closing,
        to_email="monitor@example.org",
        monitor_id=rows["monitor"].pk,
        created_at=now,
        next_attempt_at=now,
    )
    model("SubscribeRequest").objects.create(client_key="c" * 64, email_key="e" * 64, requested_at=now)
    model("JobRun").objects.create(name="flag_deadline_events", started_at=now, finished_at=now, counts={"flagged": 2})
    return {"event": event.pk, "closing": closing.pk, "subscriber": subscriber.pk, "delivery": delivery.pk}


def rows_from_before_issue_11(apps) -> dict:
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
def test_a_database_from_the_one_app_layout_migrates_forward_and_back_keeping_everything():
    rows = domain_rows()
    history_before = {
        "commitment": Commitment.history.count(),
        "status update": StatusUpdate.history.count(),
        "user": User.history.count(),
    }
    executor = migrate(BEFORE_THE_MOVE)
    try:
        old_apps = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
        # The Monitors group as the old migrations left it (a flushed test database has none).
        importlib.import_module("commitments.migrations.0002_monitors_group").create_monitors_group(old_apps, None)
        importlib.import_module("commitments.migrations.0005_alerts_monitor_permissions").grant(old_apps, None)
        alert_ids = alert_rows_in_the_old_tables(old_apps, rows)

        start = before_issue_11()
        ids = rows_from_before_issue_11(migrate(start).loader.project_state(start).apps)
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

    the_alert_rows_moved_to_their_app(rows, alert_ids, history_before)
    the_rows_from_before_issue_11_moved_forward(ids)


def the_alert_rows_moved_to_their_app(rows: dict, ids: dict, history_before: dict) -> None:
    assert {
        name: count
        for name, count in [
            ("events", DeadlineEvent.objects.count()),
            ("subscribers", Subscriber.objects.count()),
            ("opt-ins", MonitorSubscription.objects.count()),
            ("deliveries", AlertDelivery.objects.count()),
            ("requests", SubscribeRequest.objects.count()),
            ("job runs", JobRun.objects.count()),
        ]
    } == {"events": 2, "subscribers": 1, "opt-ins": 1, "deliveries": 2, "requests": 1, "job runs": 1}
    closing = DeadlineEvent.objects.get(pk=ids["closing"])
    assert (closing.closes_id, closing.commitment, closing.days_late) == (ids["event"], rows["commitment"], 10)
    delivery = AlertDelivery.objects.get(pk=ids["delivery"])
    assert (delivery.event_id, delivery.subscriber_id, delivery.status) == (ids["event"], ids["subscriber"], "sent")
    assert AlertDelivery.objects.get(monitor=rows["monitor"]).event_id == ids["closing"]
    subscriber = Subscriber.objects.get()
    assert (list(subscriber.agreements.all()), list(subscriber.parties.all())) == ([rows["agreement"]], [rows["party"]])
    assert MonitorSubscription.objects.get().agreement == rows["agreement"]
    assert JobRun.objects.get().counts == {"flagged": 2}

    # Content types moved with the models, so the Monitors group keeps its grants.
    assert not ContentType.objects.filter(app_label="commitments", model__in=MOVED).exists()
    granted = set(
        Group.objects.get(name="Monitors")
        .permissions.filter(content_type__app_label="alerts")
        .values_list("codename", flat=True)
    )
    # ... plus what later migrations grant (requeue, webhook endpoints).
    later = importlib.import_module("alerts.migrations.0004_requeue_and_webhook_permissions").CODENAMES
    assert granted == MONITOR_CODENAMES | set(later)
    assert Permission.objects.filter(content_type__app_label="alerts", codename="view_alertdelivery").count() == 1

    # The audit history of the domain is untouched.
    assert {
        "commitment": Commitment.history.count(),
        "status update": StatusUpdate.history.count(),
        "user": User.history.count(),
    } == history_before

    # Every foreign key points at a row that exists.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
        tables = set(connection.introspection.table_names(cursor))
    assert {f"alerts_{name}" for name in MOVED} | {
        "alerts_subscriber_agreements",
        "alerts_subscriber_parties",
    } <= tables
    assert not {f"commitments_{name}" for name in MOVED} & tables


def the_rows_from_before_issue_11_moved_forward(ids: dict) -> None:
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
    # The forged update stays on record; it just does not count.
    assert StatusUpdate.objects.filter(commitment__in=[ids["prisoners"], ids["deployment"]]).count() == 3
