"""The demo's staff and programmes, from the field reports in shared/seeds, with their areas and assignments.

Every step finds its rows by a natural key (username, programme name), so running it again changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from pekka.accounts.models import Role
from pekka.programmes.models import Category, Programme
from pekka.programmes.services import set_programme_staff
from pekka.regions.models import Region

from .clock import demo_calendar
from .places import (
    BAKALREJO,
    BUKITTINGGI,
    CAMPAGO_GUGUK_BULEK,
    CITRA_SARI,
    GAREGEH,
    GENTAN,
    KORIPAN,
    KOTO_SELAYAN,
    NARIMBANG,
    NGASINAN,
    PASURUAN,
    SUSUKAN,
    TAWANG,
    TIMPIK,
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    phone: str = ""


DEMO_USERS = [
    DemoUser("admin", "Admin", "Sistem", Role.ADMIN),
    DemoUser("manajer", "Yusnida", "Hamzah", Role.MANAGER, "+6281266001001"),
    DemoUser("manajer2", "Euis", "Kurniasih", Role.MANAGER, "+6281266001002"),
    DemoUser("koordinator", "Rahmi", "Syafitri", Role.COORDINATOR, "+6281266001003"),
    DemoUser("pendamping1", "Nofrianti", "Putri", Role.FACILITATOR, "+6281266001004"),
    DemoUser("pendamping2", "Desi", "Marlina", Role.FACILITATOR, "+6281266001005"),
    DemoUser("pendamping3", "Sri", "Wahyuningsih", Role.FACILITATOR, "+6281266001006"),
]


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    short_name: str
    category: str
    funder: str
    partner: str
    start: dt.date
    end: dt.date | None
    areas: tuple[str, ...]
    staff: tuple[str, ...]
    description: str


DEMO_PROGRAMMES = [
    DemoProgramme(
        name=BUKITTINGGI,
        short_name="PEKKA Bukittinggi",
        category=Category.PEKKA,
        funder="Pengabdian kepada masyarakat (perguruan tinggi)",
        partner="Serikat PEKKA Kota Bukittinggi",
        start=dt.date(2025, 7, 1),
        end=dt.date(2027, 6, 30),
        areas=(GAREGEH, KOTO_SELAYAN, CAMPAGO_GUGUK_BULEK),
        staff=("manajer", "koordinator", "pendamping1", "pendamping2"),
        description=(
            "Pemberdayaan 30 perempuan kepala keluarga miskin di tiga kelurahan Kecamatan Mandiangin Koto "
            "Selayang melalui kelompok usaha mikro: sulaman/bordir, aksesoris dan suvenir, serta makanan ringan."
        ),
    ),
    DemoProgramme(
        name=SUSUKAN,
        short_name="KPM Susukan",
        category=Category.KPM,
        funder="Kementerian Sosial RI",
        partner="Politeknik Negeri Semarang",
        start=dt.date(2025, 10, 1),
        end=dt.date(2026, 12, 31),
        areas=(TAWANG, TIMPIK, KORIPAN, GENTAN, NGASINAN, BAKALREJO),
        staff=("manajer", "koordinator", "pendamping3"),
        description=(
            "Bantuan modal usaha dan pendampingan tiga bulan bagi 22 KPM di enam desa Kecamatan Susukan, "
            "Kabupaten Semarang."
        ),
    ),
    DemoProgramme(
        name=CITRA_SARI,
        short_name="Citra Sari",
        category=Category.OTHER,
        funder="Program Kemitraan PT Telkom (PKBL)",
        partner="Kelompok Citra Sari",
        start=dt.date(2024, 2, 1),
        end=None,
        areas=(NARIMBANG,),
        staff=("manajer2", "pendamping3"),
        description="Pinjaman modal bergulir dan pembinaan bagi sepuluh perajin emping melinjo di Desa Narimbang.",
    ),
    DemoProgramme(
        name=PASURUAN,
        short_name="UMKM Pasuruan",
        category=Category.OTHER,
        funder="PT HM Sampoerna Tbk",
        partner="Tim Community Facilitator Pasuruan",
        start=dt.date(2010, 12, 1),
        end=dt.date(2011, 11, 30),
        areas=("35.14.11", "35.14.10", "35.14.09"),
        staff=("manajer", "koordinator"),
        description=(
            "Pelatihan ekonomi rumah tangga, manajemen dan pembukuan usaha bagi 500 perempuan pelaku usaha mikro, "
            "pelatihan gender dan peran LKM di Kecamatan Pandaan, Prigen dan Sukorejo."
        ),
    ),
]


def seed_users(*, password: str) -> dict[str, object]:
    """Creates or refreshes the demo staff accounts, all with ``password``."""
    User = get_user_model()
    users = {}
    for spec in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "role": spec.role,
                "phone": spec.phone,
                "email": f"{spec.username}@pekka.example",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save()
        users[spec.username] = user
    return users


def seed_programmes(*, users) -> dict[str, Programme]:
    """Creates or refreshes the three demo programmes with their areas and staff."""
    missing = {code for p in DEMO_PROGRAMMES for code in p.areas} - set(
        Region.objects.filter(code__in=[c for p in DEMO_PROGRAMMES for c in p.areas]).values_list("code", flat=True)
    )
    if missing:
        raise RuntimeError(f"Regions {sorted(missing)} are missing: run `manage.py load_regions` first.")
    cal = demo_calendar()
    programmes = {}
    for spec in DEMO_PROGRAMMES:
        programme, _ = Programme.objects.update_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "category": spec.category,
                "funder": spec.funder,
                "partner": spec.partner,
                "start_date": cal.on(spec.start),
                "end_date": spec.end and cal.on(spec.end),
                "description": spec.description,
            },
        )
        programme.areas.set(spec.areas)
        set_programme_staff(programme=programme, users=[users[u] for u in spec.staff])
        programmes[spec.name] = programme
    return programmes
