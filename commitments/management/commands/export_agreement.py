import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.models import Agreement
from commitments.seeding import dump_seed, export_agreement


class Command(BaseCommand):
    help = (
        "Write agreements in the seed format (seeds/README.md), everything recorded about them "
        "included (drafts too, with their review state: the public download leaves them out); "
        "load_agreement rebuilds them. With --all and --output DIR, one file per agreement."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG")
        parser.add_argument("--all", action="store_true", help="every agreement")
        parser.add_argument("--output", "-o", help="a file (one agreement) or a directory (--all); default: stdout")

    def handle(self, *args, slugs: list[str], all: bool, output: str | None, **options) -> None:
        agreements = list(Agreement.objects.all() if all else Agreement.objects.filter(slug__in=slugs))
        missing = set(slugs) - {agreement.slug for agreement in agreements}
        if missing:
            raise CommandError(f"No agreement with slug {', '.join(sorted(missing))}.")
        if not agreements:
            raise CommandError("Name one or more agreement slugs, or --all.")
        if all or len(agreements) > 1:
            if not output:
                raise CommandError("Several agreements go to a directory: add --output DIR.")
            directory = Path(output)
            directory.mkdir(parents=True, exist_ok=True)
            for agreement in agreements:
                path = directory / f"{agreement.slug}.yaml"
                path.write_text(dump_seed(export_agreement(agreement, include_drafts=True)), encoding="utf-8")
                self.stderr.write(f"wrote {path}")
            return
        text = dump_seed(export_agreement(agreements[0], include_drafts=True))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
