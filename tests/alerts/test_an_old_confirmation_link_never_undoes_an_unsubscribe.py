"""A confirmation link carries its issue time: an unsubscribe after it wins, a new link after the
unsubscribe works. The error pages say what the reader can do next."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from alerts import tokens
from alerts.models import Subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"
T = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def link_in(message) -> str:
    return re.search(r"/alerts/confirm/[^/\s]+/", message.body).group(0)


def unsubscribe(client, subscriber) -> None:
    token = tokens.unsubscribe_token("subscriber", subscriber.pk)
    assert client.post(reverse("alerts:unsubscribe", args=[token])).status_code == 200


def test_a_link_sent_before_an_unsubscribe_no_longer_subscribes(client, mailoutbox):
    with time_machine.travel(T, tick=False):
        client.post(SUBSCRIBE, {"email": "reader@example.org"})
        client.post(SUBSCRIBE, {"email": "reader@example.org"})  # a second link, also before the unsubscribe
    with time_machine.travel(T + dt.timedelta(minutes=5), tick=False):
        client.post(link_in(mailoutbox[0]))
        unsubscribe(client, Subscriber.objects.get())
    with time_machine.travel(T + dt.timedelta(minutes=10), tick=False):
        response = client.post(link_in(mailoutbox[1]))
    assert response.status_code == 409
    assert "You unsubscribed after this link was sent" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_link_asked_for_after_the_unsubscribe_subscribes_again(client, mailoutbox):
    with time_machine.travel(T, tick=False):
        client.post(SUBSCRIBE, {"email": "reader@example.org"})
        client.post(link_in(mailoutbox[0]))
    with time_machine.travel(T + dt.timedelta(minutes=5), tick=False):
        unsubscribe(client, Subscriber.objects.get())
    with time_machine.travel(T + dt.timedelta(minutes=10), tick=False):
        client.post(SUBSCRIBE, {"email": "reader@example.org"})
        assert client.post(link_in(mailoutbox[1])).status_code == 200
    assert Subscriber.objects.get().email == "reader@example.org"


def test_the_invalid_unsubscribe_page_says_how_to_stop_alerts_and_nothing_about_expiry(client):
    response = client.get(reverse("alerts:unsubscribe", args=["not-a-token"]))
    text = response.content.decode()
    assert response.status_code == 400
    assert "never expire" in text
    assert "two days" not in text and "expire" not in text.replace("never expire", "")
    assert "Unsubscribe" in text  # the mail program's button


def test_the_invalid_confirmation_page_says_how_long_links_work_and_where_to_ask_again(client, settings):
    settings.ALERTS_CONFIRM_MAX_AGE = 3 * 86400
    response = client.get(reverse("alerts:confirm", args=["not-a-token"]))
    text = response.content.decode()
    assert response.status_code == 400
    assert "3 days" in text
    assert reverse("alerts:subscribe") in text and reverse("alerts:webhook_register") in text
