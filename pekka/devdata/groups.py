"""Demo groups: the three Bukittinggi KUB (seed 001) and Citra Sari (seed 002), each meeting every month up to
the last few weeks before the demo was first built."""

import datetime as dt
import random
from dataclasses import dataclass

from beneficiaries.models import Beneficiary, Business, BusinessType
from groups.models import Formation, Group, GroupStatus
from groups.services import add_agreement, add_members, record_meeting, save_group, set_officers

from .clock import DemoCalendar, add_months, demo_calendar
from .places import BUKITTINGGI, CITRA_SARI, GAREGEH, NARIMBANG

# Names other demo steps (mentoring, loans) look groups up by.
KUB_SULAMAN = "KUB Sulaman Kapalo Samek"
KUB_AKSESORIS = "KUB Suvenir Jam Gadang"
KUB_MAKANAN = "KUB Makanan Ringan Sanjai"
CITRA_SARI_GROUP = "Citra Sari"


@dataclass(frozen=True)
class DemoGroup:
    name: str
    programme: str
    business_type: str
    village: str
    formed_on: dt.date
    formation: str
    facilitators: tuple[str, ...]
    recorded_by: str
    # (product, unit, price) agreed at the first meeting; seed 002: the members fix one selling price together.
    prices: tuple[tuple[str, str, int], ...]
    meeting_topics: tuple[str, ...]
    first_meeting: dt.date
    notes: str = ""
    # The members meet every month from this day (as written) to the last weeks before the build day, after
    # the meetings of ``meeting_topics``; None: from right after those.
    monthly_from: dt.date | None = None
    # Days before the build day of the latest monthly meeting: each group met in the last few weeks.
    last_met: int = 7


DEMO_GROUPS = [
    DemoGroup(
        name=KUB_SULAMAN,
        programme=BUKITTINGGI,
        business_type="sulaman",
        village=GAREGEH,
        formed_on=dt.date(2025, 8, 16),
        formation=Formation.FACILITATED,
        facilitators=("pendamping1",),
        recorded_by="pendamping1",
        prices=(("Selendang sulaman kapalo samek", "lembar", 450_000), ("Kerudung bordir", "lembar", 175_000)),
        meeting_topics=(
            "Pembentukan pengurus dan kesepakatan harga",
            "Pembelian benang dan kain bersama",
            "Pemasaran ke toko oleh-oleh Pasar Atas",
            "Evaluasi pesanan dan uang muka pemesan",
            "Persiapan pameran kerajinan kota",
        ),
        first_meeting=dt.date(2025, 8, 23),
        notes="Modal benang dan kain menjadi kendala utama; pemesan membayar separuh harga di muka.",
    ),
    DemoGroup(
        name=KUB_AKSESORIS,
        programme=BUKITTINGGI,
        business_type="aksesoris",
        village=GAREGEH,
        formed_on=dt.date(2025, 8, 16),
        formation=Formation.FACILITATED,
        facilitators=("pendamping1", "pendamping2"),
        recorded_by="pendamping2",
        prices=(("Gantungan kunci Jam Gadang", "lusin", 60_000), ("Bros kerudung manik", "buah", 15_000)),
        meeting_topics=(
            "Pembentukan pengurus dan kesepakatan harga",
            "Desain kemasan suvenir",
            "Titip jual di kawasan Jam Gadang",
            "Membuka toko di marketplace",
        ),
        first_meeting=dt.date(2025, 8, 30),
        last_met=12,
    ),
    DemoGroup(
        name=KUB_MAKANAN,
        programme=BUKITTINGGI,
        business_type="makanan",
        village=GAREGEH,
        formed_on=dt.date(2025, 8, 20),
        formation=Formation.INITIATIVE,
        facilitators=("pendamping2",),
        recorded_by="pendamping2",
        prices=(("Keripik sanjai balado", "kg", 80_000), ("Karak kaliang", "kg", 50_000)),
        meeting_topics=(
            "Pembentukan pengurus dan kesepakatan harga",
            "Mengurus izin PIRT bersama",
            "Kemasan dan label halal",
            "Evaluasi penjualan lebaran",
        ),
        first_meeting=dt.date(2025, 9, 6),
        last_met=17,
    ),
    DemoGroup(
        name=CITRA_SARI_GROUP,
        programme=CITRA_SARI,
        business_type="makanan",
        village=NARIMBANG,
        formed_on=dt.date(2005, 12, 1),
        formation=Formation.INITIATIVE,
        facilitators=("pendamping3",),
        recorded_by="pendamping3",
        prices=(("Emping melinjo", "kg", 60_000),),
        meeting_topics=(
            "Pembentukan kelompok dan pengurus",
            "Penyusunan proposal pinjaman modal",
            "Persiapan survei dan wawancara mitra",
            "Pembagian modal dan kesepakatan harga jual",
            "Angsuran bulanan sebelum tanggal 5",
            "Persiapan pameran mitra binaan",
        ),
        first_meeting=dt.date(2005, 12, 10),
        notes="Terbentuk atas inisiatif masyarakat setelah sosialisasi program kemitraan; 10 anggota.",
        monthly_from=dt.date(2024, 2, 10),
        last_met=4,
    ),
]


def _members(spec: DemoGroup, programme) -> list[Beneficiary]:
    """The demo women of the programme whose business is of the group's type (Citra Sari: all ten)."""
    enrolled = Beneficiary.objects.filter(enrolments__programme=programme).order_by("pk")
    if spec.programme == CITRA_SARI:
        return list(enrolled)
    kind = BusinessType.objects.get(code=spec.business_type)
    owners = Business.objects.filter(business_type=kind).values("beneficiary_id")
    return list(enrolled.filter(pk__in=owners))


ROUTINE_TOPICS = (
    "Pertemuan rutin: kas, iuran dan pesanan anggota",
    "Pertemuan rutin: rencana produksi bulan depan",
    "Pertemuan rutin: evaluasi penjualan bulan lalu",
)


def meeting_days(spec: DemoGroup, cal: DemoCalendar) -> list[tuple[dt.date, str]]:
    """(date, topic) of every meeting: the story's first meetings four weeks apart, then one a month up to the
    last few weeks before the build day (``last_met`` days before it)."""
    first = cal.on(spec.first_meeting)
    story = [(first + dt.timedelta(days=28 * i), topic) for i, topic in enumerate(spec.meeting_topics)]
    since = max(story[-1][0] + dt.timedelta(days=14), cal.on(spec.monthly_from) if spec.monthly_from else first)
    routine, months = [], 0
    while (day := add_months(cal.today - dt.timedelta(days=spec.last_met), -months)) > since:
        routine.insert(0, day)
        months += 1
    return story + [(day, ROUTINE_TOPICS[i % len(ROUTINE_TOPICS)]) for i, day in enumerate(routine)]


def seed_groups(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo groups with officers, members, monthly meetings and agreed prices (idempotent)."""
    rng = random.Random(2005)
    cal = demo_calendar()
    for spec in DEMO_GROUPS:
        programme = programmes[spec.programme]
        if Group.objects.filter(programme=programme, name=spec.name).exists():
            continue
        by = users[spec.recorded_by]
        group = save_group(
            group=Group(
                name=spec.name,
                programme=programme,
                business_type=BusinessType.objects.get(code=spec.business_type),
                village_id=spec.village,
                formed_on=cal.on(spec.formed_on),
                formation=spec.formation,
                status=GroupStatus.ACTIVE,
                status_changed_on=cal.on(spec.first_meeting),
                notes=spec.notes,
            ),
            facilitators=[users[u] for u in spec.facilitators],
            by=users["admin"],  # who accompanies a group is not a facilitator's choice (can_assign_group_facilitators)
        )
        members = _members(spec, programme)
        add_members(group=group, beneficiaries=members, joined_on=cal.on(spec.formed_on), by=by)
        chair, secretary, treasurer = members[:3]
        set_officers(
            group=group,
            officers={"chair": chair, "secretary": secretary, "treasurer": treasurer},
            on=cal.on(spec.formed_on),
            by=by,
        )
        meetings = meeting_days(spec, cal)
        for i, (held_on, topic) in enumerate(meetings):
            next_on = meetings[i + 1][0] if i + 1 < len(meetings) else add_months(held_on, 1)
            present = [b for b in members if b in (chair, secretary, treasurer) or rng.random() < 0.8]
            record_meeting(
                group=group,
                held_on=held_on,
                topic=topic,
                place=f"Rumah {rng.choice(members).full_name.split()[0]}" if i else "Kantor kelurahan",
                decisions=_decisions(topic, spec),
                next_meeting_on=next_on,
                attendees=present,
                by=by,
            )
        for product, unit, price in spec.prices:
            add_agreement(
                group=group,
                kind="price",
                subject=product,
                unit=unit,
                amount=price,
                agreed_on=cal.on(spec.first_meeting),
                by=by,
            )
        add_agreement(
            group=group,
            kind="dues",
            subject="Iuran kas kelompok",
            unit="bulan",
            amount=10_000,
            agreed_on=cal.on(spec.first_meeting),
            by=by,
        )
    demo = Group.objects.filter(name__in=[g.name for g in DEMO_GROUPS])
    return {"groups": demo.count()}


def _decisions(topic: str, spec: DemoGroup) -> str:
    if "harga" in topic:
        prices = "; ".join(f"{p} Rp {a:,}".replace(",", ".") + f"/{u}" for p, u, a in spec.prices)
        return f"Harga jual bersama disepakati: {prices}. Iuran kas Rp 10.000 per bulan."
    return f"Anggota sepakat menindaklanjuti: {topic.lower()}."
