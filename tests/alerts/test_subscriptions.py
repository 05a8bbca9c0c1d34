"""The public subscription page: double opt-in, the same answer for everyone, rate limits, unsubscribe."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from alerts import tokens
from alerts.models import MonitorSubscription, Subscriber
from commitments.models import Commitment
from tests.factories import make_agreement, make_monitor, make_party, make_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


def link_in(message) -> str:
    return re.search(r"/alerts/confirm/[^/\s]+/", message.body).group(0)


def test_the_page_offers_agreements_parties_and_categories(client):
    make_agreement()
    make_party()
    response = client.get(SUBSCRIBE)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"email", "agreements", "parties", "categories"}
    assert reverse("alerts:subscribe") == SUBSCRIBE


def test_asking_sends_a_confirmation_link_and_stores_no_subscriber(client, mailoutbox):
    response = client.post(SUBSCRIBE, {"email": "Reader@Example.org"})
    assert response.status_code == 200
    assert [message.to for message in mailoutbox] == [["reader@example.org"]]
    assert "/alerts/confirm/" in mailoutbox[0].body
    assert not Subscriber.objects.exists()


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, mailoutbox):
    make_subscriber("known@example.org")
    known = client.post(SUBSCRIBE, {"email": "known@example.org"})
    unknown = client.post(SUBSCRIBE, {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert [t.name for t in known.templates] == [t.name for t in unknown.templates]
    assert known.content == unknown.content
    assert len(mailoutbox) == 2


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, mailoutbox):
    client.post(SUBSCRIBE, {"email": "reader@example.org"})
    response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 200
    assert response.context["email"] == "reader@example.org"
    assert not Subscriber.objects.exists()


def test_pressing_the_button_confirms_the_address_with_its_choices(client, mailoutbox):
    agreement, party = make_agreement(), make_party()
    client.post(
        SUBSCRIBE,
        {
            "email": "reader@example.org",
            "agreements": [agreement.pk],
            "parties": [party.pk],
            "categories": [Commitment.Category.CEASEFIRE],
        },
    )
    response = client.post(link_in(mailoutbox[0]))
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"
    assert subscriber.confirmed_at is not None
    assert list(subscriber.agreements.all()) == [agreement]
    assert list(subscriber.parties.all()) == [party]
    assert subscriber.categories == ["ceasefire"]
    assert not subscriber.chose_nothing() and not subscriber.follows_everything


def test_confirming_again_replaces_the_choices_of_a_subscriber(client, mailoutbox):
    make_subscriber("reader@example.org", categories=["ceasefire"])
    client.post(SUBSCRIBE, {"email": "reader@example.org"})
    client.post(link_in(mailoutbox[0]))
    subscriber = Subscriber.objects.get()
    assert subscriber.chose_nothing() and subscriber.follows_everything


def test_a_confirmation_link_expires(client, mailoutbox, settings):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        client.post(SUBSCRIBE, {"email": "reader@example.org"})
    with time_machine.travel(
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE + 1), tick=False
    ):
        response = client.post(link_in(mailoutbox[0]))
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_a_forged_confirmation_link_is_refused(client):
    token = signing.dumps({"email": "victim@example.org", "agreements": [], "parties": [], "categories": []})
    response = client.post(reverse("alerts:confirm", args=[token]))
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_one_client_asking_too_often_is_refused(client, mailoutbox, settings):
    settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT = 3
    for number in range(3):
        assert client.post(SUBSCRIBE, {"email": f"reader{number}@example.org"}).status_code == 200
    assert client.post(SUBSCRIBE, {"email": "reader9@example.org"}).status_code == 429
    assert client.post(SUBSCRIBE, {"email": "x@example.org"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert len(mailoutbox) == 4


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_names(client, settings):
    settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT = 1
    settings.ALERTS_CLIENT_IP_HEADER = "X-Forwarded-For"
    first = client.post(SUBSCRIBE, {"email": "a@example.org"}, headers={"X-Forwarded-For": "203.0.113.1"})
    other = client.post(SUBSCRIBE, {"email": "b@example.org"}, headers={"X-Forwarded-For": "203.0.113.2"})
    spoofed = client.post(SUBSCRIBE, {"email": "c@example.org"}, headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.1"})
    assert (first.status_code, other.status_code, spoofed.status_code) == (200, 200, 429)


def test_one_address_gets_few_confirmations_a_day_and_the_same_answer(client, mailoutbox, settings):
    settings.ALERTS_SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    answers = [
        client.post(SUBSCRIBE, {"email": "reader@example.org"}, REMOTE_ADDR=f"198.51.100.{number}")
        for number in range(4)
    ]
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert len(mailoutbox) == 2


def test_an_invalid_address_shows_the_form_again(client, mailoutbox):
    response = client.post(SUBSCRIBE, {"email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mailoutbox == []


def unsubscribe_path(kind: str, pk: int) -> str:
    return reverse("alerts:unsubscribe", args=[signing.dumps([kind, pk], salt=tokens.UNSUBSCRIBE_SALT)])


def test_the_unsubscribe_link_shows_a_button_and_unsubscribes_nothing_on_get(client):
    subscriber = make_subscriber()
    response = client.get(unsubscribe_path("subscriber", subscriber.pk))
    assert response.status_code == 200
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_pressing_the_button_unsubscribes(client):
    subscriber = make_subscriber()
    assert client.post(unsubscribe_path("subscriber", subscriber.pk)).status_code == 200
    assert not Subscriber.objects.exists()


def test_a_monitor_unsubscribing_drops_their_opt_ins(client):
    monitor = make_monitor()
    assert client.post(unsubscribe_path("monitor", monitor.pk)).status_code == 200
    assert not MonitorSubscription.objects.exists()


def test_a_forged_unsubscribe_link_is_refused(client):
    subscriber = make_subscriber()
    response = client.post(reverse("alerts:unsubscribe", args=[signing.dumps(["subscriber", subscriber.pk])]))
    assert response.status_code == 400
    assert Subscriber.objects.exists()
