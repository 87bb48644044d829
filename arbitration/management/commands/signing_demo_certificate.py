"""`manage.py signing_demo_certificate`: a self-signed certificate and key for signing issued PDFs in a demo.

Never for production: a third party trusts only the centre's real certificate (docs/documents.md, "Signing")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from arbitration.documents.signing import demo_certificate_create


class Command(BaseCommand):
    help = "Create a self-signed demo certificate and key for signing issued PDFs (default under var/signing/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(settings.MINGZE_SIGNING_DEMO_DIR))

    def handle(self, *args, directory: str, **options) -> None:
        cert, key = demo_certificate_create(Path(directory))
        self.stdout.write(f"MINGZE_SIGNING_CERT={cert}\nMINGZE_SIGNING_KEY={key}\n")
