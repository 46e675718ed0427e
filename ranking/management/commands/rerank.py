from django.core.management.base import BaseCommand
from tqdm import tqdm

from ranking import services
from ranking.engine import FULL_STEPS, INCREMENTAL_STEPS


class Command(BaseCommand):
    help = "Recompute review scores, reputation, levels, product rankings and invited testers."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute everything, not only what changed")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, full: bool, no_progress: bool, **options):
        steps = FULL_STEPS if full else INCREMENTAL_STEPS
        with tqdm(total=len(steps), unit="step", disable=no_progress, file=self.stderr) as bar:
            seen: list[str] = []

            def progress(step: str) -> None:
                if not step:
                    return
                if seen:
                    bar.update(1)
                seen.append(step)
                bar.set_description(step)

            result = services.rerank(full=full, progress=progress)
            bar.update(bar.total - bar.n)
        if result.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped: another rerank is running ({result.reason})."))
            return
        changes = ", ".join(f"{k}={v}" for k, v in sorted(result.changes.items())) or "nothing changed"
        self.stdout.write(self.style.SUCCESS(f"{result.kind} rerank done in {result.duration_ms:.0f} ms: {changes}"))
