"""NIK (Nomor Induk Kependudukan) checks: what makes a NIK impossible (errors) and what makes it doubtful
(warnings a user may confirm after looking at the KTP).

PP KK CC DDMMYY SSSS: the kecamatan code, the birth date with 40 added to the day for women, a serial.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import parse_nik

from pekka.regions.models import Region

_SEPARATORS = re.compile(r"[\s.\-'’`]")


def clean_nik(value: str) -> str:
    """Strips the spaces, dots, dashes and apostrophes that spreadsheets and people add to a NIK."""
    return _SEPARATORS.sub("", value or "")


@dataclass
class NikCheck:
    nik: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None  # "P" for women (day + 40), "L" for men
    district_code: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_nik(value: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> NikCheck:
    """Checks a NIK's shape, its kecamatan code against the region list, its date part, and whether it agrees
    with the birth date and sex recorded for the person."""
    nik = clean_nik(value)
    result = NikCheck(nik=nik)
    if not re.fullmatch(r"\d{16}", nik):
        result.errors.append(
            _("A NIK has exactly 16 digits (this one has %(n)s).") % {"n": len(re.sub(r"\D", "", nik))}
        )
        return result

    district = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    result.district_code = district
    if not Region.objects.filter(code=district, level=3).exists():
        result.errors.append(
            _("The first six digits (%(code)s) are not a district (kecamatan) code.") % {"code": nik[:6]}
        )

    parsed = parse_nik(nik, reference_date=timezone.localdate())
    if parsed.birth_date is None:
        result.errors.append(_("Digits 7–12 (%(part)s) are not a real date of birth.") % {"part": nik[6:12]})
    else:
        result.birth_date = dt.date.fromisoformat(parsed.birth_date)
        result.sex = parsed.gender
    if nik[12:] == "0000":
        result.errors.append(_("The last four digits of a NIK cannot be 0000."))
    if result.errors:
        return result

    # The NIK only has a two-digit year, so compare day, month and year-in-century.
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        result.birth_date.day,
        result.birth_date.month,
        result.birth_date.year % 100,
    ):
        result.warnings.append(
            _("The NIK gives the birth date %(nik)s but the birth date entered is %(entered)s.")
            % {"nik": result.birth_date.strftime("%d/%m/%y"), "entered": birth_date.strftime("%d/%m/%Y")}
        )
    if sex and sex != result.sex:
        result.warnings.append(
            _("The NIK is a woman's (day of birth + 40) but the sex entered is male.")
            if result.sex == "P"
            else _("The NIK is a man's (day of birth without + 40) but the sex entered is female.")
        )
    return result


def mask_identifier(value: str) -> str:
    """``1375024508800012`` → ``1375 **** **** 0012``: enough to tell records apart, not to misuse them."""
    if not value:
        return ""
    if len(value) != 16:
        return "*" * max(len(value) - 4, 0) + value[-4:]
    return f"{value[:4]} **** **** {value[-4:]}"
