"""A fan-out renders an event's alert once and puts each recipient's unsubscribe link in; every
message is the same as one rendered for that recipient alone (text, HTML and headers)."""

import pytest
import time_machine

from alerts import emails, flagging
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_monitor, make_subscriber

pytestmark = pytest.mark.django_db


def test_bodies_rendered_once_per_event_equal_bodies_rendered_per_recipient():
    commitment = make_commitment(title='Return of the Kalbajar district <& "quotes">')
    make_monitor("anna", agreement=commitment.agreement)
    make_subscriber("reader@example.org")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    deliveries = list(AlertDelivery.objects.select_related("event__commitment__provision__agreement"))
    assert len(deliveries) == 2
    context = emails.alert_context(deliveries[0].event)
    bodies = emails.AlertBodies.render(context)

    # The unsubscribe links are signed with the time: render both within one frozen second.
    with time_machine.travel(KALBAJAR_ENDS_AT, tick=False):
        messages = [
            (
                emails.unsubscribe_url(delivery),
                emails.build_alert_message(delivery, context, bodies),
                emails.build_alert_message(delivery),
            )
            for delivery in deliveries
        ]

    for unsubscribe_url, once, alone in messages:
        assert unsubscribe_url in once.body
        assert once.body == alone.body
        assert once.alternatives == alone.alternatives
        assert once.extra_headers == alone.extra_headers
        assert emails.UNSUBSCRIBE_PLACEHOLDER not in once.body + once.alternatives[0][0]
