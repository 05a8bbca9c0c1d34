from django.core.management.base import BaseCommand

from commitments import search


class Command(BaseCommand):
    help = (
        "Rebuild the search index's entries from the records (every write keeps them true; run this after "
        "bulk writes that skip the models, or after changing what a kind indexes)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", action="append", choices=list(search.SEARCH_KINDS), help="only this kind")

    def handle(self, *args, kind: list[str] | None = None, **options) -> None:
        written = search.reindex(kind)
        self.stdout.write(", ".join(f"{count} {name} entries" for name, count in written.items()))
