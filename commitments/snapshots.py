"""Stored copies of sources: checking a file, fingerprinting it and keeping it.

A copy is kept through Django's storage API under the alias "source_snapshots"
(settings.STORAGES), never at a public URL: dashboard's download view decides who may
read it (commitments.models.may_download_snapshots). The admin and the command
`capture_source` both record through store_snapshot(), so they refuse the same files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Source, SourceSnapshot

ContentType = SourceSnapshot.ContentType

# What a file's name may say it is.
EXTENSIONS = {
    ".html": ContentType.HTML,
    ".htm": ContentType.HTML,
    ".pdf": ContentType.PDF,
    ".txt": ContentType.TEXT,
}
# Beginnings of binary formats that are neither HTML nor text (images, archives, office files).
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"Rar!")
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
SNIFF_BYTES = 8192
CHUNK = 64 * 1024


def snapshot_storage() -> Storage:
    """Return the storage that keeps stored copies (settings.STORAGES["source_snapshots"])."""
    return storages["source_snapshots"]


@dataclass(frozen=True)
class Fingerprint:
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str | None:
    """Return what the first bytes of a file show it to be: PDF, HTML or plain text, or None for anything else."""
    if head.startswith(b"%PDF-"):
        return ContentType.PDF
    if b"\x00" in head or head.startswith(BINARY_SIGNATURES):
        return None
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in lowered for marker in HTML_MARKERS):
        return ContentType.HTML
    return ContentType.TEXT


def fingerprint_file(file: IO[bytes], name: str, max_bytes: int | None = None) -> Fingerprint:
    """Check that `file` is an HTML page, a PDF or plain text no larger than the limit
    (settings.SOURCE_SNAPSHOT_MAX_BYTES), and return its type, size and SHA-256.

    The type comes from the content; a name's extension, when it has one, must agree
    (a .pdf must be a PDF; .html, .htm and .txt must be text, and say which kind).
    Raises ValidationError with a message for the monitor otherwise.
    """
    max_bytes = settings.SOURCE_SNAPSHOT_MAX_BYTES if max_bytes is None else max_bytes
    extension = PurePath(name or "").suffix.lower()
    if extension and extension not in EXTENSIONS:
        raise ValidationError(
            _(
                "%(name)s is not a stored copy the tracker keeps: only HTML (.html, .htm), PDF (.pdf) "
                "and plain text (.txt) files."
            ),
            params={"name": name},
        )
    file.seek(0)
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := file.read(CHUNK):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                _("The file is larger than %(limit)s, the most a stored copy may be (SOURCE_SNAPSHOT_MAX_BYTES)."),
                params={"limit": filesizeformat(max_bytes)},
            )
        digest.update(chunk)
    file.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty."))
    sniffed = sniff_content_type(head)
    if sniffed is None:
        raise ValidationError(_("The file is neither an HTML page, a PDF nor plain text."))
    declared = EXTENSIONS.get(extension)
    if declared == ContentType.PDF and sniffed != ContentType.PDF:
        raise ValidationError(_("The file is named .pdf but is not a PDF."))
    if declared in (ContentType.HTML, ContentType.TEXT) and sniffed == ContentType.PDF:
        raise ValidationError(_("The file is a PDF but is named %(extension)s."), params={"extension": extension})
    # An HTML page saved as .txt is kept as text, and a page whose markup starts late as HTML.
    content_type = declared or sniffed
    return Fingerprint(content_type=content_type, size=size, sha256=digest.hexdigest())


def store_snapshot(
    source: Source,
    file: IO[bytes],
    *,
    name: str,
    captured_at: dt.datetime,
    now: dt.datetime,
    recorded_by=None,
) -> SourceSnapshot:
    """Check `file`, keep it in the snapshot storage and record it as a stored copy of `source`.

    Refuses (ValidationError, nothing written) a file of the wrong type or size, a copy
    captured in the future (after `now`), or content this source already has a copy of.
    """
    fingerprint = fingerprint_file(file, name)
    if captured_at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("A copy cannot be captured in the future (%(when)s)."), params={"when": captured_at})
    existing = source.snapshots.filter(sha256=fingerprint.sha256).first()
    if existing:
        raise ValidationError(
            _("Source #%(source)s already has this exact copy (snapshot #%(pk)s, captured %(when)s)."),
            params={"source": source.pk, "pk": existing.pk, "when": f"{existing.captured_at:%Y-%m-%d %H:%M} UTC"},
        )
    storage = snapshot_storage()
    extension = {ContentType.HTML: "html", ContentType.PDF: "pdf"}.get(fingerprint.content_type, "txt")
    stored_as = storage.save(f"source-{source.pk}/{fingerprint.sha256}.{extension}", File(file))
    try:
        with transaction.atomic():
            return SourceSnapshot.objects.create(
                source=source,
                stored_as=stored_as,
                original_name=PurePath(name or "").name[:255],
                content_type=fingerprint.content_type,
                size=fingerprint.size,
                sha256=fingerprint.sha256,
                captured_at=captured_at,
                recorded_by=recorded_by,
                recorded_at=now,
            )
    except Exception:
        storage.delete(stored_as)  # the row was not written: keep no orphan file
        raise


def open_snapshot(snapshot: SourceSnapshot) -> IO[bytes]:
    """Return the stored copy's file, opened for reading."""
    return snapshot_storage().open(snapshot.stored_as, "rb")
