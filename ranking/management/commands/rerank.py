import json
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ranking import services
from ranking.engine import FULL_STEPS, INCREMENTAL_STEPS
from ranking.models import RerankRun, SplitRun
from ranking.selectors import ranking_digest


class Command(BaseCommand):
    help = "Recompute review scores, reputation, levels, product rankings and invited testers."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute everything, not only what changed")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        parser.add_argument(
            "--split", type=int, metavar="N", help="full run split into N review-id ranges (computed here by default)"
        )
        parser.add_argument(
            "--via-workers", action="store_true", help="with --split: hand the parts to the ranking workers and wait"
        )
        parser.add_argument("--timeout", type=float, default=3600, help="with --via-workers: seconds to wait")
        parser.add_argument("--snapshot", action="store_true", help="print a fingerprint of the ranking and exit")

    def handle(self, *args, full: bool, no_progress: bool, split, via_workers: bool, timeout: float, **options):
        if options["snapshot"]:
            self.stdout.write(json.dumps(ranking_digest(), sort_keys=True))
            return
        if split is not None and not full:
            raise CommandError("--split applies to a full run: add --full.")
        if via_workers and split is None:
            raise CommandError("--via-workers needs --split N.")
        if via_workers:
            return self.via_workers(split, timeout)
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

            if split is not None:
                result = services.rerank_split_in_process(parts=split, progress=progress)
            else:
                result = services.rerank(full=full, progress=progress)
            bar.update(bar.total - bar.n)
        if result.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped: another rerank is running ({result.reason})."))
            return
        self.report(result.kind, result.duration_ms, result.changes)

    def via_workers(self, parts: int, timeout: float) -> None:
        from ranking.tasks import start_split

        began = time.monotonic()
        key = start_split(parts)
        if key is None:
            self.stdout.write(self.style.WARNING("Skipped: another rerank is running (locked)."))
            return
        self.stderr.write(f"split {key} into {parts} parts; waiting for the ranking workers")
        while time.monotonic() - began < timeout:
            split = SplitRun.objects.filter(run_key=key).first()
            if split is None:
                raise CommandError("The split run was abandoned (a part failed); see the worker logs.")
            if split.finished_at is not None:
                run = RerankRun.objects.filter(status=RerankRun.Status.DONE, kind=RerankRun.Kind.FULL).first()
                changes = (run.changes or {}).get("rows", {}) if run else {}
                self.report("full (split)", (time.monotonic() - began) * 1000, changes)
                return
            time.sleep(0.5)
        raise CommandError(f"The split run did not finish within {timeout:.0f} s.")

    def report(self, kind: str, duration_ms: float, changes: dict) -> None:
        rows = sum(changes.values())
        detail = ", ".join(f"{k}={v}" for k, v in sorted(changes.items())) or "nothing changed"
        self.stdout.write(
            self.style.SUCCESS(f"{kind} rerank done in {duration_ms:.0f} ms: {rows} rows changed ({detail})")
        )
