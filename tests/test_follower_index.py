"""The follower index that queues alerts agrees with Subscriber.follows, the one-row rule."""

import datetime as dt
import itertools

from alerts.flagging import FollowerIndex
from alerts.models import Subscriber
from commitments.models import Agreement, Commitment, Party, Provision
from tests.conftest import MOSCOW_ENTRY_INTO_FORCE


def test_the_index_finds_exactly_the_subscribers_who_follow_each_commitment(db):
    agreements = [
        Agreement.objects.create(
            slug=f"a{n}",
            title=f"A{n}",
            signed_on=dt.date(2020, 11, 9),
            time_zone="UTC",
            entry_into_force=MOSCOW_ENTRY_INTO_FORCE,
        )
        for n in range(2)
    ]
    parties = [Party.objects.create(slug=f"p{n}", name=f"P{n}", kind="state") for n in range(2)]
    commitments = []
    for agreement, party, category in itertools.product(agreements, parties, ["ceasefire", "other"]):
        provision, _ = Provision.objects.get_or_create(
            agreement=agreement, number="1", defaults={"position": 1, "text": "t"}
        )
        commitment = Commitment.objects.create(
            provision=provision,
            code=f"c{len(commitments)}",
            title="c",
            description="d",
            category=category,
            deadline_kind="none",
        )
        commitment.responsible_parties.add(party)
        commitments.append(commitment)
    choices = [
        ([], [], []),
        ([agreements[0]], [], []),
        ([], [parties[1]], []),
        ([], [], ["ceasefire"]),
        ([agreements[1]], [parties[0]], ["other"]),
    ]
    for n, (followed_agreements, followed_parties, categories) in enumerate(choices):
        subscriber = Subscriber.objects.create(
            email=f"s{n}@example.org", confirmed_at=MOSCOW_ENTRY_INTO_FORCE, categories=categories
        )
        subscriber.agreements.set(followed_agreements)
        subscriber.parties.set(followed_parties)

    subscribers = list(Subscriber.objects.prefetch_related("agreements", "parties").order_by("pk"))
    index = FollowerIndex(Subscriber.objects.all())
    for commitment in Commitment.objects.select_related("provision").prefetch_related("responsible_parties"):
        assert [email for _, email in index.of(commitment)] == [s.email for s in subscribers if s.follows(commitment)]
