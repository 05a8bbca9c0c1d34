"""A fan-out renders an event's alert once and puts each recipient's unsubscribe link in; every
message is the same as one rendered for that recipient alone (text, HTML and headers)."""

import pytest

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

    for delivery in deliveries:
        once = emails.build_alert_message(delivery, context, bodies)
        alone = emails.build_alert_message(delivery)
        assert emails.unsubscribe_url(delivery) in once.body
        assert once.body == alone.body
        assert once.alternatives == alone.alternatives
        assert once.extra_headers == alone.extra_headers
        assert emails.UNSUBSCRIBE_PLACEHOLDER not in once.body + once.alternatives[0][0]
