"""Reading a monitoring spreadsheet (CSV or XLSX, through ``pekka.spreadsheets`` and its limits) into checked rows.
Writes nothing: the import service does."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beneficiaries.nik import clean_nik
from pekka.money import to_rupiah
from pekka.spreadsheets import SpreadsheetError, check_row_count, max_rows, open_sheet

COLUMNS = ("nik", "year", "quarter", "turnover", "assets", "workers", "notes")
# Headers people actually type, in Indonesian or English.
ALIASES = {
    "tahun": "year",
    "triwulan": "quarter",
    "kuartal": "quarter",
    "omset": "turnover",
    "omzet": "turnover",
    "aset": "assets",
    "pekerja": "workers",
    "karyawan": "workers",
    "tenaga_kerja": "workers",
    "catatan": "notes",
    "keterangan": "notes",
}


@dataclass
class RowResult:
    line: int
    nik: str = ""
    year: int | None = None
    quarter: int | None = None
    turnover: Decimal | None = None
    assets: Decimal | None = None
    workers: int | None = None
    notes: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _whole(value) -> int:
    """A whole number from a cell: 3, "3", 3.0 (Excel stores numbers as floats)."""
    number = Decimal(str(value).strip())
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _header(name) -> str:
    key = str(name or "").strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def _records(upload) -> list[tuple[int, dict]]:
    """The file's data rows as (row number, dict keyed by normalised header); the first filled row is the header.
    Raises SpreadsheetError for a file the import cannot read or that is too big."""
    sheet = open_sheet(upload, filename=upload.name or "")
    limit = max_rows()
    headers = None
    records = []
    for number, values in sheet.rows:
        if not any(c not in (None, "") for c in values):
            continue
        if headers is None:
            headers = [_header(h) for h in values]
            continue
        check_row_count(len(records) + 1, limit=limit)
        # Every header is a key, even where a row ends before its column (an XLSX row stops at its last filled cell).
        records.append((number, dict.fromkeys(headers) | dict(zip(headers, values, strict=False))))
    return records


def parse_monitoring_file(upload) -> list[RowResult]:
    """Checks each row of a monitoring file: a 16-digit NIK, a year and quarter, three non-negative figures."""
    try:
        records = _records(upload)
    except SpreadsheetError as exc:
        return [RowResult(line=1, errors=[str(exc)])]
    missing = [c for c in COLUMNS[:-1] if records and c not in records[0][1]]
    if missing:
        return [RowResult(line=1, errors=[_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}])]
    results = []
    for line, record in records:
        row = RowResult(line=line, nik=clean_nik(str(record.get("nik") or "")), notes=str(record.get("notes") or ""))
        if len(row.nik) != 16 or not row.nik.isdigit():
            row.errors.append(_("NIK must have 16 digits."))
        for name in ("year", "quarter", "workers"):
            try:
                setattr(row, name, _whole(record.get(name)))
            except (ArithmeticError, ValueError):
                row.errors.append(_("“%(col)s” is not a whole number.") % {"col": name})
        if row.quarter is not None and not 1 <= row.quarter <= 4:
            row.errors.append(_("The quarter is 1 to 4."))
        for name in ("turnover", "assets"):
            value = record.get(name)
            if isinstance(value, float):
                value = Decimal(str(value))
            try:
                amount = to_rupiah(value if isinstance(value, int | Decimal) else str(value or "").strip() or "x")
            except (ValidationError, TypeError):
                row.errors.append(_("“%(col)s” is not an amount in rupiah.") % {"col": name})
            else:
                if amount < 0:
                    row.errors.append(_("“%(col)s” cannot be negative.") % {"col": name})
                setattr(row, name, amount)
        if row.workers is not None and row.workers < 0:
            row.errors.append(_("“%(col)s” cannot be negative.") % {"col": "workers"})
        results.append(row)
    return results
