"""Reading a monitoring spreadsheet (CSV or XLSX) into checked rows. Writes nothing: the import service does."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beneficiaries.nik import clean_nik
from pekka.money import to_rupiah

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


def _records(upload) -> list[dict]:
    """The file's rows as dicts keyed by normalised header."""
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(upload, read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    else:
        text = upload.read().decode("utf-8-sig", errors="replace")
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        return []
    headers = [_header(h) for h in rows[0]]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:] if any(c not in (None, "") for c in row)]


def parse_monitoring_file(upload) -> list[RowResult]:
    """Checks each row of a monitoring file: a 16-digit NIK, a year and quarter, three non-negative figures."""
    try:
        records = _records(upload)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one message for the user
        return [RowResult(line=1, errors=[_("The file could not be read: %(error)s") % {"error": exc}])]
    missing = [c for c in COLUMNS[:-1] if records and c not in records[0]]
    if missing:
        return [RowResult(line=1, errors=[_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}])]
    results = []
    for line, record in enumerate(records, start=2):
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
