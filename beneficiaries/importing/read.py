"""Reading a beneficiary list: the file (through ``pekka.spreadsheets`` and its limits), its header row, and each
data row checked on its own (``check.py``). Touches no database.

Then ``match.match_rows`` checks the rows against the registry and plans what each one does, and
``commit.commit_import`` writes that plan in one transaction.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pekka.spreadsheets import Sheet, SpreadsheetError, check_row_count, open_sheet

from ..nik import clean_nik
from .check import RowChecker, RowResult, normalise_name
from .columns import ALIASES, COLUMNS, ColumnMap, header_key

# How many rows above the header may hold a title ("DAFTAR PENERIMA BANTUAN DESA …").
HEADER_SEARCH_ROWS = 10


class ImportFileError(Exception):
    """A file that cannot be imported at all (unreadable, no header, too big); the message says why. ``sheets``
    lists a workbook's sheets and ``sheet`` the one read, when known, so that another can be chosen."""

    def __init__(self, message: str, *, sheet: str = "", sheets: list[str] | None = None):
        super().__init__(message)
        self.sheet, self.sheets = sheet, sheets or []


@functools.cache
def _ignored_headers() -> set[str]:
    """Headers that are ours and never imported: the error column of an error file, in any of our languages."""
    keys = {"kesalahan", "errors", "error"}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            keys.add(header_key(_("Errors")))
    return keys


def map_columns(headers: list) -> ColumnMap:
    """Reads the header row. Raises ImportFileError when two columns mean the same thing or no column holds names."""
    index: dict[str, int] = {}
    unknown = []
    texts = ["" if h is None else str(h).strip() for h in headers]
    for position, text in enumerate(texts):
        if not text:
            continue
        key = header_key(text)
        name = ALIASES.get(key)
        if name is None:
            if key not in _ignored_headers():
                unknown.append(text)
            continue
        if name in index:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” mean the same thing; keep one of them.")
                % {"first": texts[index[name]], "second": text}
            )
        index[name] = position
    if "full_name" not in index:
        raise ImportFileError(_("No column holds the names: the header row needs a column “nama” (or “name”)."))
    return ColumnMap(index=index, headers=texts, unknown=unknown)


@dataclass
class ParsedFile:
    """What ``parse_rows`` read: the rows, checked one by one, and facts about the file."""

    rows: list[RowResult]
    columns: ColumnMap
    kind: str
    sheet: str
    sheets: list[str]
    header_row: int
    skipped_rows: int = 0  # comment rows and the template's example row


def _example_row() -> dict[str, str]:
    return {c.field: c.example for c in COLUMNS}


def parse_rows(
    file,
    *,
    filename: str = "",
    sheet: str = "",
    max_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """Reads ``file`` (CSV or XLSX) and checks every row on its own: names, identifiers, dates, choices, phone
    numbers. Touches no database. Rows whose first cell starts with ``#`` are comments, rows with nothing in the
    known columns are blank, and the template's untouched example row is skipped. Raises ImportFileError for a file
    that cannot be imported at all (more than ``max_rows`` data rows, say). ``progress(row, expected rows)`` is
    called every few thousand rows.
    """
    try:
        table = open_sheet(file, filename=filename, sheet=sheet)
    except SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
    try:
        return _parse_table(table, max_rows=max_rows, progress=progress)
    except (SpreadsheetError, ImportFileError) as exc:
        raise ImportFileError(str(exc), sheet=table.name, sheets=table.names) from exc


def _parse_table(table: Sheet, *, max_rows, progress) -> ParsedFile:
    today = timezone.localdate()
    columns = checker = None
    header_row = 0
    rows: list[RowResult] = []
    skipped = 0
    example = _example_row()
    seen_rows = False
    for number, values in table.rows:
        seen_rows = True
        if _is_comment(values):
            continue
        if columns is None:
            try:
                columns = map_columns(values)
            except ImportFileError:
                # Title rows may stand above the header; a row that names known columns is the header, though.
                if number >= HEADER_SEARCH_ROWS or any(ALIASES.get(header_key(v)) for v in values if v):
                    raise
                continue
            header_row = number
            checker = RowChecker(columns, today=today)
            continue
        row = checker.check(number, values)
        if row is None:
            continue
        if _is_example(row, example):
            skipped += 1
            continue
        check_row_count(len(rows) + 1, limit=max_rows)
        rows.append(row)
        if progress and len(rows) % 5000 == 0:
            progress(number, table.expected_rows)
    if columns is None:
        if not seen_rows:
            raise ImportFileError(_("The file is empty."))
        message = _("No header row was found: one of the first rows needs a column “nama” (or “name”).")
        if len(table.names) > 1:
            message += " " + _("This is the sheet “%(sheet)s”; the workbook also has: %(others)s.") % {
                "sheet": table.name,
                "others": ", ".join(name for name in table.names if name != table.name),
            }
        raise ImportFileError(message)
    return ParsedFile(
        rows=rows,
        columns=columns,
        kind=table.kind,
        sheet=table.name,
        sheets=table.names,
        header_row=header_row,
        skipped_rows=skipped,
    )


def _is_comment(values) -> bool:
    first = values[0] if values else None
    return first.__class__ is str and first.lstrip().startswith("#")


def _is_example(row: RowResult, example: dict[str, str]) -> bool:
    return row.nik == clean_nik(example["nik"]) and row.full_name == normalise_name(example["full_name"])
