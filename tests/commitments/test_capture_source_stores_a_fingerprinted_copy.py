"""`manage.py capture_source SOURCE FILE` keeps a copy of a source through the storage API and
prints its fingerprint; a bad file, size or source is refused with a message, and nothing is written."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments.models import SourceSnapshot
from commitments.snapshots import open_snapshot
from tests.factories import make_source

pytestmark = pytest.mark.django_db

PAGE = "<!DOCTYPE html>\n<html lang='ru'><body><p>Лавров: обмен пленными идёт.</p></body></html>\n".encode()


@pytest.fixture
def source(db):
    return make_source("Azatutyun", "Lavrov and Ayvazian", url="https://www.azatutyun.am/a/30988000.html")


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_it_stores_the_file_and_prints_its_fingerprint(source, tmp_path, snapshot_storage, capsys):
    call_command("capture_source", str(source.pk), write(tmp_path, "azatutyun.html", PAGE))

    snapshot = SourceSnapshot.objects.get()
    sha256 = hashlib.sha256(PAGE).hexdigest()
    assert (snapshot.source, snapshot.sha256, snapshot.size) == (source, sha256, len(PAGE))
    assert snapshot.content_type == "text/html"
    assert snapshot.original_name == "azatutyun.html"
    with open_snapshot(snapshot) as stored:
        assert stored.read() == PAGE
    assert stored_files(snapshot_storage) == [snapshot_storage / snapshot.stored_as]
    out = capsys.readouterr().out
    assert f"SHA-256:  {sha256}" in out
    assert f"{len(PAGE)} bytes" in out


def test_the_source_can_be_named_by_its_address(source, tmp_path, snapshot_storage):
    call_command("capture_source", source.url, write(tmp_path, "page.pdf", b"%PDF-1.7\n1 0 obj\n"))

    assert SourceSnapshot.objects.get().content_type == "application/pdf"


def test_a_text_file_and_a_capture_time_are_kept(source, tmp_path, snapshot_storage):
    call_command(
        "capture_source",
        str(source.pk),
        write(tmp_path, "statement.txt", "Заявление\n".encode()),
        "--captured-at",
        "2020-12-07T10:00:00+03:00",
    )

    snapshot = SourceSnapshot.objects.get()
    assert snapshot.content_type == "text/plain"
    assert snapshot.captured_at.isoformat() == "2020-12-07T07:00:00+00:00"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n", "only HTML (.html, .htm), PDF (.pdf) and plain text (.txt)"),
        ("page.html", b"\x89PNG\r\n\x1a\n", "neither an HTML page, a PDF nor plain text"),
        ("report.pdf", b"<html><body>not a pdf</body></html>", "named .pdf but is not a PDF"),
        ("report.html", b"%PDF-1.4\n", "is a PDF but is named .html"),
        ("empty.txt", b"", "The file is empty"),
        ("binary", b"\x00\x01\x02", "neither an HTML page, a PDF nor plain text"),
    ],
)
def test_a_file_that_is_not_html_pdf_or_text_is_refused(source, tmp_path, snapshot_storage, name, content, message):
    with pytest.raises(CommandError, match="Nothing was stored") as refused:
        call_command("capture_source", str(source.pk), write(tmp_path, name, content))

    assert message in str(refused.value)
    assert not SourceSnapshot.objects.exists()
    assert stored_files(snapshot_storage) == []


def test_a_file_over_the_size_limit_is_refused(source, tmp_path, snapshot_storage, settings):
    settings.SOURCE_SNAPSHOT_MAX_BYTES = 100

    with pytest.raises(CommandError, match="larger than 100"):
        call_command("capture_source", str(source.pk), write(tmp_path, "big.txt", b"x" * 101))

    assert not SourceSnapshot.objects.exists()
    assert stored_files(snapshot_storage) == []


def test_an_unknown_source_a_missing_file_and_a_bad_time_are_refused(source, tmp_path, snapshot_storage):
    page = write(tmp_path, "page.html", PAGE)
    with pytest.raises(CommandError, match="No source with the id or address '999'"):
        call_command("capture_source", "999", page)
    with pytest.raises(CommandError, match="No source with the id or address"):
        call_command("capture_source", "https://unknown.example/", page)
    with pytest.raises(CommandError, match="no such file"):
        call_command("capture_source", str(source.pk), str(tmp_path / "missing.html"))
    with pytest.raises(CommandError, match="not a date and time"):
        call_command("capture_source", str(source.pk), page, "--captured-at", "yesterday")
    with pytest.raises(CommandError, match="cannot be captured in the future"):
        call_command("capture_source", str(source.pk), page, "--captured-at", "2999-01-01T00:00:00")

    assert not SourceSnapshot.objects.exists()
    assert stored_files(snapshot_storage) == []


def test_the_same_copy_twice_is_refused_and_the_first_kept(source, tmp_path, snapshot_storage):
    page = write(tmp_path, "page.html", PAGE)
    call_command("capture_source", str(source.pk), page)

    with pytest.raises(CommandError, match="already has this exact copy"):
        call_command("capture_source", str(source.pk), page)

    assert SourceSnapshot.objects.count() == 1
    assert len(stored_files(snapshot_storage)) == 1


def test_a_changed_page_gets_a_new_snapshot_and_the_old_one_stays(source, tmp_path, snapshot_storage):
    call_command("capture_source", str(source.pk), write(tmp_path, "v1.html", PAGE), "--captured-at", "2020-12-07")
    call_command("capture_source", str(source.pk), write(tmp_path, "v2.html", PAGE + b"<!-- corrected -->"))

    first, second = SourceSnapshot.objects.order_by("captured_at")
    assert source.latest_snapshot() == second
    assert first.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert len(stored_files(snapshot_storage)) == 2
