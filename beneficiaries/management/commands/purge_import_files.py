from django.conf import settings
from django.core.management.base import BaseCommand

from beneficiaries.tasks import purge_import_files


class Command(BaseCommand):
    help = (
        "Deletes uploaded beneficiary lists older than IMPORT_FILE_RETENTION_DAYS (default 90); the import's row "
        "and counts stay. The worker runs the same purge after every upload; run this from cron as well."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep files this many days instead (default: {settings.IMPORT_FILE_RETENTION_DAYS}).",
        )

    def handle(self, *args, days, **options):
        removed = purge_import_files(days=days)
        self.stdout.write(f"{removed} import file(s) removed.")
