"""The one spreadsheet layer: every import reads CSV/XLSX here and every export writes it here, with the limits in
one place.

Reading: CSV (UTF-8 with or without a byte-order mark, or the Windows code page; ``;``, ``,`` or tab separated)
and XLSX, told apart by their content rather than their name. A file larger than ``IMPORT_MAX_BYTES``, a workbook
that unpacks to far more than its size, more data rows than ``IMPORT_MAX_ROWS`` (``check_row_count``), an old or
password-protected workbook and a damaged one are each refused with a message for the person who uploaded it.

XLSX is read with python-calamine, a reader written in Rust: about a second for a 100,000-row sheet where openpyxl's
read-only mode needs about a minute on our 2-core servers. Cells come back as Python values, dates as dates (Excel's
1904 date system included), so nothing here parses sheet XML. openpyxl is no longer used for reading.

Writing: spreadsheet programs run a cell that starts with ``=`` (and often ``+``, ``-`` or ``@``) as a formula, so a
name typed as ``=HYPERLINK(...)`` could do harm on the computer of whoever opens an export. ``write_csv`` prefixes
such cells with an apostrophe (``defuse_formula``); ``write_workbook`` writes plain XML parts in a zip, every text
cell a text cell (never a formula), and one that starts like a formula carries Excel's quote prefix.
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# What a file starts with.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls workbooks, and every password-protected .xlsx

# Uncompressed parts beyond this are refused: a small zip can inflate to gigabytes.
MAX_INFLATION = 40
# Files bigger than this, or with more data rows than this, are refused (settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS).
DEFAULT_MAX_BYTES = 40 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000


def max_bytes() -> int:
    """The largest file an import reads, in bytes."""
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    """The most data rows an import reads."""
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def too_big_message() -> str:
    """Why a file larger than ``max_bytes()`` is refused."""
    return _("The file is larger than %(size)s MB; split it into smaller files.") % {
        "size": f"{max_bytes() / 1024 / 1024:.0f}"
    }


def check_row_count(count: int, *, limit: int | None) -> None:
    """Raises SpreadsheetError when ``count`` data rows are more than ``limit`` (None: no limit)."""
    if limit is not None and count > limit:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": number_format(limit, force_grouping=True)}
        )


class SpreadsheetError(Exception):
    """A file that cannot be read as a spreadsheet; the message says why, for the person who uploaded it."""


@dataclass
class Sheet:
    """One sheet of an uploaded file, read row by row."""

    kind: str  # "xlsx" or "csv"
    name: str  # the sheet read ("" for CSV)
    names: list[str]  # every sheet of the workbook
    expected_rows: int  # an estimate, for the progress bar
    rows: Iterator[tuple[int, list]] = field(repr=False)  # (row number as the spreadsheet shows it, cell values)
    delimiter: str = ""


def open_sheet(file, *, filename: str = "", sheet: str = "") -> Sheet:
    """Opens ``file`` (binary, seekable) as CSV or XLSX, going by its content rather than its name.

    XLSX cell values come as ``str``, ``int`` (whole numbers), ``float``, ``bool``, ``date`` (a date cell) or
    ``datetime`` (a date cell with a time of day); CSV values are ``str``. Empty cells are None. Raises
    SpreadsheetError for a file larger than ``max_bytes()``, one that is not a spreadsheet, a password-protected or
    corrupt workbook, or a sheet name that is not in the file.
    """
    if _size(file) > max_bytes():
        raise SpreadsheetError(too_big_message())
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(file, sheet=sheet)
    if head.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "This workbook is password-protected or in the old Excel 97–2003 format (.xls). Remove the password "
                "or save it as .xlsx or CSV, then upload it again."
            )
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(_("This file is not a valid Excel workbook: it may be damaged. Save it again in Excel."))
    return _open_csv(file)


# --- CSV ---


def _open_csv(file) -> Sheet:
    data = file.read()
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("This file is neither a CSV file nor an Excel workbook (.xlsx)."))
    # Excel on Windows saves "CSV (Comma delimited)" in the Windows code page, not UTF-8.
    encoding = "utf-8-sig" if _is_utf8(data) else "cp1252"
    delimiter = detect_delimiter(data[:65536].decode(encoding, errors="ignore"))
    return Sheet(
        kind="csv",
        name="",
        names=[],
        expected_rows=data.count(b"\n") + 1,
        rows=_csv_rows(data, encoding, delimiter),
        delimiter=delimiter,
    )


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked a megabyte at a time (the whole text is never held at once)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(text: str) -> str:
    """The separator of a CSV text: whichever of ``;``, ``,`` and tab appears most in its first line."""
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, list]]:
    # Decoded a few kilobytes at a time as the rows are read: the whole text as one string, and a StringIO of it
    # (four bytes a character once read), would cost several times the file's size for a 100,000-row list.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file is malformed (%(problem)s).") % {"problem": exc}) from exc


# --- XLSX ---


def _open_xlsx(file, *, sheet: str) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(file) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_INFLATION * max(_size(file), 1):
                raise SpreadsheetError(
                    _("This workbook unpacks to far more data than its size suggests; it is refused.")
                )
        file.seek(0)
        workbook = CalamineWorkbook.from_filelike(file)
        names = list(workbook.sheet_names)
        if not names:
            raise KeyError("no sheets")
        if sheet:
            wanted = sheet.strip().casefold()
            name = next((n for n in names if n.strip().casefold() == wanted), None)
            if name is None:
                raise SpreadsheetError(
                    _("The workbook has no sheet named “%(sheet)s”. Its sheets are: %(names)s.")
                    % {"sheet": sheet, "names": ", ".join(names)}
                )
        else:
            name = names[0]
        # calamine reads the whole sheet here, in Rust; the rows become Python values one at a time below.
        # Closing the workbook lets go of its copy of the file, which the sheet no longer needs.
        data = workbook.get_sheet_by_name(name)
        workbook.close()
    except SpreadsheetError:
        raise
    except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(
            _("This file is not a valid Excel workbook: it may be damaged. Save it again in Excel.")
        ) from exc
    return Sheet(
        kind="xlsx",
        name=name,
        names=names,
        expected_rows=max(data.total_height, 1),
        rows=_xlsx_rows(data),
    )


def _size(file) -> int:
    """The file's size: an upload knows its own; anything else is measured without moving its position."""
    if size := getattr(file, "size", None):
        return size
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _xlsx_value(value):
    """A calamine cell as the import reads it: whole numbers as ``int``, a date-time at midnight as a date."""
    if value.__class__ is float:
        return int(value) if value.is_integer() and abs(value) < 1e17 else value
    if value.__class__ is dt.datetime and not (value.hour or value.minute or value.second or value.microsecond):
        return value.date()
    return value


def _xlsx_rows(data) -> Iterator[tuple[int, list]]:
    """The sheet's rows with their numbers as the spreadsheet shows them; empty cells are None, trailing ones left
    out, and empty rows not yielded.

    calamine yields every row from the first (its 1-based number is its position) but leaves out the empty columns
    left of the first filled one, which are put back so that positions match the header's."""
    start = data.start
    pad = [None] * start[1] if start else []
    str_ = str
    try:
        for number, row in enumerate(data.iter_rows(), start=1):
            values = [(v or None) if v.__class__ is str_ else _xlsx_value(v) for v in row]
            while values and values[-1] is None:
                values.pop()
            if values:
                yield number, pad + values if pad else values
    except Exception as exc:  # calamine raises its own errors on a damaged sheet
        raise SpreadsheetError(
            _("This file is not a valid Excel workbook: it may be damaged. Save it again in Excel.")
        ) from exc


def excel_date(serial: float, *, date1904: bool = False) -> dt.date | None:
    """The date an Excel serial number stands for (1900 system with its phantom 29 February 1900)."""
    if serial < 1 or serial > 2958465:
        return None
    base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=int(serial))


# --- writing ---


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")
# A phone number or a plain number ("+62 812-3456-7890", "-5"): no letters and no operators but the sign, so
# nothing a spreadsheet could run even if it reads it as a formula.
_NUMBER_LIKE = re.compile(r"[+-][\d\s().-]*")


def defuse_formula(value: str) -> str:
    """Prefixes an apostrophe to a cell a spreadsheet would run as a formula (``=``, ``@``, tab, CR, or ``+``/``-``
    followed by anything but a number), so it shows as text. Phone numbers like ``+6281266001004`` stay as they are.
    """
    if not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _NUMBER_LIKE.fullmatch(value)):
        return f"'{value}"
    return value


def write_csv(file, rows: Iterable[list], *, delimiter: str = ",", header_rows: int = 1) -> int:
    """Writes ``rows`` to the binary ``file`` as UTF-8 CSV with a byte-order mark (so Excel reads the accents
    right), every text cell defused (``defuse_formula``). Returns the number of rows written, the first
    ``header_rows`` not counted."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=delimiter)
    count = 0
    for row in rows:
        writer.writerow([defuse_formula(value) if isinstance(value, str) else value for value in row])
        count += 1
    text.flush()
    text.detach()  # leave ``file`` open for the caller
    return max(count - header_rows, 0)


@dataclass
class SheetSpec:
    """A sheet to write: its rows (the first ``header_rows`` are the header), column widths, rows to highlight.

    Cells may be text, numbers (``Decimal`` included), dates or None (an empty cell)."""

    name: str
    rows: Iterable[list]
    widths: list[int] = field(default_factory=list)
    header_rows: int = 1
    highlight_column: int | None = None  # a column shown in red (the error column)
    example_rows: int = 0  # rows after the header shown in grey italics
    auto_filter: bool = False  # filter buttons on the header's columns


# Cell styles: 0 plain, 1 bold header, 2 text with a quote prefix (a spreadsheet shows "=…" as text and keeps it
# text when edited), 3 red text, 4 italic grey (an example row), 5 a date (dd/mm/yyyy), 6 a number.
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>
<font><sz val="11"/><color rgb="FFC00000"/><name val="Calibri"/></font>
<font><i/><sz val="11"/><color rgb="FF666666"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFE8F1F0"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>
<xf numFmtId="49" fontId="2" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1">
<alignment wrapText="1" vertical="top"/></xf>
<xf numFmtId="49" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sheets}</Types>"""  # noqa: E501

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501

_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text


def write_workbook(file, sheets: list[SheetSpec]) -> int:
    """Writes an XLSX workbook to the binary ``file``: every text cell a text cell, so nothing in it is ever run as
    a formula, and a value that starts like a formula (``=``, ``+``, ``-``, ``@``) carries Excel's quote prefix.
    Returns the number of rows written to the first sheet, header rows not counted."""
    counts = []
    filters = []
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, spec in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                count, filter_range = _write_sheet(part, spec)
            counts.append(count)
            if filter_range:
                filters.append((number, spec.name[:31], filter_range))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\n'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        sheet_list = "".join(
            f'<sheet name="{_escape(spec.name[:31])}" sheetId="{n}" r:id="rId{n}"/>'
            for n, spec in enumerate(sheets, start=1)
        )
        # Excel keeps a sheet's filter range as a hidden name as well.
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n - 1}" hidden="1">'
            f"{_escape(_quote_sheet(name))}!{filter_range}</definedName>"
            for n, name, filter_range in filters
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheet_list}</sheets>{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_SHEET_TYPE}" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{len(sheets) + 1}" Type="{_STYLES_TYPE}" Target="styles.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", _STYLES)
    return counts[0] if counts else 0


def _quote_sheet(name: str) -> str:
    """A sheet name as a formula refers to it: 'Data Penerima'."""
    return "'" + name.replace("'", "''") + "'"


def _write_sheet(part, spec: SheetSpec) -> tuple[int, str]:
    """Writes one sheet's XML; returns the number of rows below the header and the filter's range ("" if none)."""
    out = io.TextIOWrapper(part, encoding="utf-8")
    out.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if spec.header_rows:
        out.write(
            f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{spec.header_rows}" '
            f'topLeftCell="A{spec.header_rows + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        )
    if spec.widths:
        out.write("<cols>")
        out.write(
            "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(spec.widths, start=1)
            )
        )
        out.write("</cols>")
    out.write("<sheetData>")
    letters = [_column_letters(i) for i in range(64)]
    buffer = []
    count = 0
    number = 0
    header_width = 0
    for number, row in enumerate(spec.rows, start=1):
        header = number <= spec.header_rows
        if header:
            header_width = len(row)
        cells = []
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if index >= len(letters):
                letters.extend(_column_letters(i) for i in range(len(letters), index + 1))
            reference = f"{letters[index]}{number}"
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                serial = (value - dt.date(1899, 12, 30)).days
                cells.append(f'<c r="{reference}" s="5"><v>{serial}</v></c>')
                continue
            if isinstance(value, Decimal):  # written as its own digits, never through a float
                cells.append(f'<c r="{reference}" s="6"><v>{value:f}</v></c>')
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{reference}" s="6"><v>{value}</v></c>')
                continue
            text = value if isinstance(value, str) else str(value)
            if header:
                style = 1
            elif index == spec.highlight_column:
                style = 3
            elif number <= spec.header_rows + spec.example_rows:
                style = 4
            elif text.startswith(_FORMULA_START):
                style = 2
            else:
                style = 0
            style_attr = f' s="{style}"' if style else ""
            cells.append(f'<c r="{reference}"{style_attr} t="inlineStr"><is><t>{_escape(text)}</t></is></c>')
        buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
        if not header:
            count += 1
        if len(buffer) >= 2000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    out.write("</sheetData>")
    filter_range = ""
    if spec.auto_filter and spec.header_rows and header_width:
        last = _column_letters(header_width - 1)
        filter_range = f"$A${spec.header_rows}:${last}${max(number, spec.header_rows)}"
        out.write(f'<autoFilter ref="{filter_range.replace("$", "")}"/>')
    out.write("</worksheet>")
    out.flush()
    out.detach()
    return count, filter_range
