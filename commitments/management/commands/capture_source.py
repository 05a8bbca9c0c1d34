import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from commitments.models import Source
from commitments.snapshots import store_snapshot


def find_source(identifier: str) -> Source:
    """Return the source with this id, web address or archived copy's address."""
    if identifier.isdigit():
        source = Source.objects.filter(pk=int(identifier)).first()
    else:
        matches = list(Source.objects.filter(url=identifier)) or list(Source.objects.filter(archive_url=identifier))
        if len(matches) > 1:
            raise CommandError(f"{identifier} is the archived copy of {len(matches)} sources; give the source's id.")
        source = matches[0] if matches else None
    if source is None:
        raise CommandError(f"No source with the id or address {identifier!r} (see /sources/ or the admin).")
    return source


class Command(BaseCommand):
    help = (
        "Store a copy of a source (an HTML page, a PDF or a plain-text file) and print its fingerprint. "
        "SOURCE is the source's id, web address or archived copy's address."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", metavar="SOURCE", help="the source's id, web address or archived copy's address")
        parser.add_argument("file", metavar="FILE", help="the copy: .html, .htm, .pdf or .txt")
        parser.add_argument(
            "--captured-at",
            metavar="WHEN",
            help="when the copy was taken, such as 2026-11-30T14:00:00+00:00 (default: now; without an offset, UTC)",
        )

    def handle(self, *args, source: str, file: str, captured_at: str | None = None, **options) -> None:
        now = timezone.now()
        found = find_source(source)
        when = now
        if captured_at:
            try:
                when = dt.datetime.fromisoformat(captured_at)
            except ValueError:
                raise CommandError(f"--captured-at: {captured_at!r} is not a date and time.") from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file. Nothing was stored.")
        try:
            with path.open("rb") as handle:
                snapshot = store_snapshot(found, handle, name=path.name, captured_at=when, now=now)
        except ValidationError as error:
            raise CommandError(f"{file}: {' '.join(error.messages)} Nothing was stored.") from None
        except OSError as error:
            raise CommandError(f"{file}: cannot read it ({error.strerror or error}). Nothing was stored.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Stored snapshot #{snapshot.pk} of source #{found.pk} ({found}).")
            + f"\n  type:     {snapshot.get_content_type_display()} ({snapshot.content_type})"
            + f"\n  size:     {snapshot.size} bytes ({filesizeformat(snapshot.size)})"
            + f"\n  SHA-256:  {snapshot.sha256}"
            + f"\n  captured: {snapshot.captured_at.isoformat()}"
        )
