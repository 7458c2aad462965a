"""An uploaded beneficiary list's life as an ImportBatch: checked (``check_batch``), then committed
(``commit_batch``), each keeping its progress and report on the batch; and the error file, the uploaded rows with
what is wrong with each.

The background tasks in ``beneficiaries/tasks.py`` run these for the upload pages, and ``manage.py
import_beneficiaries`` commits a batch directly; all of them read the file with ``read.parse_rows`` and write it with
``commit.commit_import``.

The check keeps what it matched next to the uploaded file (``keep_plan``): pickled, compressed and signed with the
``SECRET_KEY``, with a ``fingerprint`` of the registry it was matched against. When the registry has not changed
by the time the admin commits, the commit writes that plan (``commit.commit_plan``) instead of reading and checking
the file a second time; otherwise, or when the kept plan is missing or its signature is wrong (it is then never
unpickled), it reads and checks the file again inside the commit's transaction, as before.
"""

import copyreg
import dataclasses
import hashlib
import hmac
import logging
import pickle
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import fields
from itertools import chain
from operator import attrgetter

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pekka.programmes.models import ProgrammeStaff
from pekka.regions.models import Region
from pekka.spreadsheets import SheetSpec, excel_date, max_rows, open_sheet, write_workbook

from .. import models as registry
from ..models import ImportBatch, ImportStatus
from ..nik import mask_identifier
from .check import Problem, RowResult, cell_text
from .commit import ImportRefused, commit_import, commit_plan
from .match import _record_class, match_rows
from .plan import Action, ImportPlan, NewHousehold
from .read import ImportFileError, ParsedFile, parse_rows
from .review import group_problems

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
        discard_plan(batch.file.name, batch.file.storage)
        try:
            parsed = _parse_batch(batch, progress_end=80)
            matched_against = fingerprint(programme=batch.programme)  # before matching: a change meanwhile shows
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
        batch = _finish(batch, status=ImportStatus.CHECKED, plan=plan)
        keep_plan(batch, plan, fingerprint=matched_against)
        return batch


def commit_batch(*, batch: ImportBatch, by, all_or_nothing: bool = False) -> ImportBatch:
    """Commits the batch: the plan its check kept if the registry has not changed since (``fingerprint``), else the
    file read and checked again (see ``commit_import``); the report then says what was written. Refused or failed,
    nothing is written and the batch can be committed again."""
    with translation.override(batch.language):
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING, progress=0)
        reason = f"import #{batch.pk}: {batch.file_name}"
        try:
            plan = None
            with transaction.atomic():
                plan = _kept_plan(batch)
                if plan is not None:
                    ImportBatch.objects.filter(pk=batch.pk).update(progress=50)
                    commit_plan(plan=plan, by=by, all_or_nothing=all_or_nothing, reason=reason)
            if plan is None:
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
        discard_plan(batch.file.name, batch.file.storage)
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


def _suggestion_text(problem) -> str:
    """The suggestions of a problem as the error file and the command show them: "Mandiangin Koto Selayan
    (13.75.02); …"."""
    return "; ".join(label for _value, label in problem.suggestions)


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
            errors.extend(
                [row.number, problem.describe(row.number), _suggestion_text(problem), bool(problem.field)]
                for problem in row.errors
            )
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
        "groups": group_problems(plan),
    } | {"samples": samples}


# --- the checked plan, kept for the commit ---

PLAN_SUFFIX = ".plan"
_PLAN_MAGIC = b"pekka-import-plan-2\n"
_PLAN_SALT = "beneficiaries.importing.batches.plan"


def _digest(*parts) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(repr(part).encode())
        hashed.update(b"\x1f")
    return hashed.hexdigest()


def _table_state(model, *, changed: str = "") -> tuple:
    """Row count, highest key and (with ``changed``) latest change of a table: one aggregate each."""
    aggregates = {"n": Count("pk"), "top": Max("pk")}
    if changed:
        aggregates["changed"] = Max(changed)
    return tuple(sorted(model.objects.aggregate(**aggregates).items()))


def _registry_state(programme) -> list:
    """The registry tables a check reads, by count, highest key and latest change; each historical table's latest
    entry catches edits made through the application that leave count and keys alone."""
    state = [
        _table_state(registry.Beneficiary, changed="updated_at"),
        _table_state(registry.Household, changed="updated_at"),
        _table_state(registry.Enrolment),
        _table_state(registry.Business),
    ]
    for model in (registry.Beneficiary, registry.Household, registry.Enrolment, registry.Business):
        state.append(model.history.aggregate(top=Max("history_id"))["top"])
    return state


def _reference_state(programme) -> list:
    """The short reference lists a check reads, whole: users (facilitators), the programme's staff, business types,
    the region list's size."""
    users = get_user_model().objects.order_by("pk").values_list("pk", "username", "role", "is_active")
    staff = ProgrammeStaff.objects.filter(programme=programme).order_by("user_id").values_list("user_id", flat=True)
    types = registry.BusinessType.objects.order_by("pk").values_list("pk", "code", "name", "name_en", "is_active")
    return [_digest(*users), _digest(*staff), _digest(*types), Region.objects.count()]


def _alias_state(programme) -> list:
    """The import aliases (values mapped once on a preview), whole: they are few, and edited in the admin."""
    try:
        model = apps.get_model("beneficiaries", "ImportAlias")
    except LookupError:
        return []
    return [_digest(*model.objects.order_by("pk").values_list("pk", "field", "scope", "key", "value"))]


# What a check's plan depends on besides the file: each part is a function of the programme returning something
# with a stable ``repr``. A check that comes to read another table adds a part here.
FINGERPRINT_PARTS: list[Callable] = [_registry_state, _reference_state, _alias_state]


def fingerprint(*, programme) -> str:
    """A digest of everything a check's matching read besides the file (``FINGERPRINT_PARTS``: the registry's
    tables by count, highest key, latest change and latest history entry; users, staff, business types, regions,
    import aliases), and of today's date, which the check compares birth dates with. Equal fingerprints mean a plan
    matched then is still what matching now would give. Writes that bypass the application (an SQL ``UPDATE``)
    are not seen."""
    parts = [timezone.localdate(), programme.pk, str(getattr(programme, "category", ""))]
    parts.extend(part(programme) for part in FINGERPRINT_PARTS)
    return _digest(*parts)


def _plan_name(file_name: str) -> str:
    return f"{file_name}{PLAN_SUFFIX}"


def discard_plan(file_name: str, storage) -> None:
    """Deletes the plan kept next to an uploaded file, if there is one."""
    if file_name:
        storage.delete(_plan_name(file_name))


def _header(batch: ImportBatch, fingerprint: str) -> bytes:
    """What a kept plan is for: the batch, its file and sheet, the registry's fingerprint."""
    return _digest(batch.pk, batch.file.name, batch.sheet, fingerprint).encode()


def _constructor_reducer(cls):
    """A pickle reducer that rebuilds a dataclass instance by calling the class with its fields' values: much faster
    than the generic way for slotted dataclasses, whose state is set field by field in Python. None when some field
    is not an argument of the constructor."""
    names = [f.name for f in fields(cls)]
    if not all(f.init for f in fields(cls)):
        return None
    values = attrgetter(*names)
    return lambda obj: (cls, values(obj))


def _record_reducer(model):
    """match's light records: their classes are made at run time, so a record is pickled as (model, values)."""
    names = [f.name for f in fields(_record_class(model))]
    values, label = attrgetter(*names), model._meta.label
    return lambda obj: (_record, (label, values(obj)))


def _record(label: str, values: tuple):
    return _record_class(apps.get_model(label))(*values)


def _dispatch_table() -> dict:
    table = dict(copyreg.dispatch_table)
    for cls in (RowResult, Problem, NewHousehold):
        if reducer := _constructor_reducer(cls):
            table[cls] = reducer
    for model in (registry.Beneficiary, registry.Household):
        table[_record_class(model)] = _record_reducer(model)
    return table


def keep_plan(batch: ImportBatch, plan: ImportPlan, *, fingerprint: str) -> None:
    """Stores what the commit and its report read of ``plan`` next to the batch's file, signed, for
    ``commit_batch``: without its programme, which the batch has, nor the records and indexes only matching needed
    (every woman and household on file the rows may be about, who is enrolled, who has which business). Pickled and
    compressed a piece at a time into a temporary file, so that neither the pickle nor its compressed form is ever
    held whole; the rows go in pickles of ``PLAN_CHUNK_ROWS`` each, after the rest of the plan, so that the
    pickler's memo (an entry for every object it wrote, and the object kept alive) never covers all of them at once.
    A plan that cannot be stored only costs the commit a second check."""
    rows = plan.rows
    kept = dataclasses.replace(
        plan,
        parsed=dataclasses.replace(plan.parsed, rows=[]),
        programme=None,
        women={pk: plan.women[pk] for pk in plan.changed_women},
        households={pk: plan.households[pk] for pk in plan.changed_households},
        households_by_kk={},
        enrolled=set(),
        business_types=set(),
        household_rows={},
    )
    try:
        header = _header(batch, fingerprint)
        with tempfile.TemporaryFile() as spool:
            spool.write(_PLAN_MAGIC + header + bytes(_SIGNATURE_SIZE))  # the signature goes here once known
            payload = _Deflating(spool, salted_hmac(_PLAN_SALT, header, algorithm="sha256"))
            table = _dispatch_table()
            chunks = (rows[start : start + PLAN_CHUNK_ROWS] for start in range(0, len(rows), PLAN_CHUNK_ROWS))
            for part in ((kept, len(rows)), *chunks):
                pickler = pickle.Pickler(payload, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = table
                pickler.dump(part)
                del pickler  # and its memo
            signature = payload.finish()
            spool.seek(len(_PLAN_MAGIC) + len(header))
            spool.write(signature)
            spool.seek(0)
            name = _plan_name(batch.file.name)
            batch.file.storage.delete(name)
            batch.file.storage.save(name, File(spool, name=name))
    except Exception:  # noqa: BLE001 - never worth failing the check for
        logger.warning("could not keep the plan of import %s", batch.pk, exc_info=True)


_SIGNATURE_SIZE = hashlib.sha256().digest_size
# Rows of a kept plan per pickle. Values shared between rows (a village, a date) are written once per pickle, so
# each is held at most once per chunk after loading.
PLAN_CHUNK_ROWS = 5_000
_PIECE = 1 << 16


class _Deflating:
    """A binary file for the pickler: compresses what is written into ``file`` and signs the compressed bytes with
    ``mac`` (an HMAC already fed the header)."""

    def __init__(self, file, mac):
        self.file, self.mac, self.compressor = file, mac, zlib.compressobj(1)

    def write(self, data) -> int:
        if out := self.compressor.compress(data):
            self.mac.update(out)
            self.file.write(out)
        return len(data)

    def finish(self) -> bytes:
        """Writes the end of the compressed stream; returns the signature of the header and all of it."""
        out = self.compressor.flush()
        self.mac.update(out)
        self.file.write(out)
        return self.mac.digest()


class _Inflating:
    """The pickle in a kept plan, decompressed from ``file`` a piece at a time as the unpickler reads it."""

    def __init__(self, file):
        self.file, self.decompressor, self.buffer = file, zlib.decompressobj(), bytearray()

    def _fill(self, size: int | None) -> None:
        """Decompresses until ``size`` bytes (or a line, when None) are buffered, or the stream ends."""
        while not self.decompressor.eof and (len(self.buffer) < size if size is not None else b"\n" not in self.buffer):
            data = self.decompressor.unconsumed_tail or self.file.read(_PIECE)
            if not data:
                return
            self.buffer += self.decompressor.decompress(data, 4 * _PIECE)

    def read(self, size: int) -> bytes:
        self._fill(size)
        out = bytes(self.buffer[:size])
        del self.buffer[:size]
        return out

    def readline(self) -> bytes:
        self._fill(None)
        end = self.buffer.find(b"\n") + 1 or len(self.buffer)
        return self.read(end)


def _kept_plan(batch: ImportBatch) -> ImportPlan | None:
    """The plan the batch's check kept, if the registry's fingerprint is still the one it was matched against and
    the signature is right (it is unpickled only then); else None. The file is read twice, a piece at a time: once
    to check the signature, once to unpickle."""
    storage, name = batch.file.storage, _plan_name(batch.file.name)
    if not batch.file.name or not storage.exists(name):
        return None
    header_end = len(_PLAN_MAGIC) + 64
    with storage.open(name, "rb") as file:
        start = file.read(header_end + _SIGNATURE_SIZE)
        if not start.startswith(_PLAN_MAGIC) or len(start) < header_end + _SIGNATURE_SIZE:
            return None
        header, signature = start[len(_PLAN_MAGIC) : header_end], start[header_end:]
        mac = salted_hmac(_PLAN_SALT, header, algorithm="sha256")
        while piece := file.read(_PIECE * 16):
            mac.update(piece)
        if not hmac.compare_digest(signature, mac.digest()):
            logger.warning("the kept plan of import %s has a wrong signature: checking the file again", batch.pk)
            return None
        if header != _header(batch, fingerprint(programme=batch.programme)):
            return None  # the registry changed since the check
        file.seek(header_end + _SIGNATURE_SIZE)
        source = _Inflating(file)
        plan, count = pickle.load(source)  # noqa: S301 - signed with the SECRET_KEY, checked above
        rows = plan.parsed.rows
        while len(rows) < count:
            rows.extend(pickle.load(source))  # noqa: S301 - the same
    plan.programme = batch.programme
    return plan


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
        return {
            row.number: [_with_suggestions(p.describe(row.number), _suggestion_text(p)) for p in row.errors]
            for row in plan.rows
            if row.errors
        }
    problems: dict[int, list[str]] = {}
    for number, message, *extra in report.get("errors", []):
        problems.setdefault(number, []).append(_with_suggestions(message, extra[0] if extra else ""))
    return problems


def _with_suggestions(message: str, suggestions: str) -> str:
    return f"{message} {_('Suggestions:')} {suggestions}" if suggestions and suggestions not in message else message
