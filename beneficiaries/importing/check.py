"""Checking each row of a beneficiary list on its own: every cell normalised and checked — names, NIK and KK
numbers, dates, phone numbers, choices — and a NIK compared with the row's birth date and sex. No database.

Every problem names the row as the spreadsheet shows it, the column as the file calls it, and the value.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from lokal import parse_phone

from pekka.spreadsheets import excel_date
from pekka.text import normalize_search

from ..models import Category, Education, MaritalStatus, Sex
from ..nik import clean_nik
from .columns import ColumnMap


@dataclass(slots=True)
class Problem:
    """What is wrong with one cell (or with the row, when ``column`` is empty)."""

    column: str
    value: str
    message: str
    # For a problem a person can settle once for every row carrying the same value (a region, a business type, a
    # choice, a facilitator): the import field it is about ("district"), where the value was read (the code of the
    # parent region it was looked for in, "" for the whole list), and the best official values as (value, label)
    # pairs, best first. The preview groups problems by (field, scope, folded value) and offers the suggestions.
    field: str = ""
    scope: str = ""
    suggestions: tuple[tuple[str, str], ...] = ()

    def describe(self, row: int) -> str:
        """The full sentence the user reads."""
        if self.column and self.value:
            return _("Row %(row)s, column “%(column)s” (“%(value)s”): %(problem)s") % {
                "row": row,
                "column": self.column,
                "value": self.value,
                "problem": self.message,
            }
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(problem)s") % {
                "row": row,
                "column": self.column,
                "problem": self.message,
            }
        return _("Row %(row)s: %(problem)s") % {"row": row, "problem": self.message}


@dataclass(slots=True, eq=False)
class RowResult:
    """One row of the file: its normalised values, its problems, and (after matching) what importing it does."""

    number: int
    full_name: str | None = None
    nik: str | None = None
    kk_number: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    birth_date: dt.date | None = None
    marital_status: str | None = None
    education: str | None = None
    phone: str | None = None
    category: str | None = None
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    village: str | None = None
    rt: str | None = None
    rw: str | None = None
    address: str | None = None
    business_type: str | None = None
    business_name: str | None = None
    facilitator: str | None = None
    nik_numeric: bool = False
    # The lists below start as the shared empty tuple and become lists when something is added (``add_error``,
    # ``add_warning``, ``add_change``): most rows have none, and four empty lists a row are 22 MB for 100,000 rows.
    errors: list[Problem] | tuple[()] = ()
    warnings: list[Problem] | tuple[()] = ()
    # Filled by match_rows.
    action: str = ""
    village_code: str | None = None
    facilitator_id: int | None = None
    business_type_id: int | None = None
    # The businesses the row's business cell describes: (business type id, name, description as typed), one per
    # part of "anyaman + kambing"; filled by match_rows.
    businesses: list[tuple[int, str, str]] | tuple[()] = ()
    beneficiary_id: int | None = None
    changes: list[tuple[str, str, str]] | tuple[()] = ()  # (what, old, new) for the preview

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, *problems: Problem) -> None:
        """Adds problems that make the row invalid."""
        self.errors = _extended(self.errors, problems)

    def add_warning(self, *problems: Problem) -> None:
        """Adds problems that leave the row valid."""
        self.warnings = _extended(self.warnings, problems)

    def add_change(self, *changes: tuple[str, str, str]) -> None:
        """Adds (what, old, new) changes for the preview."""
        self.changes = _extended(self.changes, changes)

    def messages(self) -> list[str]:
        return [p.describe(self.number) for p in self.errors]


def _extended(items: list | tuple, more: tuple) -> list | tuple:
    """``items`` with ``more`` added: the same list when it is one, else a new list (never the shared tuple)."""
    if items.__class__ is list:
        items.extend(more)
        return items
    return [*items, *more] if more else items


class _Invalid(Exception):
    """A cell's value cannot be used; the message says why."""


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# Name particles that stay in lower case inside a name ("Siti binti Ahmad", "Rosmawati br. Sinaga").
PARTICLES = {"bin", "binti", "br", "br.", "boru", "van", "von", "der", "den"}


def normalise_name(text: str) -> str:
    """Collapses spaces; a name typed all in capitals or all in lower case becomes title case with its particles
    kept in lower case ("SITI BINTI AHMAD" → "Siti binti Ahmad", "NUR'AINI" → "Nur'aini")."""
    name = " ".join(text.split())
    if not (name.isupper() or name.islower()):
        return name
    words = name.lower().split(" ")
    for position, word in enumerate(words):
        if position and word in PARTICLES:
            continue
        if "-" in word:
            words[position] = "-".join(part.capitalize() for part in word.split("-"))
        else:
            words[position] = word.capitalize()
    return " ".join(words)


_DMY = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_D_MONTH_Y = re.compile(r"(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4}|\d{2})")
_MONTHS = {
    **{
        name: number
        for number, names in enumerate(
            [
                ("januari", "january", "jan"),
                ("februari", "pebruari", "february", "feb", "peb"),
                ("maret", "march", "mar"),
                ("april", "apr"),
                ("mei", "may"),
                ("juni", "june", "jun"),
                ("juli", "july", "jul"),
                ("agustus", "august", "agu", "agt", "agst", "aug"),
                ("september", "sept", "sep"),
                ("oktober", "october", "okt", "oct"),
                ("november", "nopember", "nov", "nop"),
                ("desember", "december", "des", "dec"),
            ],
            start=1,
        )
        for name in names
    }
}


def parse_date(value, *, today: dt.date, date1904: bool = False) -> dt.date:
    """A birth date from a cell: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, "10 Oktober 1980", an Excel date
    or serial number. Day before month, as Indonesians write it; a two-digit year is the latest one not in the
    future. Raises _Invalid with the reason."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = excel_date(value, date1904=date1904)
        if day is None:
            raise _Invalid(_("is not a date."))
    else:
        day = _parse_date_text(str(value).strip().lower(), today)
    if day > today:
        raise _Invalid(_("is in the future."))
    if day.year < 1900:
        raise _Invalid(_("is before 1900."))
    return day


# RowChecker remembers each birth-date cell of a file already; this cache outlives the import, so it stays small.
@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str, today: dt.date) -> dt.date:
    year = month = day = None
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        year = _full_year(year, today) if len(match.group(3)) == 2 else year
    elif match := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _D_MONTH_Y.fullmatch(text):
        month = _MONTHS.get(match.group(2))
        if month is None:
            raise _Invalid(_("has a month name that is not understood."))
        day, year = int(match.group(1)), int(match.group(3))
        year = _full_year(year, today) if len(match.group(3)) == 2 else year
    elif text.isdigit() and len(text) == 5:
        serial = excel_date(int(text))
        if serial:
            return serial
    if year is None:
        raise _Invalid(_("is not a date: write it as dd/mm/yyyy."))
    if month > 12:
        raise _Invalid(_("has no month %(month)s: write the day first, as dd/mm/yyyy.") % {"month": month})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Invalid(_("is not a real date.")) from None


def _full_year(two_digits: int, today: dt.date) -> int:
    return 2000 + two_digits if two_digits <= today.year % 100 else 1900 + two_digits


def parse_identifier(value, *, kind: str) -> str:
    """A NIK or KK number with spaces, dots, dashes and apostrophes removed; 16 digits or _Invalid.

    For a NIK, also checks what can be checked without the region list: its birth-date part and its serial."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = value if value.__class__ is str and len(value) == 16 and value.isdigit() else clean_nik(str(value).strip())
    if len(digits) != 16 or not digits.isdigit():
        count = len(re.sub(r"\D", "", digits))
        if kind == "nik":
            raise _Invalid(_("A NIK has exactly 16 digits (this one has %(n)s).") % {"n": count})
        raise _Invalid(_("A family card (KK) number has exactly 16 digits."))
    if kind == "nik":
        if nik_birth(digits) is None:
            raise _Invalid(_("Digits 7–12 (%(part)s) are not a real date of birth.") % {"part": digits[6:12]})
        if digits[12:] == "0000":
            raise _Invalid(_("The last four digits of a NIK cannot be 0000."))
    return digits


# A row's NIK is read twice in a row (its check, then the comparison with the row's birth date and sex): a small
# cache serves the second reading, and holds nothing of a file once it is read.
@functools.lru_cache(maxsize=1024)
def nik_birth(nik: str) -> tuple[int, int, int, str] | None:
    """(day, month, two-digit year, sex) from a NIK's digits 7–12, the day having 40 added for women; None when
    they are not a date. The same reading as ``beneficiaries.nik.check_nik``, without its region query."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Sex.MALE
    if day > 40:
        day, sex = day - 40, Sex.FEMALE
    try:
        dt.date(2000 + year if year != 0 else 2000, month, day)  # 2000 is a leap year: 29/02 stays possible
    except ValueError:
        return None
    if day == 29 and month == 2 and year % 4:
        return None
    return day, month, year, sex


_SEX = {
    **dict.fromkeys(["p", "pr", "perempuan", "wanita", "w", "f", "female", "woman", "ibu"], Sex.FEMALE),
    **dict.fromkeys(["l", "lk", "laki laki", "laki", "lakilaki", "pria", "m", "male", "man", "bapak"], Sex.MALE),
}
_MARITAL = {
    **dict.fromkeys(["cerai mati", "janda mati", "janda cerai mati", "widow", "widowed", "mati"], "widowed"),
    **dict.fromkeys(["cerai hidup", "cerai", "janda cerai hidup", "janda cerai", "bercerai", "divorced"], "divorced"),
    **dict.fromkeys(
        ["suami merantau", "ditinggal suami", "suami pergi", "suami tki", "suami pekerja migran", "husband away"],
        "husband_away",
    ),
    **dict.fromkeys(
        ["suami sakit", "suami tidak bekerja", "suami cacat", "suami tidak mampu", "husband unable"], "husband_unable"
    ),
    **dict.fromkeys(
        ["belum kawin", "belum menikah", "tidak menikah", "lajang", "belum pernah menikah", "single"], "never_married"
    ),
    **dict.fromkeys(["kawin", "menikah", "bersuami", "married"], "married"),
}
_EDUCATION = {
    **dict.fromkeys(["tidak sekolah", "tidak pernah sekolah", "belum sekolah", "tidak belum sekolah"], "none"),
    **dict.fromkeys(
        ["tidak tamat sd", "belum tamat sd", "sd tidak tamat", "tidak tamat sd sederajat"], "sd_incomplete"
    ),
    **dict.fromkeys(["sd", "sd sederajat", "mi", "tamat sd", "sekolah dasar", "primary"], "sd"),
    **dict.fromkeys(["smp", "sltp", "mts", "smp sederajat", "tamat smp"], "smp"),
    **dict.fromkeys(["sma", "smk", "slta", "ma", "smu", "stm", "smea", "sma smk", "sma sederajat", "tamat sma"], "sma"),
    **dict.fromkeys(["d1", "d2", "d3", "diploma", "akademi"], "diploma"),
    **dict.fromkeys(["s1", "s2", "s3", "d4", "sarjana", "strata 1", "degree", "university"], "degree"),
}
_CATEGORY = {"pekka": "pekka", "kpm": "kpm", "lainnya": "other", "lain lain": "other", "other": "other"}


def _choices(synonyms: dict[str, str], choices) -> dict[str, str]:
    """Synonyms plus each choice's code and its label in English and Indonesian, folded for comparison."""
    lookup = dict(synonyms)
    for value, label in choices:
        lookup[normalize_search(value)] = value
        for language in ("en", "id"):
            with translation.override(language):
                lookup[normalize_search(str(label))] = value
    return lookup


@functools.cache
def _lookups() -> dict[str, dict[str, str]]:
    return {
        "sex": _choices(_SEX, Sex.choices),
        "marital_status": _choices(_MARITAL, MaritalStatus.choices),
        "education": _choices(_EDUCATION, Education.choices),
        "category": _choices(_CATEGORY, Category.choices),
    }


def parse_choice(value, *, name: str) -> str:
    """A coded field (sex, marital status, education, category) from the words people write for it."""
    key = normalize_search(cell_text(value))
    choice = _lookups()[name].get(key)
    if choice is not None:
        return choice
    if name == "marital_status" and key == "janda":
        raise _Invalid(_("“janda” can mean widowed or divorced: write cerai mati or cerai hidup."))
    allowed = {
        "sex": "P, L",
        "marital_status": ", ".join(str(label) for label in MaritalStatus.labels),
        "education": ", ".join(str(label) for label in Education.labels),
        "category": ", ".join(str(label) for label in Category.labels),
    }[name]
    raise _Invalid(_("is not understood. Use one of: %(allowed)s.") % {"allowed": allowed})


_RT_RW = re.compile(r"(?:r[tw]\s*\.?\s*)?0*(\d{1,3})")
_JOINT_RT_RW = re.compile(r"0*(\d{1,3})\s*[/\\\-]\s*0*(\d{1,3})")


def parse_rt_rw(value) -> str:
    """An RT or RW number as three digits: "3", "03", "RT 3" → "003"."""
    match = _RT_RW.fullmatch(cell_text(value).lower())
    if not match:
        raise _Invalid(_("is not an RT/RW number (up to 3 digits)."))
    return match.group(1).zfill(3)


_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_MOBILE = re.compile(r"(?:\+62|62|0)?(8\d{8,11})")


def parse_phone_number(value) -> str:
    """An Indonesian phone number in the +62… form the registry stores (lokal's reading of it)."""
    text = cell_text(value)
    if isinstance(value, int) and not text.startswith(("0", "62")):
        text = f"0{text}"  # a number cell lost its leading zero
    mobile = _MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", text))
    if mobile:  # the usual case, without lokal's full analysis
        return f"+62{mobile.group(1)}"
    info = parse_phone(text)
    if not info.valid:
        raise _Invalid(_("is not an Indonesian phone number."))
    return info.e164


def _text(value, *, max_length: int) -> str:
    text = " ".join(cell_text(value).split())
    if len(text) > max_length:
        raise _Invalid(_("is too long: at most %(n)s characters.") % {"n": max_length})
    return text


def _parse_name(value) -> str:
    text = _text(value, max_length=150)
    if text.upper() == text.lower():  # no letters at all
        raise _Invalid(_("is not a name."))
    return normalise_name(text)


# How each field's cell is read: a function of the cell value that raises _Invalid. Those marked True see the same
# few values over and over (villages, choices, RT numbers), so their results are remembered for the file.
_PARSERS: dict[str, tuple[Callable, bool]] = {
    "full_name": (_parse_name, False),
    "nik": (lambda v: parse_identifier(v, kind="nik"), False),
    "kk_number": (lambda v: parse_identifier(v, kind="kk"), False),
    "phone": (parse_phone_number, False),
    "birth_place": (lambda v: _text(v, max_length=100), True),
    "address": (lambda v: _text(v, max_length=200), True),
    "province": (lambda v: _text(v, max_length=120), True),
    "regency": (lambda v: _text(v, max_length=120), True),
    "district": (lambda v: _text(v, max_length=120), True),
    "village": (lambda v: _text(v, max_length=120), True),
    "business_type": (lambda v: _text(v, max_length=100), True),
    "business_name": (lambda v: _text(v, max_length=150), False),
    "facilitator": (lambda v: _text(v, max_length=150), True),
    "rt": (parse_rt_rw, True),
    "rw": (parse_rt_rw, True),
    "sex": (lambda v: parse_choice(v, name="sex"), True),
    "marital_status": (lambda v: parse_choice(v, name="marital_status"), True),
    "education": (lambda v: parse_choice(v, name="education"), True),
    "category": (lambda v: parse_choice(v, name="category"), True),
}


_NOT_YET = object()


class RowChecker:
    """Checks the data rows of one file: a parser per column the file has, made once. Columns whose values repeat
    (villages, choices, RT numbers, dates) remember each value's result for the file."""

    def __init__(self, columns: ColumnMap, *, today: dt.date):
        self.parsers = []
        for name, position in columns.index.items():
            if name == "birth_date":
                parse, repeats = functools.partial(parse_date, today=today), True
            elif name == "rt_rw":
                parse, repeats = _parse_joint_rt_rw, True
            else:
                parse, repeats = _PARSERS[name]
            self.parsers.append((position, name, columns.headers[position], parse, {} if repeats else None))
        self.name_header = columns.header("full_name")
        self.nik_header = columns.header("nik")

    def check(self, number: int, values: list) -> RowResult | None:
        """One data row, normalised; each cell that cannot be used becomes a Problem. None for a row with nothing
        in the columns the import knows."""
        row = RowResult(number=number)
        width = len(values)
        filled = False
        for position, name, header, parse, results in self.parsers:
            if position >= width:
                continue
            value = values[position]
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                continue
            filled = True
            if results is None:
                try:
                    result, problem = parse(value), None
                except _Invalid as invalid:
                    result, problem = None, invalid.args[0]
            else:
                result, problem = results.get(value, (_NOT_YET, None))
                if result is _NOT_YET:
                    try:
                        result, problem = parse(value), None
                    except _Invalid as invalid:
                        result, problem = None, invalid.args[0]
                    if len(results) < 50_000:
                        results[value] = result, problem
            if problem is not None:
                row.add_error(Problem(header, cell_text(value)[:100], problem))
            elif name == "nik":
                row.nik, row.nik_numeric = result, value.__class__ is not str
            elif name == "rt_rw":
                row.rt, row.rw = result
            else:
                setattr(row, name, result)
        if not filled:
            return None
        if row.full_name is None and not any(p.column == self.name_header for p in row.errors):
            row.add_error(Problem(self.name_header, "", _("The name is missing.")))
        if row.nik:
            _check_nik_against_row(row, self.nik_header)
        return row


def _parse_joint_rt_rw(value) -> tuple[str, str]:
    match = _JOINT_RT_RW.fullmatch(cell_text(value))
    if not match:
        raise _Invalid(_("is not an RT/RW pair such as 002/001."))
    return match.group(1).zfill(3), match.group(2).zfill(3)


def _check_nik_against_row(row: RowResult, header: str) -> None:
    """Warnings, as on the registration form: a NIK whose date part or sex disagrees with the row's."""
    if row.nik_numeric and row.nik.endswith("0"):
        row.add_warning(
            Problem(
                header,
                row.nik,
                _("The NIK was stored as a number; spreadsheets keep only 15 digits, so check its last digit."),
            )
        )
    day, month, year, sex = nik_birth(row.nik)
    if row.birth_date and (row.birth_date.day, row.birth_date.month, row.birth_date.year % 100) != (day, month, year):
        row.add_warning(
            Problem(
                header,
                row.nik,
                _("The NIK gives the birth date %(nik)s but the birth date entered is %(entered)s.")
                % {"nik": f"{day:02d}/{month:02d}/{year:02d}", "entered": row.birth_date.strftime("%d/%m/%Y")},
            )
        )
    if row.sex and row.sex != sex:
        row.add_warning(
            Problem(
                header,
                row.nik,
                _("The NIK is a woman's (day of birth + 40) but the sex entered is male.")
                if sex == Sex.FEMALE
                else _("The NIK is a man's (day of birth without + 40) but the sex entered is female."),
            )
        )
