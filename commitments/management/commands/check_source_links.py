import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commitments.link_checks import check_source_links
from commitments.models import Source


class Command(BaseCommand):
    help = (
        "Fetch each source's web address and archived copy and record what was found: reachable, "
        "redirected, gone or changed since the stored copy. Sources checked within --older-than days "
        "are left alone, so running it twice (or twice at once) checks nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--source",
            type=int,
            action="append",
            dest="source_ids",
            metavar="ID",
            help="check only this source (repeatable), however recently it was checked",
        )
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="DAYS",
            default=None,
            help=f"check sources last checked more than DAYS ago, or never (default: "
            f"SOURCE_LINK_CHECK_OLDER_THAN_DAYS, now {settings.SOURCE_LINK_CHECK_OLDER_THAN_DAYS}; 0: every source)",
        )
        parser.add_argument("--limit", type=int, metavar="N", help="check at most N sources")

    def handle(self, *args, source_ids=None, older_than=None, limit=None, **options) -> None:
        if older_than is None:
            older_than = settings.SOURCE_LINK_CHECK_OLDER_THAN_DAYS
        if older_than < 0:
            raise CommandError("--older-than must be zero or more days.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if source_ids:
            known = set(Source.objects.filter(pk__in=source_ids).values_list("pk", flat=True))
            missing = sorted(set(source_ids) - known)
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, missing))}.")
            without_links = sorted(known - set(Source.objects.with_links().values_list("pk", flat=True)))
            if without_links:
                self.stdout.write(f"Source(s) {', '.join(map(str, without_links))} have no link to check.")

        def report(source, checks) -> None:
            for check in checks:
                self.stdout.write(f"#{source.pk} {check.get_link_display().lower()} {check.url}: {check.describe()}")

        run = check_source_links(
            timezone.now(),
            older_than=dt.timedelta(days=older_than),
            source_ids=source_ids,
            limit=limit,
            on_checked=report,
        )
        summary = f"Checked {run.checked} source(s); {run.gone_or_changed} with a link gone or changed."
        if run.remaining:
            summary += f" {run.remaining} more due (--limit)."
        self.stdout.write(self.style.SUCCESS(summary) if not run.gone_or_changed else self.style.WARNING(summary))
