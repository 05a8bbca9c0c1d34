"""A given-up delivery is no dead end: the requeue_alerts command (by event, channel and age) and an
admin action for monitors with the permission put it back; requeuing twice sends nothing twice."""

import datetime as dt
import smtplib

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from alerts import flagging, sending
from alerts.models import AlertDelivery, WebhookEndpoint
from tests.alerts.test_alert_sender import SpyConnection
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db

Status = AlertDelivery.Status
NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)


@pytest.fixture
def given_up(settings):
    """Two events to two readers and a webhook endpoint; every delivery gave up."""
    make_commitment(code="first")
    make_commitment(code="second", deadline=dt.date(2020, 11, 26))
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    WebhookEndpoint.objects.create(url="https://93.184.216.34/hook", secret="whsec_AAAA")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=1), reminder_days=[])
    AlertDelivery.objects.update(status=Status.FAILED, attempts=12, gave_up_at=NOW, last_error="SMTP down")
    return AlertDelivery.objects.all()


def statuses() -> list[str]:
    return sorted(AlertDelivery.objects.values_list("status", flat=True))


def test_the_command_requeues_by_event_channel_and_time_of_give_up(given_up, capsys):
    first = AlertDelivery.objects.filter(event__commitment__code="first").first().event_id
    call_command("requeue_alerts", event=[first], channel="email")
    assert "Requeued 2 given-up alerts." in capsys.readouterr().out
    requeued = AlertDelivery.objects.filter(status=Status.PENDING)
    assert {(d.event_id, d.channel, d.attempts) for d in requeued} == {(first, "email", 0)}
    assert all(d.requeued_at is not None for d in requeued)

    call_command("requeue_alerts", since=NOW + dt.timedelta(seconds=1))  # nothing gave up since then
    assert AlertDelivery.objects.filter(status=Status.PENDING).count() == 2
    call_command("requeue_alerts", channel="webhook")
    assert AlertDelivery.objects.filter(status=Status.PENDING).count() == 4


def test_the_age_limit_leaves_old_news_and_a_dry_run_changes_nothing(given_up, capsys):
    AlertDelivery.objects.update(created_at=timezone.now() - dt.timedelta(days=5))
    call_command("requeue_alerts", dry_run=True)
    assert "Would requeue 6 given-up alerts." in capsys.readouterr().out
    call_command("requeue_alerts", max_age=dt.timedelta(days=3))
    assert statuses() == [Status.FAILED] * 6


def test_requeuing_twice_or_after_sending_sends_nothing_twice(given_up, mailoutbox, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    call_command("requeue_alerts", channel="email", send=True)
    call_command("requeue_alerts", channel="email", send=True)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "a@example.org", "b@example.org", "b@example.org"]
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 4


def test_a_requeued_row_gets_a_fresh_retry_budget(given_up, settings):
    settings.ALERTS_MAX_ATTEMPTS = 2
    busy = smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"busy")})
    call_command("requeue_alerts", channel="email")
    sending.send_pending_alerts(timezone.now(), connection=SpyConnection(refuse={"a@example.org": busy}))
    row = AlertDelivery.objects.get(to_email="a@example.org", event__commitment__code="first")
    assert (row.status, row.attempts) == (Status.PENDING, 1)


def test_the_command_refuses_a_bad_age():
    with pytest.raises(CommandError, match="give a number and a unit: 30m, 6h or 3d"):
        call_command("requeue_alerts", "--max-age", "three days")


@pytest.fixture
def monitor(django_user_model, client, monitors_group):
    user = django_user_model.objects.create_user("anna", "anna@tracker.example", "x", is_staff=True)
    user.groups.add(monitors_group)
    client.force_login(user)
    return user


def test_a_monitor_with_the_permission_requeues_from_the_admin_only_their_agreements(given_up, monitor, client):
    AlertDelivery.objects.first().event.commitment.provision.agreement.monitors.add(monitor)
    pks = list(AlertDelivery.objects.values_list("pk", flat=True))
    response = client.post("/admin/alerts/alertdelivery/", {"action": "requeue", "_selected_action": pks})
    assert response.status_code == 302
    assert statuses() == [Status.PENDING] * 6


def test_without_the_permission_there_is_no_requeue_action(given_up, monitor, client, monitors_group):
    monitors_group.permissions.remove(Permission.objects.get(codename="requeue_alertdelivery"))
    AlertDelivery.objects.first().event.commitment.provision.agreement.monitors.add(monitor)
    listing = client.get("/admin/alerts/alertdelivery/")
    action_form = listing.context["action_form"]  # None when no action is left
    assert action_form is None or "requeue" not in dict(action_form.fields["action"].choices)
    pks = list(AlertDelivery.objects.values_list("pk", flat=True))
    client.post("/admin/alerts/alertdelivery/", {"action": "requeue", "_selected_action": pks})
    assert statuses() == [Status.FAILED] * 6


def test_healthz_counts_give_ups(given_up, client):
    assert client.get("/healthz").json()["alerts"] == {"gave_up": 6, "waiting": 0}
