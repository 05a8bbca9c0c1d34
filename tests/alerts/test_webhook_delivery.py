"""Webhooks go through the same outbox as email: a signed, versioned JSON document per endpoint,
the same webhook-id on every attempt, retries, give-ups, and endpoints disabled when they keep
failing (their owner is told)."""

import datetime as dt
import json

import pytest
from standardwebhooks import Webhook

from alerts import flagging, sending, webhooks
from alerts.models import AlertDelivery, WebhookEndpoint
from tests.factories import (
    KALBAJAR_ENDS_AT,
    add_deadline_change,
    add_status,
    make_agreement,
    make_commitment,
    make_monitor,
    make_party,
    make_provision,
    make_source,
)
from tests.live_servers import WebhookReceiver

pytestmark = pytest.mark.django_db

NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)
Status = AlertDelivery.Status


@pytest.fixture
def receiver(settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = True
    settings.ALERTS_WEBHOOK_TIMEOUT = 2
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


def endpoint_on(receiver: WebhookReceiver, path: str = "/hook", **fields) -> WebhookEndpoint:
    fields = {"owner_email": "owner@example.org", **fields}
    endpoint = WebhookEndpoint.objects.create(url=receiver.url(path), secret=webhooks.new_secret(), **fields)
    receiver.register(path, endpoint.secret)
    return endpoint


def test_each_event_is_posted_once_signed_with_the_endpoints_secret(receiver):
    endpoint = endpoint_on(receiver)
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    result = sending.send_pending_alerts(NOW, signed_at=dt.datetime.now(dt.UTC))
    assert (result.claimed, result.sent) == (1, 1)
    [(path, webhook_id, document)] = receiver.accepted
    delivery = AlertDelivery.objects.get()
    assert (path, webhook_id, delivery.channel, delivery.endpoint) == (
        "/hook",
        delivery.webhook_id(),
        "webhook",
        endpoint,
    )
    assert document["type"] == "deadline.went_overdue" and document["version"] == webhooks.PAYLOAD_VERSION
    data = document["data"]
    assert data["event"]["deadline"] == "2020-11-25" and data["event"]["days_overdue"] == 1
    assert data["commitment"]["title"] == "Return of the Kalbajar district"
    assert data["commitment"]["responsible"] == ["Republic of Armenia"]
    assert "/alerts/unsubscribe/" in data["unsubscribe_url"]
    assert sending.send_pending_alerts(NOW + dt.timedelta(hours=1)).claimed == 0
    assert receiver.unverified == 0


def test_the_payload_verifies_with_the_standard_webhooks_reference_and_fails_with_another_secret():
    make_commitment()
    endpoint = WebhookEndpoint.objects.create(url="https://93.184.216.34/", secret=webhooks.new_secret())
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    delivery = AlertDelivery.objects.select_related("endpoint").get()
    body = webhooks.encode({"type": "deadline.went_overdue", "data": {"title": "Քելբաջար"}})
    headers = webhooks.signed_request(delivery, body, dt.datetime.now(dt.UTC))
    assert Webhook(endpoint.secret).verify(body.encode(), headers)["data"]["title"] == "Քելբաջար"
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(webhooks.new_secret()).verify(body.encode(), headers)


def test_a_failed_attempt_is_retried_with_the_same_webhook_id(receiver):
    endpoint_on(receiver)
    receiver.script = ["500"]
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    first = sending.send_pending_alerts(NOW, signed_at=dt.datetime.now(dt.UTC))
    assert (first.sent, first.failed) == (0, 1)
    delivery = AlertDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (Status.PENDING, "RuntimeError: HTTP 500 Internal Server Error")
    sending.send_pending_alerts(delivery.next_attempt_at, signed_at=dt.datetime.now(dt.UTC))
    [webhook_id] = receiver.attempts
    assert receiver.attempts[webhook_id] == 2 and len(receiver.accepted) == 1
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_an_endpoint_that_keeps_failing_is_disabled_its_waiting_alerts_give_up_and_its_owner_is_told(
    receiver, settings, mailoutbox
):
    settings.ALERTS_WEBHOOK_DISABLE_AFTER = 2
    settings.ALERTS_RETRY_DELAY = 60
    endpoint_on(receiver)
    receiver.script = ["500"] * 10
    make_commitment(code="one")
    make_commitment(code="two")
    make_commitment(code="three", deadline=dt.date(2020, 11, 26))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT, reminder_days=[])
    sending.send_pending_alerts(NOW, signed_at=dt.datetime.now(dt.UTC))  # two fail: disabled
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active and "2 failed attempts in a row" in endpoint.disabled_reason
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {Status.FAILED}
    [notice] = mailoutbox
    assert notice.to == ["owner@example.org"] and endpoint.url in notice.body
    assert "register it again" in notice.body
    # A later event reaches no disabled endpoint.
    assert flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=1), reminder_days=[]).events == 1
    assert AlertDelivery.objects.count() == 2


def test_410_gone_disables_the_endpoint_at_once(receiver):
    endpoint = endpoint_on(receiver)
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    receiver.script = ["410"]
    sending.send_pending_alerts(NOW, signed_at=dt.datetime.now(dt.UTC))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "HTTP 410" in endpoint.disabled_reason
    assert AlertDelivery.objects.get().status == Status.FAILED


def test_a_url_that_now_resolves_to_a_forbidden_address_is_not_called(receiver, settings):
    endpoint_on(receiver)
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False  # as in production: the loopback URL is now refused
    result = sending.send_pending_alerts(NOW, signed_at=dt.datetime.now(dt.UTC))
    assert (result.sent, result.failed) == (0, 1)
    assert receiver.requests == 0
    assert "webhooks go only to public addresses" in AlertDelivery.objects.get().last_error


def test_a_monitors_endpoint_gets_only_the_agreements_that_monitor_may_see(receiver):
    mine, other = make_agreement(), make_agreement("another", title="Another agreement")
    monitor = make_monitor("anna", agreement=mine)
    endpoint_on(receiver, monitor=monitor, owner_email="")
    make_commitment()
    make_commitment(make_provision(other, "1"), code="elsewhere")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    webhooks_queued = AlertDelivery.objects.filter(channel="webhook")
    assert [delivery.event.commitment.provision.agreement for delivery in webhooks_queued] == [mine]


def test_the_document_names_the_deadline_change_that_caused_it(receiver):
    endpoint_on(receiver)
    commitment = make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=1))
    add_deadline_change(
        commitment,
        dt.date(2020, 12, 10),
        decided_on=dt.date(2020, 11, 27),
        source=make_source("JAMnews", "Postponed", dt.date(2020, 11, 27)),
        requested_by=make_party(),
        agreed_by=[make_party("azerbaijan", "Republic of Azerbaijan")],
        reason="More time.",
    )
    add_status(commitment, "minimal", dt.date(2020, 11, 28))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=3))
    sending.send_pending_alerts(KALBAJAR_ENDS_AT + dt.timedelta(days=3), signed_at=dt.datetime.now(dt.UTC))
    extended = next(doc for _, _, doc in receiver.accepted if doc["type"] == "deadline.extended")
    change = extended["data"]["deadline_change"]
    assert extended["data"]["event"]["deadline_in_force"] == "2020-12-10"
    assert change["caused_this_alert"] is True
    assert (change["previous_deadline"], change["new_deadline"]) == ("2020-11-25", "2020-12-10")
    assert (change["requested_by"], change["agreed_by"]) == ("Republic of Armenia", ["Republic of Azerbaijan"])
    assert change["source"]["publisher"] == "JAMnews"
    assert extended["data"]["latest_assessment"]["status"] == "minimal"
    assert json.dumps(extended)  # plain JSON all the way down
