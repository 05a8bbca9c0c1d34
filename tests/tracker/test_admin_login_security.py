"""Admin login: brute-force lockout with a cool-off, and optional TOTP two-factor."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("admin:login")


@pytest.fixture
def monitor(monitors_group) -> User:
    user = User.objects.create_user("monitor", password="right-password", is_staff=True)
    user.groups.add(monitors_group)
    return user


def log_in(client, password="right-password", **extra):
    return client.post(
        LOGIN, {"username": "monitor", "password": password, "next": "/admin/", **extra}, REMOTE_ADDR="203.0.113.9"
    )


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(client, monitor, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        log_in(client, password="wrong")

    response = log_in(client)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client, monitor, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(5):
            log_in(client, password="wrong")
        assert log_in(client).status_code == 429

        traveller.shift(dt.timedelta(minutes=16))
        response = log_in(client)

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(monitor.pk)


def test_a_monitor_without_a_device_logs_in_with_a_password(client, monitor):
    response = log_in(client)

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_monitor_with_a_device_is_refused_without_its_code(client, monitor):
    TOTPDevice.objects.create(user=monitor, name="phone", confirmed=True)

    response = log_in(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_monitor_with_a_device_logs_in_with_its_code(client, monitor):
    device = TOTPDevice.objects.create(user=monitor, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    response = log_in(client, otp_token=code)

    assert response.status_code == 302, response.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_that_skipped_the_second_factor_is_refused_by_the_admin(client, monitor):
    TOTPDevice.objects.create(user=monitor, name="phone", confirmed=True)
    client.force_login(monitor)  # password only, e.g. a session from before the device

    assert client.get(reverse("admin:index")).status_code == 302


def test_the_command_gives_a_monitor_a_device(monitor, capsys):
    call_command("add_totp_device", "monitor")

    assert capsys.readouterr().out.startswith("otpauth://totp/")
    assert TOTPDevice.objects.filter(user=monitor, confirmed=True).exists()
