"""An uploaded beneficiary list's life as an ImportBatch: checked (``check_batch``), then committed
(``commit_batch``), each keeping its progress and report on the batch; and the error file, the uploaded rows with
what is wrong with each.

The background tasks in ``beneficiaries/tasks.py`` run these for the upload pages, and ``manage.py
import_beneficiaries`` commits a batch directly; all of them read the file with ``read.parse_rows`` and write it with
``commit.commit_import``.
"""

import logging
from collections.abc import Callable
from itertools import chain

from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pekka.spreadsheets import SheetSpec, excel_date, max_rows, open_sheet, write_workbook

from ..models import ImportBatch, ImportStatus
from ..nik import mask_identifier
from .check import cell_text
from .commit import ImportRefused, commit_import
from .match import match_rows
from .plan import Action, ImportPlan
from .read import ImportFileError, ParsedFile, parse_rows

logger = logging.getLogger(__name__)

# The report keeps this many problems; the error file always has all of them.
REPORT_MAX_PROBLEMS = 20_000
SAMPLE_SIZE = 20


def _progress_saver(batch: ImportBatch, *, start: int, end: int) -> Callable[[int, int], None]:
    """A progress callback that stores start…end percent on the batch, at most once per percent."""
    last = [-1]

    def save(done: int, expected: int) -> None:
        percent = start + (end - start) * min(done, expected) // max(expected, 1)
        if percent != last[0]:
            last[0] = percent
            ImportBatch.objects.filter(pk=batch.pk).update(progress=percent)

    return save


def _parse_batch(batch: ImportBatch, *, progress_end: int) -> ParsedFile:
    """The batch's file read and checked row by row, within the upload limits."""
    with batch.file.open("rb") as file:
        return parse_rows(
            file,
            filename=batch.file_name,
            sheet=batch.sheet,
            max_rows=max_rows(),
            progress=_progress_saver(batch, start=0, end=progress_end),
        )


def check_batch(*, batch: ImportBatch) -> ImportBatch:
    """Reads and checks an uploaded file (writing nothing but the batch's progress and report)."""
    with translation.override(batch.language):
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, progress=0)
        try:
            parsed = _parse_batch(batch, progress_end=80)
            plan = match_rows(
                parsed,
                programme=batch.programme,
                progress=lambda percent: ImportBatch.objects.filter(pk=batch.pk).update(
                    progress=80 + percent * 20 // 100
                ),
            )
        except ImportFileError as exc:
            return _finish(batch, status=ImportStatus.FAILED, message=str(exc), sheets=(exc.sheet, exc.sheets))
        except Exception:
            logger.exception("checking import %s failed", batch.pk)
            _finish(batch, status=ImportStatus.FAILED, message=_("The file could not be checked (an internal error)."))
            raise
        return _finish(batch, status=ImportStatus.CHECKED, plan=plan)


def commit_batch(*, batch: ImportBatch, by, all_or_nothing: bool = False) -> ImportBatch:
    """Reads the batch's file again and commits it (see ``commit_import``); the report then says what was written.
    Refused or failed, nothing is written and the batch can be committed again."""
    with translation.override(batch.language):
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING, progress=0)
        reason = f"import #{batch.pk}: {batch.file_name}"
        try:
            parsed = _parse_batch(batch, progress_end=50)
            ImportBatch.objects.filter(pk=batch.pk).update(progress=50)
            plan = commit_import(
                parsed=parsed, programme=batch.programme, by=by, all_or_nothing=all_or_nothing, reason=reason
            )
        except ImportFileError as exc:
            return _finish(batch, status=ImportStatus.FAILED, message=str(exc))
        except ImportRefused as refused:
            invalid = refused.plan.counts[Action.INVALID]
            message = ngettext(
                "Nothing was imported: %(n)s row is invalid and the import was to be all or nothing.",
                "Nothing was imported: %(n)s rows are invalid and the import was to be all or nothing.",
                invalid,
            ) % {"n": invalid}
            return _finish(batch, status=ImportStatus.CHECKED, plan=refused.plan, message=message)
        except DatabaseError as exc:
            logger.exception("committing import %s failed", batch.pk)
            message = _("Nothing was imported: the database refused a write (%(error)s). Try again.") % {"error": exc}
            return _finish(batch, status=ImportStatus.CHECKED, message=message)
        except Exception:
            logger.exception("committing import %s failed", batch.pk)
            _finish(batch, status=ImportStatus.CHECKED, message=_("Nothing was imported (an internal error)."))
            raise
        return _finish(batch, status=ImportStatus.COMMITTED, plan=plan, by=by)


def _finish(batch, *, status, plan: ImportPlan | None = None, message: str = "", by=None, sheets=None) -> ImportBatch:
    batch.refresh_from_db()
    batch.status, batch.message, batch.progress = status, message, 100
    if sheets is not None:
        sheet, names = sheets
        batch.report = {"sheet": sheet, "sheets": names} if names else {}
    if plan is not None:
        counts = plan.counts
        batch.row_count, batch.new_count, batch.update_count = (
            counts["total"],
            counts[Action.NEW],
            counts[Action.UPDATE],
        )
        batch.unchanged_count, batch.invalid_count = counts[Action.UNCHANGED], counts[Action.INVALID]
        batch.report = build_report(plan)
    if status == ImportStatus.COMMITTED:
        batch.committed_by, batch.committed_at = by, timezone.now()
    batch.save()
    return batch


def _village_of(plan: ImportPlan, row) -> str:
    """The official name of the row's village (or of her household's), else what the row says."""
    household = plan.household_of.get(row.number)
    code = row.village_code or (household.village_id if household is not None else None)
    return plan.village_names.get(code) or row.village or ""


def build_report(plan: ImportPlan) -> dict:
    """The check's findings as JSON for the batch: counts, columns, every problem (up to a limit) and a preview of
    the first rows of each kind."""
    parsed = plan.parsed
    errors, warnings = [], []
    samples = {action: [] for action in Action.ALL}
    for row in plan.rows:
        if len(errors) < REPORT_MAX_PROBLEMS:
            errors.extend([row.number, problem.describe(row.number)] for problem in row.errors)
        if len(warnings) < REPORT_MAX_PROBLEMS and row.action != Action.INVALID:
            warnings.extend([row.number, problem.describe(row.number)] for problem in row.warnings)
        if len(samples[row.action]) < SAMPLE_SIZE:
            samples[row.action].append(
                {
                    "row": row.number,
                    "name": row.full_name or "",
                    "nik": mask_identifier(row.nik or ""),
                    "village": _village_of(plan, row),
                    "pk": row.beneficiary_id,
                    "changes": [list(change) for change in row.changes],
                    "errors": [p.message if not p.column else f"{p.column}: {p.message}" for p in row.errors],
                }
            )
    problem_count = sum(len(row.errors) for row in plan.rows)
    return {
        "kind": parsed.kind,
        "sheet": parsed.sheet,
        "sheets": parsed.sheets,
        "header_row": parsed.header_row,
        "skipped_rows": parsed.skipped_rows,
        "columns": [[name, parsed.columns.header(name)] for name in parsed.columns.index],
        "unknown_columns": parsed.columns.unknown,
        "counts": plan.counts,
        "errors": errors,
        "errors_truncated": problem_count > len(errors),
        "error_count": problem_count,
        "warnings": warnings,
    } | {"samples": samples}


# --- files for the user ---


def write_error_file(*, batch: ImportBatch, file, only_invalid: bool = True) -> int:
    """The uploaded rows again, with a first column saying what is wrong with each, as XLSX: ready to be fixed and
    uploaded again. Only the invalid rows, unless ``only_invalid`` is False. Returns the number of rows written."""
    problems = _row_problems(batch)
    with batch.file.open("rb") as source:
        sheet = open_sheet(source, filename=batch.file_name, sheet=batch.sheet)
        header_row = batch.report.get("header_row", 1)
        date_column = dict(batch.report.get("columns", [])).get("birth_date")
        rows = iter(sheet.rows)
        header = []
        for number, values in rows:
            if number == header_row:
                header = [cell_text(v) for v in values]
                break
        date_index = header.index(date_column) if date_column in header else None

        def body():
            for number, values in rows:
                if only_invalid and number not in problems:
                    continue
                cells = [_date_text(v) if index == date_index else cell_text(v) for index, v in enumerate(values)]
                if not any(cells):
                    continue
                yield ["\n".join(problems.get(number, [])), *cells]

        return write_workbook(
            file,
            [
                SheetSpec(
                    name=batch.sheet or _("Data"),
                    rows=chain([[_("Errors"), *header]], body()),
                    widths=[60, *[18] * len(header)],
                    highlight_column=0,
                )
            ],
        )


def _date_text(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = excel_date(value)
        return day.strftime("%d/%m/%Y") if day else cell_text(value)
    return cell_text(value)


def _row_problems(batch: ImportBatch) -> dict[int, list[str]]:
    """Row number → the sentences describing its problems; when the report had to leave some out, they are found
    again by checking the file afresh."""
    report = batch.report
    if report.get("errors_truncated"):
        with translation.override(batch.language):
            parsed = _parse_batch(batch, progress_end=0)
            plan = match_rows(parsed, programme=batch.programme)
        return {row.number: row.messages() for row in plan.rows if row.errors}
    problems: dict[int, list[str]] = {}
    for number, message in report.get("errors", []):
        problems.setdefault(number, []).append(message)
    return problems
