from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ranking.formula import formula_markdown, render_doc


class Command(BaseCommand):
    help = "Print the ranking formula as declared in ranking/formula/declaration.py, or render it into docs/ranking.md."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="print the formula (Markdown)")
        parser.add_argument(
            "--write-docs", action="store_true", help="render the generated sections of docs/ranking.md again"
        )

    def handle(self, *args, markdown: bool, write_docs: bool, **options):
        if write_docs:
            path = Path(settings.BASE_DIR) / "docs" / "ranking.md"
            text = path.read_text()
            rendered = render_doc(text)
            if rendered != text:
                path.write_text(rendered)
            self.stdout.write(f"{path}: {'rendered again' if rendered != text else 'up to date'}")
        elif markdown:
            self.stdout.write(formula_markdown(), ending="")
        else:
            raise CommandError("say --markdown or --write-docs")
