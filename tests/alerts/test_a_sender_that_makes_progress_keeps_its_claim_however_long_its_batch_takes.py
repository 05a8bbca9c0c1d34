"""A sender renews the claim of the rows it still holds as it records results, so a batch slowed
down (parallel batches share the CPU) is not taken over while it makes progress; a sender that
stops renewing loses its rows once ALERTS_CLAIM_TIMEOUT has passed."""

import datetime as dt

import pytest
from django.conf import settings

from alerts import flagging, sending
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db
NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)


class Clock:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def test_a_renewed_claim_outlives_the_timeout_and_a_stale_one_does_not():
    make_commitment()
    for number in range(3):
        make_subscriber(f"reader{number}@example.org")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    timeout = settings.ALERTS_CLAIM_TIMEOUT
    batch, _ = sending.claim_batch(NOW, AlertDelivery.Channel.EMAIL, 2)
    clock = Clock()
    batch.clock, batch.claimed, batch.renewed = clock, 0.0, 0.0

    clock.seconds = timeout / 8
    batch.keep_claim(NOW)  # too soon to renew: nothing written
    assert set(batch.mine.values_list("claimed_at", flat=True)) == {NOW}
    clock.seconds = timeout * 0.9
    batch.keep_claim(NOW)  # still sending, 90% of the timeout later
    assert set(batch.mine.values_list("claimed_at", flat=True)) == {NOW + dt.timedelta(seconds=timeout * 0.9)}

    # Past the original claim's expiry another sender finds only the row nobody holds …
    later = NOW + dt.timedelta(seconds=timeout + 1)
    other, found = sending.claim_batch(later, AlertDelivery.Channel.EMAIL, 10)
    assert found == 1 and {d.pk for d in other.deliveries}.isdisjoint(d.pk for d in batch.deliveries)
    # … and once the renewed claim has expired too (the sender stopped), it takes them over.
    much_later = NOW + dt.timedelta(seconds=timeout * 0.9 + timeout)
    assert sending.claim_batch(much_later, AlertDelivery.Channel.EMAIL, 10)[1] == 2
