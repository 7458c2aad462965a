import os

from django.core.management.base import BaseCommand, CommandError

from pekka.devdata.build import NotADemoDatabase, build_demo


class Command(BaseCommand):
    help = (
        "Builds the demo programmes, staff and records from the field reports; safe to run again. Refuses a "
        "database that holds other users or programmes unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "pekka-demo-2026"),
            help="Password for every demo user (default: $DEMO_PASSWORD or pekka-demo-2026).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Build the demo even though the database holds users or programmes that are not the demo's.",
        )

    def handle(self, *args, password, force, **options):
        try:
            counts = build_demo(password=password, force=force)
        except NotADemoDatabase as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Demo data ready: {summary}.")
