import os

from django.core.management.base import BaseCommand

from pekka.devdata.build import build_demo


class Command(BaseCommand):
    help = "Builds the demo programmes, staff and records from the field reports; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "pekka-demo-2026"),
            help="Password for every demo user (default: $DEMO_PASSWORD or pekka-demo-2026).",
        )

    def handle(self, *args, password, **options):
        counts = build_demo(password=password)
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Demo data ready: {summary}.")
