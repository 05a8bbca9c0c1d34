"""The lockout after too many failed logins is a page in the admin's look that says when the monitor can
try again; the two failed attempts before it warn how many are left."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

LOGIN = reverse("admin:login")
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def monitor(monitors_group) -> User:
    user = User.objects.create_user("monitor", password="right-password", is_staff=True)
    user.groups.add(monitors_group)
    return user


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def log_in(client, password="wrong"):
    return client.post(
        LOGIN, {"username": "monitor", "password": password, "next": "/admin/"}, REMOTE_ADDR="203.0.113.9"
    )


def test_only_the_two_attempts_before_the_lockout_warn(client, monitor, limits):
    with time_machine.travel(NOW, tick=False):
        pages = [log_in(client).content.decode() for _ in range(4)]

    assert [("attempt left" in page or "attempts left" in page) for page in pages] == [False, False, True, True]
    assert "2 attempts left: after them this login is locked for 15 minutes." in pages[2]
    assert "1 attempt left: after it this login is locked for 15 minutes." in pages[3]


def test_the_lockout_page_has_the_admins_look_and_says_when_to_try_again(client, monitor, limits):
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            log_in(client)
        response = log_in(client, password="right-password")

    page = response.content.decode()
    assert response.status_code == 429
    assert 'id="site-name"' in page  # the admin's header
    assert "This login is locked after 5 failed attempts." in page
    assert "You can try again in about 15 minutes, at 12:15 UTC" in page
    assert f'href="{LOGIN}"' in page
