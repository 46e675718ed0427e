from django.core.management.base import BaseCommand

from search.services import BATCH, reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the rows (reviews, products, brands, tags, people), in batches: "
        "after loading data without signals (bulk loads, fixtures) or after renaming many things."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="Rows per transaction.")

    def handle(self, *args, batch: int, **options):
        def progress(kind: str, count: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{kind}: {count}")

        counts = reindex_all(batch=batch, progress=progress)
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{kind}: {count}" for kind, count in counts.items()))
