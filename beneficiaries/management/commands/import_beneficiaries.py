import csv
import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.importing.aliases import remember_alias
from beneficiaries.importing.batches import build_report, commit_batch
from beneficiaries.importing.columns import ALIASES, header_key
from beneficiaries.importing.match import match_rows
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import ImportFileError, parse_rows
from beneficiaries.models import ImportAlias, ImportBatch, ImportStatus
from pekka.programmes.models import Programme
from pekka.spreadsheets import max_bytes, max_rows, too_big_message


class Command(BaseCommand):
    help = (
        "Imports a beneficiary list (XLSX or CSV) into a programme: checks every row, then writes the valid rows in "
        "one transaction. Values that are not in the official lists (a misspelt kecamatan, a business type written "
        "freely) are listed once each with their suggestions; --accept-suggestions takes the first suggestion of "
        "each, --mapping FILE says what they mean (columns kolom;wilayah;nilai;kode — field, scope, value as typed, "
        "code), and --suggestions-file OUT writes such a file to edit. What is accepted is remembered (import "
        "aliases) for every later list. Exits 1 when a row is invalid, 2 when the file cannot be imported at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the XLSX or CSV file")
        parser.add_argument("--programme", required=True, help="the programme's code (slug)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--sheet", default="", help="the workbook's sheet to read (default: the first)")
        parser.add_argument("--all-or-nothing", action="store_true", help="write nothing if any row is invalid")
        parser.add_argument("--user", default="", help="the user name recorded as the import's author")
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="map every value that has a suggestion to its first one, remembered for later lists",
        )
        parser.add_argument(
            "--mapping", default="", help="a CSV file: kolom;wilayah;nilai;kode (field, scope, value, code)"
        )
        parser.add_argument("--suggestions-file", default="", help="write the values to map, with suggestions, as CSV")

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
        mapping = self._read_mapping(Path(options["mapping"])) if options["mapping"] else []
        mapped = options["accept_suggestions"] or mapping
        # A dry run records nothing: the aliases it accepts are rolled back with everything else. Without a dry run the
        # file is checked first only when suggestions are to be accepted or written out; the commit checks it anyway.
        with transaction.atomic():
            for field, scope, typed, value in mapping:
                self._remember(field, scope, typed, value, user)
            if options["dry_run"] or options["accept_suggestions"] or options["suggestions_file"]:
                report = self._check(path, programme=programme, sheet=options["sheet"])
            if options["accept_suggestions"]:
                accepted = []
                for group in report["groups"]:
                    if group["severity"] != "error" or not group["suggestions"]:
                        continue
                    try:
                        remember_alias(
                            field=group["field"],
                            scope=group["scope"],
                            typed=group["value"],
                            value=group["suggestions"][0][0],
                            by=user,
                        )
                        accepted.append(group)
                    except ValidationError as error:
                        self.stdout.write(f"{group['value']}: {' '.join(error.messages)}")
                self.stdout.write(
                    ngettext(
                        "%(n)s value mapped to its suggestion.",
                        "%(n)s values mapped to their suggestion.",
                        len(accepted),
                    )
                    % {"n": len(accepted)}
                )
                if accepted:
                    report = self._check(path, programme=programme, sheet=options["sheet"])
            if options["suggestions_file"]:
                self._write_suggestions(Path(options["suggestions_file"]), report["groups"])
            if options["dry_run"]:
                transaction.set_rollback(True)
        if not options["dry_run"]:
            report = self._commit(
                path, programme=programme, sheet=options["sheet"], user=user, all_or_nothing=options["all_or_nothing"]
            )
        elif mapped:
            self.stdout.write(_("Dry run: the mappings were tried, not remembered."))
        self._print(report, written=not options["dry_run"])

    def _check(self, path: Path, *, programme, sheet: str) -> dict:
        try:
            with open(path, "rb") as file:
                parsed = parse_rows(file, filename=path.name, sheet=sheet, max_rows=max_rows())
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        return {"status": "dry-run", "message": "", **build_report(match_rows(parsed, programme=programme))}

    def _remember(self, field, scope, typed, value, user) -> None:
        try:
            remember_alias(field=field, scope=scope, typed=typed, value=value, by=user)
        except ValidationError as error:
            raise CommandError(f"{field} “{typed}” → {value}: {' '.join(error.messages)}", returncode=2) from error

    _MAPPING_HEADERS = {
        "field": {"kolom", "field", "column"},
        "scope": {"wilayah", "scope", "within"},
        "value": {"nilai", "value", "typed"},
        "code": {"kode", "code", "means", "arti"},
    }

    def _read_mapping(self, path: Path) -> list[tuple[str, str, str, str]]:
        """The mapping file's rows as (field, scope, typed, value): its headers in Indonesian or English, the field as
        the alias's field name or any header the import understands (kecamatan, desa, jenis_usaha…)."""
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,\t")
        rows = list(csv.reader(io.StringIO(text), dialect))
        if not rows:
            return []
        header = [header_key(h) for h in rows[0]]
        where = {}
        for name, names in self._MAPPING_HEADERS.items():
            found = [i for i, h in enumerate(header) if h in names]
            if not found and name != "scope":
                raise CommandError(
                    _("The mapping file needs the columns kolom, nilai and kode (wilayah is optional)."), returncode=2
                )
            where[name] = found[0] if found else None
        fields = set(ImportAlias.Field.values)
        mapping = []
        for number, row in enumerate(rows[1:], start=2):
            cells = {name: (row[i].strip() if i is not None and i < len(row) else "") for name, i in where.items()}
            if not cells["code"]:
                continue  # a value left without a code (an unknown village in a suggestions file) is not mapped
            field = cells["field"] if cells["field"] in fields else ALIASES.get(header_key(cells["field"]), "")
            if field not in fields:
                message = _("Mapping file, row %(row)s: “%(field)s” is not a column that can be mapped.")
                raise CommandError(message % {"row": number, "field": cells["field"]}, returncode=2)
            mapping.append((field, cells["scope"], cells["value"], cells["code"]))
        return mapping

    def _write_suggestions(self, path: Path, groups: list[dict]) -> None:
        """A mapping file to edit: each value to map once, its first suggestion filled in, the others as notes."""
        with open(path, "w", newline="", encoding="utf-8-sig") as file:
            writer = csv.writer(file, delimiter=";")
            writer.writerow(["kolom", "wilayah", "nilai", "kode", _("rows"), _("suggestions")])
            for group in groups:
                first = group["suggestions"][0][0] if group["suggestions"] else ""
                others = " | ".join(f"{code} {label}" for code, label in group["suggestions"])
                writer.writerow([group["field"], group["scope"], group["value"], first, group["rows"], others])
        self.stdout.write(_("Values to map written to %(path)s.") % {"path": path})

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
        groups = report.get("groups", [])
        if groups:
            self.stdout.write(_("Values not in the official lists, each once:"))
            labels = dict(ImportAlias.Field.choices)
            for group in groups:
                rows = ngettext("%(n)s row", "%(n)s rows", group["rows"]) % {"n": group["rows"]}
                numbers = ", ".join(map(str, group["row_numbers"])) + (
                    ", …" if group["rows"] > len(group["row_numbers"]) else ""
                )
                line = f"  {labels.get(group['field'], group['field'])} “{group['value']}” — {rows} ({numbers})"
                if group["suggestions"]:
                    line += (
                        " — " + _("suggestions:") + " " + "; ".join(label for _code, label in group["suggestions"][:3])
                    )
                if group["severity"] != "error":
                    line += " — " + _("imported all the same")
                self.stdout.write(line)
                self.stdout.write(f"    {group['message']}")
        # Each problem of a row, but those already listed once above with their value.
        for _row, message, *extra in report["errors"]:
            if not (groups and len(extra) > 1 and extra[1]):
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
