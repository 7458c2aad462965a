"""The beneficiary list as a spreadsheet: the columns, the rows (built from the list page's queryset) and the CSV
and XLSX writers. The view in ``beneficiaries/views/export.py`` only glues these together.

Spreadsheet programs run a cell that starts with ``=`` (and often ``+``, ``-`` or ``@``) as a formula, so a name
typed as ``=HYPERLINK(...)`` could do harm on the exporting user's computer. The CSV writer prefixes such cells
with an apostrophe (``defuse_formula``); the XLSX writer stores every cell as text, which Excel never evaluates.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .nik import mask_identifier

# One chunk of beneficiaries is read at a time, with its enrolments and businesses prefetched for that chunk,
# so 100,000 rows cost 3 queries per 2,000 rows and little memory.
CHUNK_SIZE = 2000

# (header, column width in characters for the XLSX file), in the order of a row.
_COLUMNS = [
    (_("Full name"), 28),
    (_("NIK"), 20),
    (_("KK number"), 20),
    (_("Sex"), 12),
    (_("Birth place"), 16),
    (_("Birth date"), 12),
    (_("Marital status"), 18),
    (_("Education"), 20),
    (_("Phone"), 16),
    (_("Category"), 10),
    (_("Village"), 22),
    (_("District"), 22),
    (_("Regency/city"), 22),
    (_("RT"), 6),
    (_("RW"), 6),
    (_("Address"), 28),
    (_("Programmes (status)"), 36),
    (_("Facilitator"), 22),
    (_("Businesses (status)"), 36),
    (_("Registered"), 12),
]

_DATE = "%d/%m/%Y"
# A phone number or a plain number ("+62 812-3456-7890", "-5"): no letters and no operators but the sign, so
# nothing a spreadsheet could run even if it reads it as a formula.
_NUMBER_LIKE = re.compile(r"[+-][\d\s().-]*")


def export_columns() -> list[str]:
    """The header row, in the active language."""
    return [str(header) for header, _width in _COLUMNS]


def export_rows(queryset, *, full_identifiers: bool) -> Iterator[list[str]]:
    """One row of text per beneficiary in ``queryset`` (the list page's rows, already filtered and sorted).

    NIK and KK numbers are masked unless ``full_identifiers``. Reads the queryset in chunks, each with a fixed
    number of queries: the beneficiaries with their household, village, kecamatan, kabupaten and facilitator,
    then the chunk's enrolments and its businesses.
    """
    rows = queryset.select_related("household__village__parent__parent", "facilitator")
    for beneficiary in rows.iterator(chunk_size=CHUNK_SIZE):
        household = beneficiary.household
        village = household.village if household else None
        district = village.parent if village else None
        regency = district.parent if district else None
        kk = household.kk_number if household else ""
        yield [
            beneficiary.full_name,
            beneficiary.nik if full_identifiers else mask_identifier(beneficiary.nik),
            kk if full_identifiers else mask_identifier(kk),
            beneficiary.get_sex_display(),
            beneficiary.birth_place,
            beneficiary.birth_date.strftime(_DATE) if beneficiary.birth_date else "",
            beneficiary.get_marital_status_display(),
            beneficiary.get_education_display(),
            beneficiary.phone,
            beneficiary.get_category_display(),
            village.name if village else "",
            district.name if district else "",
            regency.name if regency else "",
            household.rt if household else "",
            household.rw if household else "",
            household.address if household else "",
            "; ".join(f"{e.programme} ({e.get_status_display()})" for e in beneficiary.enrolments.all()),
            str(beneficiary.facilitator) if beneficiary.facilitator else "",
            "; ".join(f"{b.business_type} ({b.get_status_display()})" for b in beneficiary.businesses.all()),
            timezone.localtime(beneficiary.created_at).strftime(_DATE),
        ]


def defuse_formula(value: str) -> str:
    """Prefixes an apostrophe to a cell a spreadsheet would run as a formula (``=``, ``@``, tab, CR, or ``+``/``-``
    followed by anything but a number), so it shows as text. Phone numbers like ``+6281266001004`` stay as they are.
    """
    if not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _NUMBER_LIKE.fullmatch(value)):
        return f"'{value}"
    return value


def write_csv(rows: Iterable[list[str]], file) -> int:
    """Writes the header and ``rows`` to the binary ``file`` as UTF-8 CSV with a byte-order mark (so Excel reads
    the accents right), formulas defused. Returns the number of rows written, header not counted."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(export_columns())
    count = 0
    for row in rows:
        writer.writerow([defuse_formula(value) for value in row])
        count += 1
    text.flush()
    text.detach()  # leave ``file`` open for the caller
    return count


def write_xlsx(rows: Iterable[list[str]], file) -> int:
    """Writes the header and ``rows`` to the binary ``file`` as an XLSX workbook: bold, frozen header row, column
    widths, every cell text (NIK, KK and phone numbers keep all their digits). Returns the number of rows written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Beneficiaries")[:31])
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in export_columns():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_COLUMNS))}{count + 1}"
    workbook.save(file)
    return count


def _text_cell(sheet, value: str):
    """``value`` as an XLSX text cell: control characters XLSX cannot hold are dropped, and a value openpyxl would
    store as a formula (``=…``) or an error (``#N/A``) is forced to plain text."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("=") or value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
