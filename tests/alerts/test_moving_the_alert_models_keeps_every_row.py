"""A database at the last migration of the one-app layout migrates to the apps' layout with
every row, key, permission and history record intact (alerts/migrations/0001 and 0002).

The domain rows (with their audit history) are written first, the alert rows in the old
tables (commitments_*) at the old migration; then the database migrates forward.
"""

import datetime as dt
import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alerts.models import AlertDelivery, DeadlineEvent, JobRun, MonitorSubscription, Subscriber, SubscribeRequest
from commitments.models import Commitment, StatusUpdate
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
UTC = dt.UTC


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


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


@pytest.mark.django_db(transaction=True)
def test_the_alert_rows_permissions_and_history_survive_the_move_to_their_app():
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
        ids = alert_rows_in_the_old_tables(old_apps, rows)
    finally:
        migrate(latest())

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
