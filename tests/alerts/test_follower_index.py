"""The follower index that queues alerts agrees with Subscriber.follows, the one-row rule."""

import itertools

from alerts.flagging import FollowerIndex
from alerts.models import Subscriber
from commitments.models import Commitment
from tests.factories import make_agreement, make_commitment, make_party, make_provision, make_subscriber


def test_the_index_finds_exactly_the_subscribers_who_follow_each_commitment(db):
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
    ]
    for n, (followed_agreements, followed_parties, categories) in enumerate(choices):
        make_subscriber(
            f"s{n}@example.org", agreements=followed_agreements, parties=followed_parties, categories=categories
        )

    subscribers = list(Subscriber.objects.prefetch_related("agreements", "parties").order_by("pk"))
    index = FollowerIndex(Subscriber.objects.all())
    for commitment in Commitment.objects.select_related("provision").prefetch_related("responsible_parties"):
        assert [email for _, email in index.of(commitment)] == [s.email for s in subscribers if s.follows(commitment)]
