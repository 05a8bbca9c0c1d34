from django.core.management.base import BaseCommand, CommandError

from commitments.seeding import SeedError, load_agreement_file, load_order


class Command(BaseCommand):
    help = "Load an agreement from a seed file (see seeds/README.md). Loading the same file twice changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="FILE", help="seed file(s), such as seeds/karabakh-2020.yaml")

    def handle(self, *args, paths: list[str], **options) -> None:
        # Each file after the files of the agreements it links to.
        for path in load_order(paths):
            try:
                report = load_agreement_file(path)
            except SeedError as error:
                raise CommandError(f"{error}\nNothing was loaded from {path}.") from None
            if report.changed:
                created = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items())) or "nothing"
                updated = ", ".join(f"{count} {kind}" for kind, count in sorted(report.updated.items())) or "nothing"
                self.stdout.write(self.style.SUCCESS(f"{path}: created {created}; updated {updated}."))
            else:
                self.stdout.write(f"{path}: already loaded, nothing changed.")
