"""The one spreadsheet layer: every import reads CSV/XLSX here and every export writes it here, with the limits in
one place.

Reading: CSV (UTF-8 with or without a byte-order mark, or the Windows code page; ``;``, ``,`` or tab separated)
and XLSX, told apart by their content rather than their name. A file larger than ``IMPORT_MAX_BYTES``, a workbook
that unpacks to far more than its size, more data rows than ``IMPORT_MAX_ROWS`` (``check_row_count``), an old or
password-protected workbook and a damaged one are each refused with a message for the person who uploaded it.

openpyxl needs about a minute for a 100,000-row sheet on our 2-core servers, so XLSX is read here with regular
expressions over the sheet's XML, a few seconds for the same sheet. That fast path understands what Excel,
LibreOffice, Google Sheets and openpyxl write; a sheet it does not fully understand (cells without a reference,
rich text, prefixed XML) is read again with openpyxl, slowly but correctly.

Writing: spreadsheet programs run a cell that starts with ``=`` (and often ``+``, ``-`` or ``@``) as a formula, so a
name typed as ``=HYPERLINK(...)`` could do harm on the computer of whoever opens an export. ``write_csv`` prefixes
such cells with an apostrophe (``defuse_formula``); ``write_workbook`` writes plain XML parts in a zip, every text
cell a text cell (never a formula), and one that starts like a formula carries Excel's quote prefix.
"""

import codecs
import csv
import datetime as dt
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

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

    XLSX cell values come as ``str``, ``int``, ``float`` (numbers, including dates stored as Excel serial numbers),
    ``bool`` or ``datetime`` (only from the slow path); CSV values are ``str``. Raises SpreadsheetError for a file
    larger than ``max_bytes()``, one that is not a spreadsheet, a password-protected or corrupt workbook, or a sheet
    name that is not in the file.
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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (Comma delimited)" in the Windows code page, not UTF-8.
        text = data.decode("cp1252", errors="replace")
    del data
    delimiter = detect_delimiter(text)
    return Sheet(
        kind="csv",
        name="",
        names=[],
        expected_rows=text.count("\n") + 1,
        rows=_csv_rows(text, delimiter),
        delimiter=delimiter,
    )


def detect_delimiter(text: str) -> str:
    """The separator of a CSV text: whichever of ``;``, ``,`` and tab appears most in its first line."""
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file is malformed (%(problem)s).") % {"problem": exc}) from exc


# --- XLSX ---

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# One cell as the usual writers put it: a reference, other attributes, then an optional formula and a value or an
# inline string.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"((?: [\w:]+="[^"]*")*)\s*'
    r"(?:/>|>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<is><t\b[^>]*>([^<]*)</t></is>)?</c>)"
)
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_DIMENSION = re.compile(r'<dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_SHARED = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_SHARED_PLAIN = re.compile(r"<t\b[^>]*>([^<]*)</t>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_CHUNK = 4 * 1024 * 1024


class _Irregular(Exception):
    """The sheet XML has a shape the fast reader does not handle."""


def _open_xlsx(file, *, sheet: str) -> Sheet:
    try:
        archive = zipfile.ZipFile(file)
        sheets, date1904 = _workbook_sheets(archive)
        if not sheets:
            raise KeyError("no sheets")
        if sheet:
            wanted = sheet.strip().casefold()
            chosen = next((s for s in sheets if s[0].strip().casefold() == wanted), None)
            if chosen is None:
                raise SpreadsheetError(
                    _("The workbook has no sheet named “%(sheet)s”. Its sheets are: %(names)s.")
                    % {"sheet": sheet, "names": ", ".join(s[0] for s in sheets)}
                )
        else:
            chosen = sheets[0]
        name, path = chosen
        info = archive.getinfo(path)
        limit = MAX_INFLATION * max(_size(file), 1)
        if sum(i.file_size for i in archive.infolist()) > limit:
            raise SpreadsheetError(_("This workbook unpacks to far more data than its size suggests; it is refused."))
        shared = _shared_strings(archive)
        expected = _expected_rows(archive, path, info)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(
            _("This file is not a valid Excel workbook: it may be damaged. Save it again in Excel.")
        ) from exc
    return Sheet(
        kind="xlsx",
        name=name,
        names=[s[0] for s in sheets],
        expected_rows=expected,
        rows=_xlsx_rows(file, archive, path, shared, date1904, name),
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


def _workbook_sheets(archive) -> tuple[list[tuple[str, str]], bool]:
    """The sheets in tab order as (name, path in the zip), and whether dates count from 1904."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    properties = workbook.find(f"{_MAIN_NS}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in {"1", "true"}
    sheets = []
    for element in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(element.get(f"{_REL_NS}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets.append((element.get("name", ""), path))
    return sheets, date1904


def _shared_strings(archive) -> list[str]:
    try:
        data = archive.read("xl/sharedStrings.xml").decode("utf-8")
    except KeyError:
        return []
    strings = []
    for match in _SHARED.finditer(data):
        body = match.group(1) or ""
        if "<r>" in body or "<rPh" in body or body.count("<t") > 1:
            body = _PHONETIC.sub("", body)
            text = "".join(_SHARED_PLAIN.findall(body))
        else:
            plain = _SHARED_PLAIN.search(body)
            text = plain.group(1) if plain else ""
        strings.append(_unescape(text) if "&" in text or "_x" in text else text)
    return strings


def _expected_rows(archive, path, info) -> int:
    with archive.open(path) as part:
        head = part.read(4096).decode("utf-8", errors="ignore")
    match = _DIMENSION.search(head)
    if match:
        return int(match.group(1))
    return max(info.file_size // 600, 1)  # roughly what one row of a dozen columns takes


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """XML entities, then Excel's own ``_x000D_`` escapes for control characters."""
    text = html.unescape(text)
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = [_column_letters(i) for i in range(256)]


def _column_index(letters: str, _cache={}) -> int:  # noqa: B006 - a deliberate memo
    index = _cache.get(letters)
    if index is None:
        number = 0
        for ch in letters:
            number = number * 26 + ord(ch) - 64
        index = _cache[letters] = number - 1
    return index


def _xlsx_rows(file, archive, path, shared, date1904, name) -> Iterator[tuple[int, list]]:
    try:
        yield from _fast_rows(archive, path, shared)
    except _Irregular:
        yield from _openpyxl_rows(file, name, date1904)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, IndexError, zlib.error) as exc:
        raise SpreadsheetError(
            _("This file is not a valid Excel workbook: it may be damaged. Save it again in Excel.")
        ) from exc


def _fast_rows(archive, path, shared) -> Iterator[tuple[int, list]]:
    """The sheet's rows from its XML, a few megabytes at a time. Empty rows are not yielded."""
    types: dict[str, str] = {}
    decoder = codecs.getincrementaldecoder("utf-8")()
    carry = ""
    first = True
    row_number, values = 0, None
    with archive.open(path) as part:
        while True:
            raw = part.read(_CHUNK)
            text = carry + decoder.decode(raw, final=not raw)
            if first:
                if re.search(r"<\w+:worksheet\b", text[:2048]):
                    raise _Irregular  # prefixed XML (<x:c>): rare, left to openpyxl
                first = False
            end = text.rfind("</row>")
            if raw and end < 0:
                carry = text  # not one whole row yet
                continue
            cut = end + len("</row>") if raw else len(text)
            chunk, carry = text[:cut], text[cut:]
            cells = _CELL.findall(chunk)
            if len(cells) != chunk.count("<c ") + chunk.count("<c>"):
                raise _Irregular
            for letters, number, attrs, value, inline in cells:
                if number != row_number:
                    if values:
                        yield int(row_number), values
                    row_number, values = number, []
                kind = types.get(attrs)
                if kind is None:
                    match = _CELL_TYPE.search(attrs)
                    kind = types[attrs] = match.group(1) if match else "n"
                if kind == "s":
                    cell = shared[int(value)] if value else ""
                elif kind == "inlineStr":
                    cell = _unescape(inline) if "&" in inline or "_x" in inline else inline
                elif kind == "n":
                    if not value:
                        continue
                    if value.isdigit():
                        cell = int(value)
                    else:
                        cell = float(value)
                        if cell.is_integer() and abs(cell) < 1e17:
                            cell = int(cell)
                elif kind == "b":
                    cell = value == "1"
                else:  # "str" (a formula's text), "e" (an error such as #N/A), "d" (an ISO date)
                    cell = _unescape(value) if "&" in value else value
                if cell == "":
                    continue
                width = len(values)
                if width < len(_LETTERS) and letters == _LETTERS[width]:
                    values.append(cell)  # the usual case: the cell right after the previous one
                    continue
                index = _column_index(letters)
                if index >= width:
                    values.extend([None] * (index - width))
                    values.append(cell)
                else:
                    values[index] = cell
            if not raw:
                break
    if values:
        yield int(row_number), values


def _openpyxl_rows(file, name, date1904) -> Iterator[tuple[int, list]]:
    """The slow, thorough way: openpyxl in read-only mode."""
    from openpyxl import load_workbook

    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        worksheet = workbook[name]
        for row in worksheet.iter_rows():
            values = [cell.value for cell in row]
            if not any(v not in (None, "") for v in values):
                continue
            number = next((cell.row for cell in row if getattr(cell, "row", None)), None)
            values = [v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in values]
            yield number, values
        workbook.close()
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
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
