"""In the admin a monitor uploads a stored copy on the source's page, sees its fingerprint and the
link checks (latest and history, read-only), and filters sources whose link is gone or changed."""

import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.admin import NewSnapshotFormSet
from commitments.models import Source, SourceCheck, SourceSnapshot
from tests.conftest import utc
from tests.factories import add_link_check, make_snapshot, make_source

PAGE = b"<!DOCTYPE html><html><body><p>Kalbajar handed over.</p></body></html>"


@pytest.fixture
def monitor(monitors_group) -> User:
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    return user


@pytest.fixture
def monitor_client(client, monitor):
    client.force_login(monitor)
    return client


@pytest.fixture
def source(db) -> Source:
    return make_source("TASS", "Lachin and Kalbajar handed over", url="https://tass.example/1")


def change_url(source) -> str:
    return reverse("admin:commitments_source_change", args=[source.pk])


def upload_form(response, upload, captured_at=("", "")) -> dict:
    """The source's change form as the browser sends it, with a file in the new-copy inline."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value != "" and value is not False:
                data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        if isinstance(formset, NewSnapshotFormSet):
            prefix = formset.forms[0].prefix
            data[f"{prefix}-upload"] = upload
            data[f"{prefix}-captured_at_0"], data[f"{prefix}-captured_at_1"] = captured_at
    return data


def test_a_monitor_uploads_a_copy_on_the_source_page(monitor_client, monitor, source, snapshot_storage):
    page = monitor_client.get(change_url(source))
    upload = SimpleUploadedFile("tass.html", PAGE, content_type="text/html")

    response = monitor_client.post(change_url(source), upload_form(page, upload, ("2020-12-01", "12:00:00")))

    assert response.status_code == 302, response.context and response.context["errors"]
    snapshot = SourceSnapshot.objects.get()
    assert (snapshot.source, snapshot.sha256, snapshot.size) == (source, hashlib.sha256(PAGE).hexdigest(), len(PAGE))
    assert (snapshot.recorded_by, snapshot.captured_at) == (monitor, utc(2020, 12, 1, 12))
    assert (snapshot_storage / snapshot.stored_as).read_bytes() == PAGE


def test_the_page_shows_each_copy_s_fingerprint_size_type_and_capture_time(monitor_client, source, snapshot_storage):
    snapshot = make_snapshot(source, PAGE, captured_at=utc(2020, 12, 1, 12))

    html = monitor_client.get(change_url(source)).content.decode()

    assert snapshot.sha256 in html
    assert f"{len(PAGE)} bytes" in html
    assert "HTML" in html and "2020-12-01 12:00" in html
    assert snapshot.get_download_url() in html


def test_a_file_of_the_wrong_kind_is_refused_with_a_message_and_nothing_stored(
    monitor_client, source, snapshot_storage
):
    page = monitor_client.get(change_url(source))
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")

    response = monitor_client.post(change_url(source), upload_form(page, upload))

    assert response.status_code == 200
    assert "only HTML (.html, .htm), PDF (.pdf) and plain text (.txt)" in response.content.decode()
    assert not SourceSnapshot.objects.exists()
    assert not snapshot_storage.exists() or not any(snapshot_storage.rglob("*.*"))


def test_the_same_copy_again_is_refused(monitor_client, source, snapshot_storage):
    make_snapshot(source, PAGE)
    page = monitor_client.get(change_url(source))

    response = monitor_client.post(change_url(source), upload_form(page, SimpleUploadedFile("again.html", PAGE)))

    assert "This source already has this exact copy" in response.content.decode()
    assert SourceSnapshot.objects.count() == 1


def test_saving_the_page_without_a_file_stores_nothing(monitor_client, source, snapshot_storage):
    page = monitor_client.get(change_url(source))
    data = upload_form(page, "")
    data["notes"] = "Checked by hand."

    response = monitor_client.post(change_url(source), data)

    assert response.status_code == 302
    assert not SourceSnapshot.objects.exists()
    source.refresh_from_db()
    assert source.notes == "Checked by hand."


def test_the_page_shows_the_latest_check_of_each_link_and_the_whole_history(monitor_client, source):
    source.archive_url = "https://web.archive.example/2020/https://tass.example/1"
    source.save()
    add_link_check(source, SourceCheck.Outcome.REACHABLE, checked_at=utc(2026, 11, 23))
    add_link_check(source, SourceCheck.Outcome.GONE, checked_at=utc(2026, 11, 30))
    add_link_check(source, SourceCheck.Outcome.REACHABLE, link=SourceCheck.Link.ARCHIVE, checked_at=utc(2026, 11, 30))

    response = monitor_client.get(change_url(source))
    html = response.content.decode()

    assert "checked 2026-11-30: gone (HTTP 404)" in html
    assert (
        "Archived copy (https://web.archive.example/2020/https://tass.example/1): checked 2026-11-30: reachable" in html
    )
    history = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is SourceCheck)
    assert len(history.forms) == 3
    assert history.forms[0].instance.checked_at == utc(2026, 11, 30)
    assert not history.can_delete


def test_the_sources_list_filters_links_gone_or_changed(monitor_client, source):
    fine = make_source("Al Jazeera", "Aghdam", url="https://aljazeera.example/1")
    changed = make_source("JAMnews", "Kalbajar postponed", url="https://jam.example/1")
    unchecked = make_source("Kommersant", "Deployment", url="https://kommersant.example/1")
    add_link_check(source, SourceCheck.Outcome.GONE)
    add_link_check(fine, SourceCheck.Outcome.REACHABLE)
    add_link_check(changed, SourceCheck.Outcome.CHANGED)

    def listed(query: str) -> set:
        response = monitor_client.get(reverse("admin:commitments_source_changelist") + query)
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed("?link_check=gone_or_changed") == {source, changed}
    assert listed("?link_check=reachable") == {fine}
    assert listed("?link_check=not_checked") == {unchecked}
    assert "Link gone or changed" in monitor_client.get(reverse("admin:commitments_source_changelist")).content.decode()


def test_monitors_may_not_record_or_change_link_checks(monitor):
    assert monitor.has_perm("commitments.view_sourcecheck")
    assert monitor.has_perm("commitments.add_sourcesnapshot")
    assert not monitor.has_perm("commitments.add_sourcecheck")
    assert not monitor.has_perm("commitments.change_sourcesnapshot")
    assert not monitor.has_perm("commitments.delete_sourcesnapshot")


def test_a_new_source_can_be_recorded_with_its_copy(monitor_client, snapshot_storage):
    add_url = reverse("admin:commitments_source_add")
    page = monitor_client.get(add_url)
    data = upload_form(page, SimpleUploadedFile("report.pdf", b"%PDF-1.7\nreport"))
    data.update(
        publisher="OSCE",
        title="Report",
        published_on="2020-12-01",
        published_on_precision="day",
        language="en",
        kind="ngo_igo_report",
        url="https://osce.example/report",
        archive_url="https://archive.example/osce-report",
    )

    response = monitor_client.post(add_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    source = Source.objects.get(publisher="OSCE")
    assert source.archive_url == "https://archive.example/osce-report"
    assert source.latest_snapshot().content_type == "application/pdf"


def test_an_archived_copy_that_is_not_a_web_address_is_refused(monitor_client, source):
    page = monitor_client.get(change_url(source))
    data = upload_form(page, "")
    data["archive_url"] = "javascript:alert(1)"

    response = monitor_client.post(change_url(source), data)

    assert response.status_code == 200
    assert "Enter a web address that starts with http:// or https://." in response.content.decode()
    source.refresh_from_db()
    assert source.archive_url == ""
