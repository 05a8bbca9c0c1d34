"""Webhook endpoints: monitors register theirs in the admin; the public on /alerts/webhooks/ with the
same email double opt-in as subscriptions. The secret is shown once; an old link never re-registers
an endpoint removed after it was sent."""

import re

import pytest
from django.urls import reverse

from alerts import tokens
from alerts.models import WebhookEndpoint
from commitments.models import Commitment

pytestmark = pytest.mark.django_db

REGISTER = "/alerts/webhooks/"


def link_in(message) -> str:
    return re.search(r"/alerts/webhooks/confirm/[^/\s]+/", message.body).group(0)


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = True


def test_registering_emails_the_owner_a_link_and_stores_nothing(client, mailoutbox):
    response = client.post(REGISTER, {"url": "http://127.0.0.1:9/hook", "email": "Owner@Example.org"})
    assert response.status_code == 200
    [message] = mailoutbox
    assert message.to == ["owner@example.org"] and "http://127.0.0.1:9/hook" in message.body
    assert message.subject == "Confirm your Ceasefire Tracker webhook"
    assert not WebhookEndpoint.objects.exists()


def test_confirming_shows_the_secret_once_and_a_second_press_registers_nothing(client, mailoutbox):
    client.post(
        REGISTER,
        {"url": "http://127.0.0.1:9/hook", "email": "owner@example.org", "categories": ["territorial_handover"]},
    )
    link = link_in(mailoutbox[0])
    assert client.get(link).context["url"] == "http://127.0.0.1:9/hook"
    assert not WebhookEndpoint.objects.exists()
    first = client.post(link)
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.owner_email, endpoint.monitor) == (
        "http://127.0.0.1:9/hook",
        "owner@example.org",
        None,
    )
    assert endpoint.categories == [Commitment.Category.TERRITORIAL_HANDOVER]
    assert endpoint.secret in first.content.decode() and first["Cache-Control"] == "no-store"
    second = client.post(link)
    assert endpoint.secret not in second.content.decode()
    assert "already registered" in second.content.decode()
    assert WebhookEndpoint.objects.count() == 1


def test_a_private_address_is_refused_on_the_form_with_the_reason(client, mailoutbox, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    response = client.post(REGISTER, {"url": "https://10.0.0.5/hook", "email": "owner@example.org"})
    assert response.status_code == 200
    assert "webhooks go only to public addresses" in str(response.context["form"].errors["url"])
    assert not mailoutbox


def test_removing_the_endpoint_beats_an_older_link(client, mailoutbox):
    client.post(REGISTER, {"url": "http://127.0.0.1:9/hook", "email": "owner@example.org"})
    client.post(REGISTER, {"url": "http://127.0.0.1:9/hook", "email": "owner@example.org"})
    client.post(link_in(mailoutbox[0]))
    endpoint = WebhookEndpoint.objects.get()
    remove = reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token("endpoint", endpoint.pk)])
    assert "no more webhooks" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 200
    assert not WebhookEndpoint.objects.exists()
    response = client.post(link_in(mailoutbox[1]))
    assert response.status_code == 409
    assert not WebhookEndpoint.objects.exists()


def test_an_email_confirmation_link_does_not_register_a_webhook_nor_the_reverse(client, mailoutbox):
    client.post(REGISTER, {"url": "http://127.0.0.1:9/hook", "email": "owner@example.org"})
    token = link_in(mailoutbox[0]).split("/")[-2]
    assert client.post(reverse("alerts:confirm", args=[token])).status_code == 400


@pytest.fixture
def monitor(django_user_model, client, monitors_group):
    user = django_user_model.objects.create_user("anna", "anna@tracker.example", "x", is_staff=True)
    user.groups.add(monitors_group)
    client.force_login(user)
    return user


def test_a_monitor_registers_an_endpoint_in_the_admin_and_sees_its_secret_once(monitor, client):
    response = client.post(
        "/admin/alerts/webhookendpoint/add/",
        {"url": "http://127.0.0.1:9/monitor-hook", "description": "Our newsroom", "is_active": "on"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.monitor == monitor and endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    change_page = client.get(f"/admin/alerts/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in change_page.content.decode()


def test_the_admin_refuses_a_private_address(monitor, client, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    response = client.post("/admin/alerts/webhookendpoint/add/", {"url": "https://192.168.1.1/", "is_active": "on"})
    assert response.status_code == 200
    assert "webhooks go only to public addresses" in str(response.context["adminform"].form.errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_monitor_sees_only_their_own_endpoints(monitor, client, django_user_model):
    other = django_user_model.objects.create_user("other", "other@tracker.example", "x", is_staff=True)
    WebhookEndpoint.objects.create(url="https://93.184.216.34/other", secret="whsec_AAAA", monitor=other)
    listing = client.get("/admin/alerts/webhookendpoint/")
    assert list(listing.context["cl"].result_list) == []
