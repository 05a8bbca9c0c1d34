"""Monitors opt in per agreement in the admin and see how each alert was delivered."""

import pytest
from django.core.management import call_command

from alerts import flagging, sending
from alerts.models import MonitorSubscription
from tests.factories import KALBAJAR_ENDS_AT, make_agreement, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(django_user_model, client, monitors_group):
    user = django_user_model.objects.create_user("anna", "anna@tracker.example", "x", is_staff=True)
    user.groups.add(monitors_group)
    client.force_login(user)
    return user


def test_the_admin_passes_the_system_checks():
    call_command("check")


def test_a_monitor_opts_in_for_an_agreement_as_themselves(monitor, client, django_user_model):
    agreement = make_agreement()
    agreement.monitors.add(monitor)  # monitors opt in only to the agreements they are assigned
    other = django_user_model.objects.create_user("other", "other@tracker.example", "x", is_staff=True)
    MonitorSubscription.objects.create(user=other, agreement=agreement)
    response = client.post("/admin/alerts/monitorsubscription/add/", {"agreement": agreement.pk})
    assert response.status_code == 302
    assert MonitorSubscription.objects.filter(user=monitor, agreement=agreement).exists()
    listing = client.get("/admin/alerts/monitorsubscription/")
    assert [opt_in.user for opt_in in listing.context["cl"].result_list] == [monitor]


def test_a_monitor_sees_the_delivery_status_of_alerts(monitor, client):
    make_commitment().provision.agreement.monitors.add(monitor)
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    sending.send_pending_alerts(KALBAJAR_ENDS_AT)
    response = client.get("/admin/alerts/alertdelivery/")
    assert response.status_code == 200
    assert [(d.to_email, d.status) for d in response.context["cl"].result_list] == [("reader@example.org", "sent")]
    assert client.get("/admin/alerts/deadlineevent/").status_code == 200
    assert client.post("/admin/alerts/alertdelivery/add/", {}).status_code == 403
