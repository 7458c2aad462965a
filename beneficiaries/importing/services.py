"""Importing beneficiary lists: the writes.

``commit_import`` writes what ``match_rows`` plans, in one transaction: every valid row or, if anything fails,
nothing. The upload pages (through the background tasks in ``beneficiaries/tasks.py``) and
``manage.py import_beneficiaries`` all come through ``parse_rows`` and ``commit_import``; ``check_batch`` and
``commit_batch`` keep an uploaded file's progress and report on its ImportBatch.
"""

import csv
import io
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..importers import COLUMNS, ImportFileError, ParsedFile, cell_text, parse_rows
from ..models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Category,
    Enrolment,
    EnrolmentStatus,
    Household,
    ImportBatch,
    ImportStatus,
    Sex,
    search_text_of,
)
from ..nik import mask_identifier
from . import bulk
from .matching import BENEFICIARY_FIELDS, Action, ImportPlan, match_rows
from .spreadsheets import SheetSpec, excel_date, open_sheet, write_workbook

logger = logging.getLogger(__name__)

# Files bigger than this, or with more data rows than this, are refused.
DEFAULT_MAX_BYTES = 40 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
# The report keeps this many problems; the error file always has all of them.
REPORT_MAX_PROBLEMS = 20_000
SAMPLE_SIZE = 20


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


class ImportRefused(Exception):
    """The import was asked to be all-or-nothing and some rows are invalid: nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__("rows are invalid")
        self.plan = plan


def commit_import(*, parsed: ParsedFile, programme, by, all_or_nothing: bool = False, reason: str = "") -> ImportPlan:
    """Writes the valid rows of ``parsed`` to the registry in one transaction, all of them or none: households,
    women (created, or updated with the cells the file fills in), enrolments in ``programme`` and businesses, each
    with its history row by ``by``. Rows are matched again inside the transaction, so the plan is the database's
    state at the time of writing. With ``all_or_nothing``, one invalid row refuses the lot (ImportRefused)."""
    with transaction.atomic():
        plan = match_rows(parsed, programme=programme)
        if all_or_nothing and plan.counts[Action.INVALID]:
            raise ImportRefused(plan)
        _write(plan, by=by, reason=reason)
    return plan


_WOMAN_COLUMNS = [
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "education",
    "phone",
    "category",
    "household_id",
    "facilitator_id",
    "search_text",
    "created_at",
    "updated_at",
]


def _write(plan: ImportPlan, *, by, reason: str) -> None:
    now = timezone.now()
    today = timezone.localdate()
    stamp = bulk.HistoryStamp(date=now, user_id=by.pk if by else None, reason=reason[:100] or None)
    rows = {row.number: row for row in plan.rows}
    category = plan.programme.category if plan.programme.category in Category.values else Category.PEKKA
    with bulk.Writer(history=stamp) as writer:
        # Households first: the keys of new ones are known before anything is written, so women can point at them.
        ids = writer.insert(
            Household,
            ["kk_number", "village_id", "rt", "rw", "address", "created_at", "updated_at"],
            [(h.kk_number, h.village_id, h.rt, h.rw, h.address, now, now) for h in plan.new_households],
        )
        for household, pk in zip(plan.new_households, ids, strict=True):
            household.id = pk
        changed = [plan.households[pk] for pk in plan.changed_households]
        for household in changed:
            household.updated_at = now
        fields = sorted(set().union(*plan.changed_households.values())) if changed else []
        writer.update(Household, changed, [*fields, "updated_at"])

        new_rows = [row for row in plan.rows if row.action == Action.NEW]
        ids = writer.insert(Beneficiary, _WOMAN_COLUMNS, [_new_woman(row, plan, now, category) for row in new_rows])
        for row, pk in zip(new_rows, ids, strict=True):
            row.beneficiary_id = pk
        updated = _changed_women(plan, now)
        writer.update(
            Beneficiary, updated, [*BENEFICIARY_FIELDS, "household_id", "facilitator_id", "search_text", "updated_at"]
        )

        # Enrolments in the programme, and businesses with the first entry of their status history.
        writer.insert(
            Enrolment,
            ["beneficiary_id", "programme_id", "enrolled_on", "status", "status_changed_on", "status_reason"],
            [
                (rows[number].beneficiary_id, plan.programme.pk, today, EnrolmentStatus.CANDIDATE, today, "")
                for number in plan.enrol
            ],
        )
        starting = [rows[number] for number in plan.new_business]
        ids = writer.insert(
            Business,
            ["beneficiary_id", "business_type_id", "name", "description", "status", "created_at"],
            [
                (r.beneficiary_id, r.business_type_id, r.business_name or "", "", BusinessStatus.RUNNING, now)
                for r in starting
            ],
        )
        writer.insert(
            BusinessStatusChange,
            ["business_id", "status", "changed_on", "reason", "recorded_by_id", "recorded_at"],
            [(pk, BusinessStatus.RUNNING, today, "", stamp.user_id, now) for pk in ids],
            history=False,
            returning=False,
        )
    kk_changed = {pk for pk, fields in plan.changed_households.items() if "kk_number" in fields}
    if kk_changed:
        _refresh_search_text(kk_changed, exclude={w.id for w in updated})


def _new_woman(row, plan: ImportPlan, now, category: str) -> tuple:
    """A new woman's values, in the order of _WOMAN_COLUMNS; ``category`` unless the row gives hers."""
    household = plan.household_of[row.number]
    phone = row.phone or ""
    return (
        row.nik or "",
        row.full_name,
        row.birth_place or "",
        row.birth_date,
        row.sex or Sex.FEMALE,
        row.marital_status or "",
        row.education or "",
        phone,
        row.category or category,
        household.id,
        row.facilitator_id,
        search_text_of(full_name=row.full_name, nik=row.nik or "", kk_number=household.kk_number, phone=phone),
        now,
        now,
    )


def _changed_women(plan: ImportPlan, now) -> list:
    """The registered women the rows change, with the household they are now in and their search text."""
    row_of = {row.beneficiary_id: row for row in plan.rows if row.action == Action.UPDATE}
    updated = []
    for pk in plan.changed_women:
        woman = plan.women[pk]
        household = plan.household_of.get(row_of[pk].number)
        if household is not None:
            woman.household_id = household.id
        kk_number = household.kk_number if household is not None else ""
        woman.search_text = search_text_of(
            full_name=woman.full_name, nik=woman.nik, kk_number=kk_number, phone=woman.phone
        )
        woman.updated_at = now
        updated.append(woman)
    return updated


def _refresh_search_text(household_ids: set[int], *, exclude: set[int]) -> None:
    """Other women of households whose family card number changed: their search text has the KK in it."""
    others = list(
        Beneficiary.objects.filter(household_id__in=household_ids).exclude(pk__in=exclude).select_related("household")
    )
    for woman in others:
        woman.search_text = search_text_of(
            full_name=woman.full_name, nik=woman.nik, kk_number=woman.household.kk_number, phone=woman.phone
        )
    Beneficiary.objects.bulk_update(others, ["search_text"], batch_size=1000)


# --- uploaded files ---


def start_import(*, upload, programme, by, sheet: str = "") -> ImportBatch:
    """Keeps an uploaded file and queues its check in the background."""
    from ..tasks import check_import

    batch = ImportBatch.objects.create(
        programme=programme,
        file=upload,
        file_name=upload.name[:255],
        sheet=sheet.strip(),
        uploaded_by=by,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    check_import.enqueue(batch.pk)
    return batch


def recheck_import(*, batch: ImportBatch, sheet: str) -> None:
    """Checks a batch again, with another sheet of the workbook."""
    from ..tasks import check_import

    updated = ImportBatch.objects.filter(pk=batch.pk, status__in=[ImportStatus.CHECKED, ImportStatus.FAILED]).update(
        status=ImportStatus.QUEUED, sheet=sheet.strip(), progress=0, message=""
    )
    if updated:
        check_import.enqueue(batch.pk)


def request_commit(*, batch: ImportBatch, by, all_or_nothing: bool) -> bool:
    """Queues the commit of a checked batch; False if it is not (or no longer) waiting for one."""
    from ..tasks import commit_import_batch

    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING, progress=0, message=""
    )
    if updated:
        commit_import_batch.enqueue(batch.pk, by.pk if by else None, all_or_nothing)
    return bool(updated)


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
    with batch.file.open("rb") as file:
        if batch.file.size > max_bytes():
            raise ImportFileError(too_big_message())
        return parse_rows(
            file,
            filename=batch.file_name,
            sheet=batch.sheet,
            max_rows=max_rows(),
            progress=_progress_saver(batch, start=0, end=progress_end),
        )


def too_big_message() -> str:
    return _("The file is larger than %(size)s MB; split it into smaller files.") % {
        "size": f"{max_bytes() / 1024 / 1024:.0f}"
    }


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
                    rows=_prepend([[_("Errors"), *header]], body()),
                    widths=[60, *[18] * len(header)],
                    highlight_column=0,
                )
            ],
        )


def _prepend(first: list, rest):
    yield from first
    yield from rest


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


def template_rows() -> list[list[str]]:
    """The template's header and example row."""
    return [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]


def write_template(file, *, fmt: str) -> None:
    """The empty list to fill in: the columns, an example row (skipped on import while it is unchanged) and a
    legend, as XLSX (the legend on its own sheet) or CSV (``;``-separated, the legend as ``#`` comment lines)."""
    header, example = template_rows()
    legend = [
        [_("Column"), _("What to write"), _("Example"), _("Other accepted names")],
        *([c.header, str(c.meaning), c.example, ", ".join(c.aliases)] for c in COLUMNS),
        [],
        [_("Notes")],
        [_("The first row holds the column names; their order does not matter and columns may be left out.")],
        [_("The example row is not imported while it is unchanged; you may delete it.")],
        [
            _(
                "A row whose NIK (or KK, name and birth date) is already registered updates that woman; empty cells "
                "never erase what is registered."
            )
        ],
        [_("Rows whose first cell starts with # are ignored.")],
    ]
    if fmt == "xlsx":
        write_workbook(
            file,
            [
                SheetSpec(name=_("Data"), rows=[header, example], widths=[max(14, len(h) + 4) for h in header]),
                SheetSpec(name=_("Instructions"), rows=legend, widths=[20, 70, 24, 40]),
            ],
        )
        return
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow(header)
    writer.writerow(example)
    for line in legend[1:]:
        if line:
            writer.writerow([f"# {' — '.join(part for part in line if part)}"])
    text.flush()
    text.detach()
