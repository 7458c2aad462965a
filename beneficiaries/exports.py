"""The beneficiary list as a spreadsheet: the columns and the rows (built from the list page's queryset), written
as CSV or XLSX by ``pekka.spreadsheets``, which defuses formulas. The view in ``beneficiaries/views/export.py``
only glues these together.
"""

from collections.abc import Iterable, Iterator
from itertools import chain

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pekka import spreadsheets

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


def write_csv(rows: Iterable[list[str]], file) -> int:
    """Writes the header and ``rows`` to the binary ``file`` as CSV (see ``pekka.spreadsheets.write_csv``). Returns
    the number of rows written, header not counted."""
    return spreadsheets.write_csv(file, chain([export_columns()], rows))


def write_xlsx(rows: Iterable[list[str]], file) -> int:
    """Writes the header and ``rows`` to the binary ``file`` as an XLSX workbook: bold, frozen header row with
    filters, column widths, every cell text (NIK, KK and phone numbers keep all their digits). Returns the number
    of rows written, header not counted."""
    sheet = spreadsheets.SheetSpec(
        name=gettext("Beneficiaries"),
        rows=chain([export_columns()], rows),
        widths=[width for _header, width in _COLUMNS],
        auto_filter=True,
    )
    return spreadsheets.write_workbook(file, [sheet])
