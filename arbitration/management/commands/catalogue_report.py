"""`manage.py catalogue_report [gaps|overlaps|hotspots] [--csv]`: the catalogue analysis on the terminal."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from arbitration.graph import current_graph
from arbitration.graph.report import REPORT_KINDS, TABLES, report_csv


class Command(BaseCommand):
    help = "Print the duty catalogue's gaps, overlaps or dispute hot spots (as a table, or CSV with --csv)."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=REPORT_KINDS, default="gaps")
        parser.add_argument("--csv", action="store_true", help="Write CSV instead of an aligned table.")

    def handle(self, *args, kind: str, csv: bool, **options):
        graph, now = current_graph(), timezone.now()
        if csv:
            self.stdout.write(report_csv(kind, graph, now), ending="")
            return
        headers, rows = TABLES[kind](graph, now)
        cells = [[str(cell) for cell in row] for row in [headers, *rows]]
        widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
        for row in cells:
            self.stdout.write(
                "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} {kind}"))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
