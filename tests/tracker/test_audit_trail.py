"""Every create, change and delete is on record with who, when and the values before and after."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from commitments.models import Source
from tests.commitments.test_admin_monitors import change_url, form_data
from tests.factories import make_commitment


@pytest.fixture
def admin_client_user(db):
    return User.objects.create_superuser("admin", password="pw")


def test_a_monitors_change_to_a_commitment_is_recorded_with_before_and_after(client, agreement, monitors_group):
    commitment = make_commitment(deadline=None, title="Old title")
    monitor = User.objects.create_user("monitor", password="pw", is_staff=True)
    monitor.groups.add(monitors_group)
    agreement.monitors.add(monitor)
    client.force_login(monitor)
    data = form_data(client.get(change_url(commitment)))
    data["title"] = "New title"

    assert client.post(change_url(commitment), data).status_code == 302

    latest = commitment.history.latest()
    delta = latest.diff_against(latest.prev_record)
    assert (latest.history_type, latest.history_user) == ("~", monitor)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Old title", "New title")]


def test_a_deleted_source_stays_on_record(client, admin_client_user, source):
    client.force_login(admin_client_user)
    client.post(reverse("admin:commitments_source_delete", args=[source.pk]), {"post": "yes"})

    assert not Source.objects.exists()
    deleted = Source.history.get(history_type="-")
    assert (deleted.url, deleted.history_user) == ("https://example.org/azatutyun-2020-12-07", admin_client_user)


def test_account_changes_are_recorded_without_the_password(db):
    user = User.objects.create_user("someone", password="secret")
    user.is_staff = True
    user.save()

    records = list(User.history.filter(id=user.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~"]
    assert not hasattr(records[-1], "password")


def test_admins_read_the_audit_log_and_monitors_cannot(client, admin_client_user, agreement):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20), title="Return of the Aghdam district")
    client.force_login(admin_client_user)

    entries = client.get(reverse("admin:audit_log")).context["entries"]

    created = next(entry for entry in entries if entry.object_repr == commitment.title and entry.action == "created")
    assert created.who == "(a command or job)"
    assert ("title", None, "Return of the Aghdam district") in created.changes
    monitor = User.objects.create_user("monitor", password="pw", is_staff=True)
    client.force_login(monitor)
    assert client.get(reverse("admin:audit_log")).status_code == 403
