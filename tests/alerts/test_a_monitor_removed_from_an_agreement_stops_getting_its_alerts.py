"""The alert fan-out applies the admin's rule (Agreement.objects.visible_to): a monitor who may
no longer see an agreement gets no more alerts about it, whatever their opt-in says."""

import pytest
from django.contrib.auth.models import Permission

from alerts import flagging
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_monitor

pytestmark = pytest.mark.django_db


def monitors_alerted() -> list[str]:
    return sorted(AlertDelivery.objects.filter(monitor__isnull=False).values_list("monitor__username", flat=True))


def test_a_monitor_removed_from_the_agreement_is_not_alerted():
    commitment = make_commitment()
    kept = make_monitor("kept", agreement=commitment.agreement)
    removed = make_monitor("removed", agreement=commitment.agreement)
    commitment.agreement.monitors.remove(removed)

    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)

    assert monitors_alerted() == [kept.username]


def test_a_monitor_of_every_agreement_is_alerted_without_an_assignment():
    commitment = make_commitment()
    everywhere = make_monitor("everywhere", agreement=commitment.agreement)
    commitment.agreement.monitors.remove(everywhere)
    everywhere.user_permissions.add(Permission.objects.get(codename="monitor_all_agreements"))

    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)

    assert monitors_alerted() == ["everywhere"]


def test_a_deactivated_monitor_is_not_alerted():
    commitment = make_commitment()
    make_monitor("left", agreement=commitment.agreement, is_active=False)

    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)

    assert monitors_alerted() == []
