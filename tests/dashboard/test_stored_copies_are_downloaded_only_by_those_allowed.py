"""A stored copy is downloaded through a view that checks who may: monitors only by default
(the publishers' copyright), anyone with SOURCE_SNAPSHOTS_PUBLIC; never from a public media URL."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import make_snapshot, make_source

PAGE = b"<!DOCTYPE html><html><body><p>Lachin handed over.</p></body></html>"


@pytest.fixture
def snapshot(db, snapshot_storage):
    source = make_source("TASS", "Lachin handed over", url="https://tass.example/lachin")
    return make_snapshot(source, PAGE)


@pytest.fixture
def monitor(monitors_group) -> User:
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    return user


def test_the_public_cannot_download_a_copy_by_default(client, snapshot, settings):
    assert settings.SOURCE_SNAPSHOTS_PUBLIC is False

    response = client.get(snapshot.get_download_url())

    assert response.status_code == 403


def test_a_monitor_downloads_the_copy_as_an_attachment(client, snapshot, monitor):
    client.force_login(monitor)

    response = client.get(snapshot.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PAGE
    assert response["Content-Type"] == "text/html"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"


def test_staff_outside_the_monitors_group_cannot_download(client, snapshot):
    client.force_login(User.objects.create_user("clerk", password="pw", is_staff=True))

    assert client.get(snapshot.get_download_url()).status_code == 403


def test_with_the_setting_on_anyone_downloads(client, snapshot, settings):
    settings.SOURCE_SNAPSHOTS_PUBLIC = True

    response = client.get(snapshot.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PAGE


def test_a_copy_is_only_found_under_its_own_source(client, snapshot, monitor):
    client.force_login(monitor)
    other = make_source("Al Jazeera", "Aghdam")

    assert client.get(f"/sources/{other.pk}/copies/{snapshot.pk}/").status_code == 404


def test_the_source_page_links_the_download_only_for_monitors_by_default(client, snapshot, monitor):
    page = reverse("dashboard:source_detail", args=[snapshot.source_id])
    download = snapshot.get_download_url()

    anonymous = client.get(page).content.decode()
    client.force_login(monitor)
    as_monitor = client.get(page).content.decode()
    client.logout()
    anonymous_again = client.get(page).content.decode()

    assert download not in anonymous and "available to monitors only" in anonymous
    assert download in as_monitor
    assert download not in anonymous_again  # the monitor's page was never cached for the public


def test_with_the_setting_on_the_source_page_links_the_download_for_everyone(client, snapshot, settings):
    settings.SOURCE_SNAPSHOTS_PUBLIC = True

    html = client.get(reverse("dashboard:source_detail", args=[snapshot.source_id])).content.decode()

    assert snapshot.get_download_url() in html
    assert "available to monitors only" not in html


def test_stored_files_are_not_under_any_public_url(client, snapshot, snapshot_storage):
    assert (snapshot_storage / snapshot.stored_as).exists()

    assert client.get(f"/media/{snapshot.stored_as}").status_code == 404
    assert client.get(f"/{snapshot.stored_as}").status_code == 404
