"""`make run` creates two demo monitors (create_demo_monitor) and prints their logins, so the review
before publication can be tried: one records a draft, the other publishes it."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments.models import Evidence, Status, StatusUpdate
from commitments.review import review_refusal
from tests.factories import karabakh_like


def test_two_demo_monitors_are_made_assigned_and_printed(db, monitors_group, settings, capsys):
    settings.DEBUG = True
    data = karabakh_like()

    call_command("create_demo_monitor")
    call_command("create_demo_monitor")  # again: resets them, makes no third

    printed = capsys.readouterr().out
    assert "username 'monitor', password 'ceasefire-demo'" in printed
    assert "username 'reviewer', password 'ceasefire-review'" in printed
    users = get_user_model().objects.filter(username__in=["monitor", "reviewer"])
    monitor, reviewer = users.get(username="monitor"), users.get(username="reviewer")
    assert monitor.check_password("ceasefire-demo") and reviewer.check_password("ceasefire-review")
    for user in (monitor, reviewer):
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["Monitors"]
        assert list(user.monitored_agreements.all()) == [data.agreement]

    draft = StatusUpdate.objects.record(
        commitment=data.route,
        status=Status.NOT_STARTED,
        as_of=dt.date(2020, 12, 1),
        summary="No plan yet.",
        evidence=[Evidence(source=data.tass, quote="No plan was presented.")],
        as_of_precision=None,
        recorded_by=monitor,
    )
    assert review_refusal(monitor, draft) is not None  # not their own
    assert review_refusal(reviewer, draft) is None  # the other one may publish it


def test_it_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_monitor")
