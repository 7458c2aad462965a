"""The demo's places and programme names (Kemendagri codes), used by every demo step."""

# The demo's villages (Kemendagri codes). "Cimpago Guguk Bulek" and "Koto Selayang" in the field list are
# officially Campago Guguk Bulek and Koto Selayan.
GAREGEH, KOTO_SELAYAN, CAMPAGO_GUGUK_BULEK = "13.75.02.1008", "13.75.02.1007", "13.75.02.1001"
TAWANG, TIMPIK, KORIPAN, GENTAN, NGASINAN, BAKALREJO = (
    "33.22.03.2003",
    "33.22.03.2002",
    "33.22.03.2011",
    "33.22.03.2008",
    "33.22.03.2010",
    "33.22.03.2004",
)
NARIMBANG = "32.11.07.2011"  # Kecamatan Conggeang, Kabupaten Sumedang

BUKITTINGGI = "Pemberdayaan Ekonomi PEKKA Miskin Mandiangin Koto Selayang"
SUSUKAN = "Pendampingan Kewirausahaan Sosial KPM Kecamatan Susukan"
CITRA_SARI = "Kemitraan Kelompok Perajin Emping Melinjo Citra Sari"
PASURUAN = "Penguatan Kapasitas Perempuan Pelaku Usaha Mikro Pasuruan"
# Seed 003: two villages in each of Kecamatan Pandaan, Prigen and Sukorejo, Kabupaten Pasuruan.
PASURUAN_VILLAGES = (
    "35.14.11.1011",
    "35.14.11.1007",
    "35.14.10.1009",
    "35.14.10.1008",
    "35.14.09.2004",
    "35.14.09.2001",
)
