import sys
import time

from django.core.management.base import BaseCommand

from devtools.synthetic import Scale, make_synthetic_data


class Command(BaseCommand):
    help = "Add a synthetic dataset at a chosen scale (for benchmarks). Defaults: the issue's full scale."

    def add_arguments(self, parser) -> None:
        defaults = Scale()
        parser.add_argument("--agreements", type=int, default=defaults.agreements)
        parser.add_argument("--commitments", type=int, default=defaults.commitments)
        parser.add_argument("--status-updates", type=int, default=defaults.status_updates)
        parser.add_argument("--parties", type=int, default=defaults.parties)
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument("--subscribers", type=int, default=defaults.subscribers)
        parser.add_argument("--seed", type=int, default=2020, help="random seed: the same seed makes the same data")

    def handle(self, *args, **options) -> None:
        scale = Scale(
            agreements=options["agreements"],
            commitments=options["commitments"],
            status_updates=options["status_updates"],
            parties=options["parties"],
            sources=options["sources"],
            subscribers=options["subscribers"],
        )
        started = time.monotonic()

        def progress(label: str, done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r{label:>20} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        counts = make_synthetic_data(scale, seed=options["seed"], progress=progress)
        summary = ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary} in {time.monotonic() - started:.0f} s."))
