"""The recipients matched in SQL (flagging.followers_sql) agree with Subscriber.follows, the one-row
rule, for every combination of followed agreements, parties and categories, and for webhook
endpoints, which follow by the same rule."""

import datetime as dt
import itertools

from alerts import flagging, webhooks
from alerts.models import AlertDelivery, DeadlineEvent, Subscriber, WebhookEndpoint
from commitments.models import Commitment
from tests.factories import make_agreement, make_commitment, make_party, make_provision, make_subscriber

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_sql_match_finds_exactly_the_followers_of_each_commitment(db, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = True
    agreements = [make_agreement(f"a{n}", title=f"A{n}", time_zone="UTC") for n in range(2)]
    parties = [make_party(f"p{n}", f"P{n}") for n in range(2)]
    commitments = []
    for agreement, party, category in itertools.product(agreements, parties, ["ceasefire", "other"]):
        commitment = make_commitment(
            make_provision(agreement, "1"),
            parties=[party],
            code=f"c{len(commitments)}",
            title="c",
            category=category,
            deadline=None,
        )
        commitments.append(commitment)
    choices = [
        ([], [], []),
        ([agreements[0]], [], []),
        ([], [parties[1]], []),
        ([], [], ["ceasefire"]),
        ([agreements[1]], [parties[0]], ["other"]),
        ([agreements[0]], [parties[0]], ["ceasefire", "other"]),
    ]
    for n, (followed_agreements, followed_parties, categories) in enumerate(choices):
        make_subscriber(
            f"s{n}@example.org", agreements=followed_agreements, parties=followed_parties, categories=categories
        )
        endpoint = WebhookEndpoint.objects.create(
            url=f"http://127.0.0.1:9/{n}",
            owner_email=f"s{n}@example.org",
            secret=webhooks.new_secret(),
            categories=categories,
        )
        endpoint.agreements.set(followed_agreements)
        endpoint.parties.set(followed_parties)
    events = {
        commitment.pk: DeadlineEvent.objects.create(
            commitment=commitment,
            kind=DeadlineEvent.Kind.DUE_SOON,
            deadline=dt.date(2026, 1, 5),
            deadline_ends_at=NOW + dt.timedelta(days=5),
            occurred_at=NOW,
            detected_at=NOW,
            offset_days=7,
        )
        for commitment in commitments
    }

    flagging.queue_alerts(NOW, after_id=0)

    subscribers = list(Subscriber.objects.prefetch_related("agreements", "parties").order_by("pk"))
    for commitment in Commitment.objects.select_related("provision").prefetch_related("responsible_parties"):
        deliveries = AlertDelivery.objects.filter(event=events[commitment.pk])
        emails = sorted(deliveries.filter(channel="email").values_list("to_email", flat=True))
        assert emails == sorted(s.email for s in subscribers if s.follows(commitment))
        # Each endpoint made the same choices as the subscriber whose address owns it.
        hooked = sorted(deliveries.filter(channel="webhook").values_list("endpoint__owner_email", flat=True))
        assert hooked == emails
    assert not DeadlineEvent.objects.filter(alerts_queued=False).exists()
