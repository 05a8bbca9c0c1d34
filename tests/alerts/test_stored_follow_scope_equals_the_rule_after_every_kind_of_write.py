"""Each subscriber's and webhook endpoint's stored follow scope (follows_everything,
follows_categories), which the flagging job's SQL reads, equals the rule (Follower.chose_nothing
and the categories chosen) after every kind of write of the choices: from either side of the
relations, by saving, by deleting a followed agreement or party, in bulk, and by the migration."""

import importlib

import pytest
from django.apps import apps

from alerts import webhooks
from alerts.models import Subscriber, WebhookEndpoint
from devtools.synthetic import Scale, make_synthetic_data
from tests.factories import make_agreement, make_party, make_subscriber

pytestmark = pytest.mark.django_db


def assert_stored_scope_is_the_rule() -> None:
    for model in (Subscriber, WebhookEndpoint):
        for follower in model.objects.prefetch_related("agreements", "parties"):
            stored = (follower.follows_everything, follower.follows_categories)
            assert stored == (follower.chose_nothing(), bool(follower.categories)), (model.__name__, follower.pk)


def make_endpoint(**choices) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url="https://receiver.example/hook", owner_email="owner@example.org", secret=webhooks.new_secret(), **choices
    )


@pytest.fixture
def followers():
    agreement, party = make_agreement(), make_party()
    subscriber = make_subscriber("reader@example.org", agreements=[agreement])
    endpoint = make_endpoint()
    endpoint.parties.set([party])
    assert not subscriber.follows_everything and not endpoint.follows_everything
    assert_stored_scope_is_the_rule()
    return agreement, party, subscriber, endpoint


def test_choices_set_from_the_followers_side(followers):
    agreement, party, subscriber, endpoint = followers
    subscriber.agreements.remove(agreement)
    assert Subscriber.objects.get().follows_everything
    subscriber.parties.add(party)
    assert_stored_scope_is_the_rule()
    subscriber.parties.clear()
    endpoint.parties.clear()
    assert_stored_scope_is_the_rule()
    assert Subscriber.objects.get().follows_everything and WebhookEndpoint.objects.get().follows_everything


def test_choices_set_from_the_agreements_and_parties_side(followers):
    agreement, party, subscriber, endpoint = followers
    agreement.subscribers.remove(subscriber)
    assert_stored_scope_is_the_rule()
    agreement.subscribers.add(subscriber)
    agreement.webhook_endpoints.add(endpoint)
    assert_stored_scope_is_the_rule()
    party.webhook_endpoints.clear()
    agreement.webhook_endpoints.clear()
    agreement.subscribers.clear()
    assert_stored_scope_is_the_rule()
    assert Subscriber.objects.get().follows_everything and WebhookEndpoint.objects.get().follows_everything


def test_categories_saved_whole_or_as_the_only_field(followers):
    _, _, subscriber, endpoint = followers
    subscriber.agreements.clear()
    subscriber.categories = ["ceasefire"]
    subscriber.save(update_fields=["categories"])
    assert subscriber.follows_categories and not subscriber.follows_everything
    endpoint.parties.clear()
    endpoint.categories = ["ceasefire"]
    endpoint.save()
    assert_stored_scope_is_the_rule()
    endpoint.categories = []
    endpoint.save()
    assert endpoint.follows_everything and not endpoint.follows_categories
    assert_stored_scope_is_the_rule()


def test_deleting_the_only_followed_agreement_or_party(followers):
    agreement, party, _, _ = followers
    agreement.delete()
    party.delete()
    # Their followers chose nothing that remains: by the rule they follow everything.
    assert_stored_scope_is_the_rule()
    assert Subscriber.objects.get().follows_everything and WebhookEndpoint.objects.get().follows_everything


def test_synthetic_data_written_in_bulk():
    make_synthetic_data(Scale(agreements=2, commitments=20, status_updates=40, parties=4, sources=10, subscribers=60))
    assert Subscriber.objects.filter(follows_categories=True).exists()
    assert_stored_scope_is_the_rule()


def test_the_migration_fills_the_scope_of_existing_followers(followers):
    Subscriber.objects.update(follows_everything=True, follows_categories=True)
    WebhookEndpoint.objects.update(follows_everything=True, follows_categories=True)
    migration = importlib.import_module("alerts.migrations.0006_stored_follow_scope")
    migration.fill_follow_scope(apps, None)
    assert_stored_scope_is_the_rule()
