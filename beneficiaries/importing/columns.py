"""Which column is which: the columns a beneficiary list may have, the headers people give them, and the template
that lists them (the empty list to fill in).

A header is compared folded ("Tgl. Lahir (dd/mm/yyyy)" is "tgl_lahir"), so case, accents, punctuation and notes in
brackets do not matter.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pekka.spreadsheets import SheetSpec, write_csv, write_workbook
from pekka.text import normalize_search


@dataclass(frozen=True)
class Column:
    """A column the import understands: its field, the template's header, other accepted headers, the legend."""

    field: str
    header: str
    aliases: tuple[str, ...]
    meaning: str
    example: str


def _columns() -> list[Column]:
    return [
        Column(
            "full_name",
            "nama",
            ("nama_lengkap", "nama_penerima", "nama_pekka", "nama_kpm", "name", "full_name"),
            gettext_lazy("Full name, as on the KTP. Required."),
            "NURHAYATI BINTI SYAFRI",
        ),
        Column(
            "nik",
            "nik",
            ("no_nik", "nomor_nik", "nik_ktp", "no_ktp", "nomor_ktp", "national_id"),
            gettext_lazy("16 digits; spaces, dots and apostrophes are ignored. Format the column as text."),
            "1375 0245 0880 9991",
        ),
        Column(
            "kk_number",
            "no_kk",
            ("nomor_kk", "kk", "nkk", "no_kartu_keluarga", "nomor_kartu_keluarga", "kk_number", "family_card"),
            gettext_lazy("Family card number, 16 digits. Women with the same KK share a household."),
            "1375020101090003",
        ),
        Column("sex", "jenis_kelamin", ("jk", "kelamin", "sex", "gender"), gettext_lazy("P or L. Empty: P."), "P"),
        Column("birth_place", "tempat_lahir", ("birth_place", "place_of_birth"), gettext_lazy("Birth place."), "Agam"),
        Column(
            "birth_date",
            "tanggal_lahir",
            ("tgl_lahir", "birth_date", "date_of_birth", "dob"),
            gettext_lazy("dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd, “10 Oktober 1980” or an Excel date."),
            "05/08/1980",
        ),
        Column(
            "marital_status",
            "status_perkawinan",
            # A village office's list has one status column, and it is this one ("Status: cerai mati").
            ("status_kawin", "status_pernikahan", "status", "marital_status"),
            gettext_lazy(
                "Cerai mati, cerai hidup, suami merantau, suami tidak mampu bekerja, belum pernah menikah or menikah."
            ),
            "cerai mati",
        ),
        Column(
            "education",
            "pendidikan",
            ("pendidikan_terakhir", "education"),
            gettext_lazy("Tidak sekolah, SD tidak tamat, SD, SMP, SMA/SMK, diploma or sarjana."),
            "SD",
        ),
        Column(
            "phone",
            "telepon",
            ("telp", "no_telepon", "no_telp", "nomor_telepon", "no_hp", "nomor_hp", "hp", "no_wa", "whatsapp", "phone"),
            gettext_lazy("Mobile or landline number; saved as +62…"),
            "0812-6600-1234",
        ),
        Column(
            "category",
            "kategori",
            ("category",),
            gettext_lazy("PEKKA, KPM or lainnya. Empty: the programme's category."),
            "PEKKA",
        ),
        Column(
            "regency",
            "kabupaten",
            ("kota", "kabupaten_kota", "kab_kota", "kab", "regency", "city"),
            gettext_lazy("Regency or city; tells villages of the same name apart."),
            "Kota Bukittinggi",
        ),
        Column(
            "district",
            "kecamatan",
            ("kec", "district"),
            gettext_lazy("District (kecamatan); tells villages of the same name apart."),
            "Mandiangin Koto Selayan",
        ),
        Column(
            "village",
            "desa",
            ("kelurahan", "desa_kelurahan", "kelurahan_desa", "kel_desa", "desa_kel", "village"),
            gettext_lazy("Village (desa/kelurahan) as in the official list. Required for a new beneficiary."),
            "Garegeh",
        ),
        Column("rt", "rt", (), gettext_lazy("Neighbourhood (RT) number."), "002"),
        Column("rw", "rw", (), gettext_lazy("Hamlet (RW) number."), "001"),
        Column(
            "address",
            "alamat",
            ("alamat_lengkap", "dusun", "jalan", "address", "street"),
            gettext_lazy("Street or hamlet."),
            "Jl. Melati No. 12",
        ),
        Column(
            "business_type",
            "jenis_usaha",
            ("usaha", "business_type"),
            gettext_lazy("A business type from the list; she gets a business of that type if she has none."),
            "sulaman",
        ),
        Column(
            "business_name",
            "nama_usaha",
            ("business_name",),
            gettext_lazy("The business's name, for a new business."),
            "Sulaman Bunga Tanjung",
        ),
        Column(
            "facilitator",
            "pendamping",
            ("facilitator", "username_pendamping"),
            gettext_lazy("The facilitator's user name; she must work in the programme."),
            "pendamping1",
        ),
    ]


COLUMNS = _columns()
# Extra fields that are not template columns: the province (optional, for telling regions apart) and a joint
# "RT/RW" column ("002/001").
_EXTRA_ALIASES = {"provinsi": "province", "province": "province", "prov": "province", "rt_rw": "rt_rw"}


def header_key(text) -> str:
    """A header as the import compares it: "Tgl. Lahir (dd/mm/yyyy)" → "tgl_lahir"."""
    text = re.sub(r"\(.*?\)|\*", " ", str(text or ""))
    return normalize_search(text).replace(" ", "_")


def _alias_map() -> dict[str, str]:
    aliases = dict(_EXTRA_ALIASES)
    for column in COLUMNS:
        for alias in (column.header, column.field, *column.aliases):
            aliases[header_key(alias)] = column.field
    return aliases


ALIASES = _alias_map()


@dataclass
class ColumnMap:
    """Which column of the file holds which field."""

    index: dict[str, int]  # field → column index
    headers: list[str]  # the header row as the file has it
    unknown: list[str]  # headers nobody understood: reported, not imported

    def header(self, name: str) -> str:
        """The file's own header for a field."""
        return self.headers[self.index[name]] if name in self.index else name


def template_rows() -> list[list[str]]:
    """The template's header and example row."""
    return [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]


def write_template(file, *, fmt: str) -> None:
    """The empty list to fill in: the columns, an example row (skipped on import while it is unchanged) and a
    legend, as XLSX (the legend on its own sheet) or CSV (``;``-separated, the legend as ``#`` comment lines)."""
    header, example = template_rows()
    legend = [
        [_("Column"), _("What to write"), _("Example"), _("Other accepted names")],
        *([c.header, str(c.meaning), c.example, ", ".join(c.aliases)] for c in COLUMNS),
        [],
        [_("Notes")],
        [_("The first row holds the column names; their order does not matter and columns may be left out.")],
        [_("The example row is not imported while it is unchanged; you may delete it.")],
        [
            _(
                "A row whose NIK (or KK, name and birth date) is already registered updates that woman; empty cells "
                "never erase what is registered."
            )
        ],
        [_("Rows whose first cell starts with # are ignored.")],
    ]
    if fmt == "xlsx":
        write_workbook(
            file,
            [
                SheetSpec(name=_("Data"), rows=[header, example], widths=[max(14, len(h) + 4) for h in header]),
                SheetSpec(name=_("Instructions"), rows=legend, widths=[20, 70, 24, 40]),
            ],
        )
        return
    comments = ([f"# {' — '.join(part for part in line if part)}"] for line in legend[1:] if line)
    write_csv(file, [header, example, *comments], delimiter=";")
