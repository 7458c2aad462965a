from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.importing.batches import build_report, commit_batch
from beneficiaries.importing.match import match_rows
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import ImportFileError, parse_rows
from beneficiaries.models import ImportBatch, ImportStatus
from pekka.programmes.models import Programme
from pekka.spreadsheets import max_bytes, max_rows, too_big_message


class Command(BaseCommand):
    help = (
        "Imports a beneficiary list (XLSX or CSV) into a programme: checks every row, then writes the valid rows in "
        "one transaction. Exits 1 when a row is invalid, 2 when the file cannot be imported at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the XLSX or CSV file")
        parser.add_argument("--programme", required=True, help="the programme's code (slug)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--sheet", default="", help="the workbook's sheet to read (default: the first)")
        parser.add_argument("--all-or-nothing", action="store_true", help="write nothing if any row is invalid")
        parser.add_argument("--user", default="", help="the user name recorded as the import's author")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            codes = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No programme with the code {options['programme']!r} (codes: {codes})", returncode=2)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}", returncode=2)
        if path.stat().st_size > max_bytes():
            raise CommandError(too_big_message(), returncode=2)
        if options["dry_run"]:
            report = self._check(path, programme=programme, sheet=options["sheet"])
        else:
            report = self._commit(
                path, programme=programme, sheet=options["sheet"], user=user, all_or_nothing=options["all_or_nothing"]
            )
        self._print(report, written=not options["dry_run"])

    def _check(self, path: Path, *, programme, sheet: str) -> dict:
        try:
            with open(path, "rb") as file:
                parsed = parse_rows(file, filename=path.name, sheet=sheet, max_rows=max_rows())
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        return {"status": "dry-run", "message": "", **build_report(match_rows(parsed, programme=programme))}

    def _commit(self, path: Path, *, programme, sheet: str, user, all_or_nothing: bool) -> dict:
        with open(path, "rb") as file:
            batch = ImportBatch.objects.create(
                programme=programme,
                file=File(file, name=path.name),
                file_name=path.name,
                sheet=sheet,
                uploaded_by=user,
                language=settings.LANGUAGE_CODE,
            )
        batch = commit_batch(batch=batch, by=user, all_or_nothing=all_or_nothing)
        if batch.status == ImportStatus.FAILED or (batch.status != ImportStatus.COMMITTED and not batch.report):
            raise CommandError(batch.message, returncode=2)  # unreadable, or the database refused a write
        return {"status": batch.status, "message": batch.message, "batch": batch.pk, **batch.report}

    def _print(self, report: dict, *, written: bool) -> None:
        counts = report["counts"]
        self.stdout.write(
            ngettext(
                "%(total)s row: %(new)s new, %(update)s updates, %(unchanged)s unchanged, %(invalid)s invalid.",
                "%(total)s rows: %(new)s new, %(update)s updates, %(unchanged)s unchanged, %(invalid)s invalid.",
                counts["total"],
            )
            % {
                "total": counts["total"],
                "new": counts[Action.NEW],
                "update": counts[Action.UPDATE],
                "unchanged": counts[Action.UNCHANGED],
                "invalid": counts[Action.INVALID],
            }
        )
        if report.get("unknown_columns"):
            self.stdout.write(_("Columns not known, so not imported:") + " " + ", ".join(report["unknown_columns"]))
        for _row, message in report["errors"]:
            self.stdout.write(message)
        if report.get("errors_truncated"):
            self.stdout.write(_("Only the first problems are listed here; the error file has all of them."))
        if report.get("message"):
            self.stdout.write(report["message"])
        elif not counts[Action.NEW] and not counts[Action.UPDATE] and not counts[Action.INVALID]:
            self.stdout.write(_("Every row matches what is registered: importing this file changes nothing."))
        elif written and report["status"] == ImportStatus.COMMITTED:
            self.stdout.write(self.style.SUCCESS(_("Imported (import #%(pk)s).") % {"pk": report["batch"]}))
        elif not written:
            self.stdout.write(_("Dry run: nothing was written."))
        if counts[Action.INVALID]:
            invalid = counts[Action.INVALID]
            message = ngettext("%(n)s row is invalid.", "%(n)s rows are invalid.", invalid) % {"n": invalid}
            raise CommandError(message, returncode=1)
