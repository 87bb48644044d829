"""`manage.py supervise`: run the supervision sweep once, in-process (the embedded default's scheduler is cron)."""

from django.core.management.base import BaseCommand

from supervision.services.cases import reminders_send
from supervision.services.sweep import supervision_sweep


class Command(BaseCommand):
    help = "Run the supervision sweep once: open and advance supervision cases, queue and send reminders."

    def add_arguments(self, parser):
        parser.add_argument("--no-send", action="store_true", help="Queue reminders but do not send them.")

    def handle(self, *args, **options):
        report = supervision_sweep()
        sent = 0 if options["no_send"] else reminders_send()
        self.stdout.write(f"{report.summary()}; reminders sent: {sent}")
