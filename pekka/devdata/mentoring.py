"""Demo mentoring, from the field reports in shared/seeds. Dates follow the demo's calendar (``clock``): as
written here for a build in December 2026, moved by whole months to the month the demo is first built.

- KPM Susukan (seed 004): each of the 22 KPM gets 11 visits from pendamping3 between the first monitoring on
  10 October and the expo in December 2025. Each KPM's row of the seed's table gives what the business looked
  like, the competition and obstacles, and what was done; the actions are spread over the visits in the table's
  order, each visit's aspects follow from its actions, and a few visits leave a follow-up that the next visit
  closes. The registry already holds the businesses that stopped, paused or got a permit or an online channel
  during the mentoring; the visit that saw it is linked to that change.
- PEKKA Bukittinggi (seeds 000/001): monthly rounds of home visits from September 2025 (each month half the
  caseload, and a few of the other half), two facilitated sessions per group (their attendance is
  a group meeting), and monitoring of the groups' members for the last four closed quarters: most businesses
  grow, the embroiderer who paused in November drops to nothing, and some snack makers sell less in the quarter
  after Lebaran, which flags their reports and opens follow-ups, then recover. A last round of visits, for
  Bukittinggi and Citra Sari, is dated from the build day, so that a facilitator's day shows visits due today
  and this week and follow-ups overdue.
- Trainings with attendance in the three programmes, on the topics of seed 003 (household economics, bookkeeping,
  gender, the role of micro-finance institutions) and of the visits (packaging, digital marketing, legality).

Seed 003's achievement figures (ERT and bookkeeping 335 of 500, gender 79 of 66, LKM 42 of 66) belong to the
Pasuruan project: its women and their training attendance are built by ``pasuruan.seed_pasuruan``, so they are
not repeated here.

Every row is found by a natural key (a visit by a form id derived from the woman's NIK and the visit's number,
a training by programme and title, a report by woman, business and quarter), so running again changes nothing.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import transaction

from beneficiaries.models import Beneficiary, Business, BusinessStatus, BusinessStatusChange
from groups.models import Group, Membership
from mentoring.models import FollowUp, MonitoringReport, Training, Visit, VisitType
from mentoring.periods import Quarter
from mentoring.services import (
    FollowUpSpec,
    add_follow_up,
    complete_follow_up,
    record_monitoring,
    record_visit,
    set_attendance,
)

from .clock import DemoCalendar, add_months, demo_calendar
from .places import BUKITTINGGI, CITRA_SARI, SUSUKAN

# Form ids of demo visits: uuid5 of "<nik>:<name of the visit>" in this namespace, the same every run.
DEMO_NAMESPACE = uuid.UUID("7b0c6a43-2f5e-4d8e-9a51-1d3c1f8e6a20")


def demo_uuid(*parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, ":".join(str(p) for p in parts))


@dataclass(frozen=True)
class KpmRow:
    """One row of seed 004's table: how the business looked, competition, obstacles, and what was done."""

    looked: str
    competition: str
    obstacles: str
    actions: tuple[str, ...]


SUSUKAN_ROWS = [
    KpmRow(
        "Mengantar sendiri barang ke konsumen; lebih baik memakai jasa kirim dan marketplace",
        "Tidak ada pesaing di sekitar desa",
        "Uang berputar lambat: kulakan harus tunai, sedangkan pembeli boleh kredit",
        (
            "Membuat email khusus untuk bisnis",
            "Mengunduh aplikasi marketplace",
            "Membuka toko online di Shopee",
            "Memasarkan produk dan tautan toko lewat media sosial",
            "Mencarikan pemasok dengan harga lebih bersaing",
            "Membuat logo dan pamflet digital",
            "Mendesain unggahan produk agar lebih menarik",
            "Mengajari disiplin mencatat keuangan usaha",
            "Mendaftarkan NIB",
        ),
    ),
    KpmRow(
        "Berjualan keliling desa dengan sepeda motor; mi balado kering perlu kemasan berlogo",
        "Tidak ada pesaing di sekitar desa",
        "Tidak punya karyawan; masakan matang yang tidak habis tidak bisa dijual esok hari",
        (
            "Mendesain kemasan mi balado yang lebih menarik",
            "Membuat label kemasan",
            "Membuat logo agar lebih khas",
            "Mencetak label dan memasangnya di kemasan",
            "Memilih bahan kemasan mi balado",
            "Mencari pemasaran lain untuk mi balado",
            "Mendaftarkan NIB",
        ),
    ),
    KpmRow(
        "Keluarga sakit; usaha berhenti karena tidak sanggup secara fisik",
        "Tidak ada pesaing di sekitar desa",
        "Usaha berhenti",
        (
            "Memberi semangat agar tetap berpikir positif demi keluarga",
            "Membahas cara memulai lagi, dari usaha ubi yang lebih prospektif",
        ),
    ),
    KpmRow(
        "Obat herbal dipasarkan di Facebook, tetapi bayar di tempat (COD)",
        "Tidak ada pesaing di sekitar desa",
        "Pemasaran kurang luas karena hanya COD",
        (
            "Memposting di Facebook Marketplace",
            "Mengajari menyalin kata-kata untuk keterangan foto",
            "Mengajari posting di Instagram",
            "Menjelaskan penjualan di Shopee",
            "Membuka lapak di Shopee",
            "Memasukkan produk ke Shopee",
            "Membuat unggahan dan foto yang menarik",
        ),
    ),
    KpmRow(
        "Ternak puyuh gulung tikar: harga pakan melambung, harga telur tetap",
        "Tidak ada pesaing di sekitar desa",
        "Burung puyuh sudah habis; tidak ada biaya untuk memulai usaha baru",
        ("Berdiskusi tentang usaha baru; KPM belum bersemangat karena modal dan keuangan keluarga sulit",),
    ),
    KpmRow(
        "Dipasarkan lewat Facebook, tetapi bayar di tempat (COD)",
        "Banyak yang bertanya di Facebook, tetapi pembeli jauh belum percaya tanpa toko online",
        "Suami yang mengantar pesanan COD sedang sakit dan susah berjalan",
        (
            "Mendaftarkan usaha dan membuat akun di Shopee",
            "Mengajari memasang gambar dan deskripsi produk",
            "Mengajari pemasaran yang baik lewat Facebook",
            "Membuat logo toko online dan memasangnya di profil Shopee",
            "Mengajari membuat konten dan foto yang menarik",
            "Mengajari mengisi harga dan memilih ekspedisi",
            "Mengajari membalas pesan calon pembeli",
            "Mendaftarkan NIB di OSS",
            "Membuat desain MMT dan pamflet",
        ),
    ),
    KpmRow(
        "Lokasi angkringan dijadikan parkir masjid; KPM kini bekerja sebagai penjaga toko di pasar",
        "Tidak ada pesaing di sekitar desa",
        "Usaha berhenti; barang dan perlengkapan sudah tidak ada",
        (
            "Memberi semangat agar tetap berpikir positif demi keluarga",
            "Membahas memulai lagi dari rumah dengan menerima pesanan",
        ),
    ),
    KpmRow(
        "Pesanan lewat WhatsApp, diantar sendiri oleh pemilik",
        "Sangat banyak: 17 usaha makanan dalam radius 1 km",
        "Jangkauan pemasaran; bisa bekerja sama dengan ojek online",
        (
            "Membuat Google My Business",
            "Mendesain pamflet digital untuk media sosial",
            "Mengajarkan pencatatan keuangan warung",
            "Memberi masukan untuk mendaftarkan izin usaha",
            "Pendaftaran NIB dihentikan: modal usaha di atas klasifikasi mikro",
            "Membuat pamflet digital",
        ),
    ),
    KpmRow(
        "Bekam yang lebih modern menjadi ancaman bagi bekam rumahan",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Pasien tidak menentu; buka dari pagi sampai malam",
        (
            "Membuat foto untuk promosi lewat ojek online",
            "Mencatat isi pamflet, kartu nama, spanduk dan media sosial",
            "Membuat pamflet, kartu nama bisnis dan spanduk",
            "Memperbarui Google Maps dan Google Business",
            "Membuat akun YouTube",
            "Mengajari Instagram sebagai media promosi",
            "Mendampingi membuat pencatatan keuangan",
        ),
    ),
    KpmRow(
        "Tidak ada pencatatan keuangan: penglihatan KPM terbatas dan anaknya bekerja di luar",
        "Pesaing dari KPM yang rumahnya dekat",
        "Omset anyaman tidak pasti; barang warung baru dibeli bila habis",
        (
            "Mengajari cara membuat dan mengisi buku keuangan",
            "Memberi semangat untuk meningkatkan usaha",
        ),
    ),
    KpmRow(
        "Menganyam masih berjalan; warung hanya menjual tiga jenis barang karena bantuan habis untuk membangunnya",
        "Pesaing dari KPM yang rumahnya dekat",
        "Barang dagangan sedikit; omset anyaman tidak pasti",
        (
            "Mencari cara agar warung lebih berjalan",
            "Memberi semangat untuk memanfaatkan warung yang sudah dibangun",
            "Mengajari menabung untuk mengisi warung",
        ),
    ),
    KpmRow(
        "Kambing sudah mati; usaha tampir masih berjalan",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Omset tampir tidak pasti; KPM lebih memilih membantu tetangga",
        (
            "Memeriksa hasil bantuan modal Rp 3.500.000: kambing sudah mati",
            "Memberi semangat untuk memulai usaha baru",
        ),
    ),
    KpmRow(
        "Hanya telepon genggam milik anak yang bekerja di Kalimantan",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Pemasok galon dan gas jarang datang, padahal permintaan banyak",
        ("Membantu menghubungi pemasok", "Memberi semangat untuk memulai usaha baru"),
    ),
    KpmRow(
        "Anak ayam dimakan tikus karena kandang berlubang",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Kandang berlubang di beberapa tempat; omset anyaman tidak pasti",
        (
            "Mencari cara menutup kandang yang tidak rapat",
            "Berdiskusi tentang pilihan yang bisa dilakukan",
            "Merencanakan perbaikan kandang setelah anak laki-lakinya pulang merantau",
            "Memindahkan telur ayam ke tempat yang terpisah",
        ),
    ),
    KpmRow(
        "Mulai membangun kandang ayam untuk beternak",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Omset anyaman tidak pasti",
        (
            "Melihat proses menganyam",
            "Mengecek pembangunan kandang ayam (sudah 75%)",
            "Membantu mengawasi awal beternak ayam",
            "Memberi masukan perkembangbiakan ayam yang baik",
        ),
    ),
    KpmRow(
        "Perkembangbiakan kambing selalu gagal",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Hanya punya dua kambing betina; kawin suntik belum berhasil",
        (
            "Memberi masukan agar kambing sehat dan cepat hamil",
            "Membahas waktu yang tepat untuk menjual kambing",
            "Memantau ternak dan mencari solusi bersama",
        ),
    ),
    KpmRow(
        "Kambing sudah dijual untuk memenuhi kebutuhan hidup",
        "Tidak ada pesaing di sekitar tempat usaha",
        "Modal sudah tidak ada",
        ("Memberi pandangan untuk berjualan atau memulai usaha baru; KPM belum bersemangat",),
    ),
    KpmRow(
        "Bisnis makanan online menjadi ancaman",
        "Pesaing di pasar cukup banyak, sama-sama pendatang",
        "Masakan matang yang tidak habis mengurangi laba; pasar sudah sepi sore hari",
        (
            "Mendampingi pemasaran mi ayam lewat ojek online",
            "Mendesain tempat jualan kecil",
            "Mengarahkan membuat pembukuan sederhana",
            "Menyerahkan desain MMT dan pamflet",
            "Pendaftaran izin usaha tertunda: KPM belum berkenan",
            "Memberi masukan kemasan yang lebih higienis",
            "Mengajarkan pembukuan usaha sederhana",
        ),
    ),
    KpmRow(
        "Bisnis makanan online menjadi ancaman",
        "Tidak ada pesaing karena jaraknya jauh",
        "Pembeli hanya warga sekitar",
        (
            "Memberi masukan varian bakaran yang lebih menarik",
            "Mendaftarkan titik warung di Google Maps",
            "Memberi masukan olahan lain selain bakaran",
            "Membuat desain daftar menu",
            "Mengajarkan pembukuan sederhana",
            "Membuat MMT baru",
        ),
    ),
    KpmRow(
        "Bisnis makanan online menjadi ancaman",
        "Di pasar ada satu pesaing sate",
        "Pembeli hanya warga sekitar; target pasar belum luas",
        (
            "Memberi masukan untuk memperbaiki kemasan",
            "Menjelaskan tahapan mendaftarkan izin usaha",
            "Mengusulkan pamflet digital",
            "Pendaftaran izin usaha tertunda: suami KPM belum berkenan",
            "Mendaftarkan lokasi warung di Google My Business",
            "Mendesain pamflet digital untuk disebarkan lewat WhatsApp",
        ),
    ),
    KpmRow(
        "Banyak warga membuka jasa jahit karena permintaan tinggi",
        "Banyak penjahit rumahan dan tiga konveksi besar di sekitar desa",
        "Omset tidak pasti, tergantung pesanan",
        (
            "Memberi masukan untuk berjualan di marketplace",
            "Mengarahkan langkah awal di marketplace: logo, foto dan ukuran produk",
            "Melatih memotret produk",
            "Mendaftarkan Google My Business",
            "Menginformasikan tren busana terbaru",
            "Membuat logo",
            "Mendaftar di marketplace dan memperkenalkan fiturnya",
            "Pendaftaran izin usaha tertunda: tidak masuk klasifikasi usaha mikro",
            "Membuat tagging baju",
        ),
    ),
    KpmRow(
        "Belum menggunakan teknologi",
        "Tidak ada pesaing di sekitar tempat usaha",
        "KPM memutuskan menjadi buruh tani",
        (
            "Berdiskusi apakah usaha ingin dilanjutkan",
            "Memberi solusi menjadi penjual pulsa sambil tetap menjual sembako",
            "KPM melanjutkan usaha pulsa dan token listrik sebagai sampingan",
        ),
    ),
]

# Words in an action that tell which aspect it served.
ASPECT_WORDS = {
    "legality": ("nib", "izin", "oss", "pirt"),
    "packaging": ("kemasan", "label", "tagging"),
    "bookkeeping": ("pembukuan", "keuangan", "menabung", "harga pokok", "buku kas", "kas bersama", "mencatat"),
    "marketing": (
        "shopee",
        "marketplace",
        "facebook",
        "instagram",
        "google",
        "youtube",
        "pamflet",
        "mmt",
        "logo",
        "unggahan",
        "media sosial",
        "pemasaran",
        "ojek online",
        "promosi",
        "pembeli",
        "kartu nama",
        "menu",
    ),
    "capital": ("modal", "pemasok"),
    "production": ("kandang", "ternak", "kambing", "ayam", "menganyam", "varian", "olahan", "tren", "tempat jualan"),
    "motivation": ("semangat", "berdiskusi", "membahas", "pandangan"),
}

# 10 October 2025 was the first monitoring; then weekly visits, and the expo in December.
SUSUKAN_DATES = [dt.date(2025, 10, 10)] + [dt.date(2025, 10, 14) + dt.timedelta(weeks=w) for w in range(9)]
SUSUKAN_DATES.append(dt.date(2025, 12, 19))


def aspects_of(actions) -> list[str]:
    """The aspects a visit's actions served, in the form's order; "other" when none is recognised."""
    text = " ".join(actions).lower()
    found = [aspect for aspect, words in ASPECT_WORDS.items() if any(w in text for w in words)]
    order = ["production", "packaging", "marketing", "legality", "bookkeeping", "motivation", "capital"]
    return sorted(found, key=order.index) or ["other"]


def _spread(actions: tuple[str, ...], visits: int) -> list[list[str]]:
    """The actions in order over ``visits`` visits, as evenly as they go."""
    plan: list[list[str]] = [[] for _ in range(visits)]
    for i, action in enumerate(actions):
        plan[i * visits // len(actions)].append(action)
    return plan


@transaction.atomic
def seed_mentoring(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo mentoring records (idempotent: running again changes nothing)."""
    mine = [programmes[name] for name in (BUKITTINGGI, SUSUKAN, CITRA_SARI)]
    # Built in one transaction and monitoring comes last: if it is there, everything is, and a second run need not
    # walk through the 400 visits again to find each by its form id.
    if not MonitoringReport.objects.filter(programme=programmes[BUKITTINGGI]).exists():
        cal = demo_calendar()
        _susukan_visits(programmes[SUSUKAN], users, cal)
        _bukittinggi_visits(programmes[BUKITTINGGI], users, cal)
        _monthly_rounds(_bukittinggi_women(programmes[CITRA_SARI]), cal, key="citra-sari", actions=CITRA_SARI_ACTIONS)
        _current_round(programmes, cal)
        _trainings(programmes, users, cal)
        for name in (BUKITTINGGI, CITRA_SARI):
            _monitoring(programmes[name], users, cal)
    return {
        "visits": Visit.objects.filter(programme__in=mine).count(),
        "trainings": Training.objects.filter(programme__in=mine).count(),
        "monitoring reports": MonitoringReport.objects.filter(programme__in=mine).count(),
    }


def _susukan_women() -> list[Beneficiary]:
    """The 22 KPM in the order of the seed's table (the registry demo creates them in that order)."""
    from .registry import demo_people

    niks = [p.nik for p in demo_people() if p.programme == SUSUKAN]
    found = {b.nik: b for b in Beneficiary.objects.filter(nik__in=niks).prefetch_related("businesses")}
    return [found[nik] for nik in niks if nik in found]


def _main_business(woman: Beneficiary) -> Business | None:
    """The business the visits look at: the one whose status changed during the mentoring, else the first."""
    businesses = list(woman.businesses.order_by("pk"))
    changed = [b for b in businesses if b.status != BusinessStatus.RUNNING]
    return (changed or businesses or [None])[0]


def _susukan_visits(programme, users, cal: DemoCalendar) -> None:
    facilitator, coordinator = users["pendamping3"], users["koordinator"]
    rng = random.Random(2021)
    for woman, row in zip(_susukan_women(), SUSUKAN_ROWS, strict=False):
        business = _main_business(woman)
        offset = rng.randint(0, 2)
        dates = [cal.on(SUSUKAN_DATES[0])] + [cal.on(d) + dt.timedelta(days=offset) for d in SUSUKAN_DATES[1:]]
        plan = [["Monitoring awal: menggali keadaan usaha dan kebutuhan KPM"], *_spread(row.actions, 10)]
        for number, (day, actions) in enumerate(zip(dates, plan, strict=True), start=1):
            if not actions:
                actions = ["Memantau perkembangan usaha"]
            following = dates[number] if number < len(dates) else None
            task = []
            if following and number % 3 == 0:
                task = [FollowUpSpec(f"Cek lanjutan: {actions[-1][:200].lower()}", following, facilitator)]
            visit, created = record_visit(
                client_uuid=demo_uuid(woman.nik, "susukan", number),
                author=facilitator,
                beneficiary=woman,
                visit_type=VisitType.HOME_VISIT,
                visited_on=day,
                facilitators=[facilitator, coordinator] if number in (1, len(dates)) else [facilitator],
                aspects=aspects_of(actions),
                business=business,
                business_note=row.looked[:200] if number == 1 else "",
                obstacles=row.obstacles if number == 1 else "",
                competition=row.competition if number == 1 else "",
                actions=actions,
                next_visit_on=following,
                follow_ups=task,
                notes="Expo, bazar dan talkshow kewirausahaan di Politeknik Negeri Semarang" if not following else "",
            )
            if created:
                since = dates[number - 2] if number > 1 else cal.date(2025, 10, 1)
                _link_registry_changes(visit, business, since=since)
        for task in FollowUp.objects.open().filter(beneficiary=woman, visit__isnull=False).select_related("visit"):
            if task.due_on <= dates[-1]:
                complete_follow_up(follow_up=task, on=task.due_on, by=facilitator)


def _link_registry_changes(visit: Visit, business: Business | None, *, since: dt.date) -> None:
    """The registry demo already holds the mentoring's stops, permits and channels: the visit that first saw one
    (dated since the visit before) records it as its change."""
    if business is None:
        return
    links = {}
    change = (
        BusinessStatusChange.objects.filter(business=business, changed_on__gt=since, changed_on__lte=visit.visited_on)
        .exclude(status=BusinessStatus.RUNNING)
        .first()
    )
    if change is not None and not hasattr(change, "visit"):
        links["status_change"] = change
    permit = business.permits.filter(issued_on__gt=since, issued_on__lte=visit.visited_on).first()
    presence = business.online_presences.filter(since__gt=since, since__lte=visit.visited_on).first()
    if permit is not None:
        links["permit"] = permit
    if presence is not None:
        links["online_presence"] = presence
    if links:
        Visit.objects.filter(pk=visit.pk).update(**links)


# Home visits start in September 2025; each month until the current round, the facilitators visit most of one
# half of their caseload (alternate halves) and a few of the other, so every month has visits.
FIRST_ROUND = dt.date(2025, 9, 15)
GROUP_SESSIONS = [dt.date(2025, 10, 25), dt.date(2025, 12, 20)]
BUKITTINGGI_ACTIONS = {
    "sulaman": [
        ["Menghitung harga pokok selendang", "Mencatat pesanan dan uang muka"],
        ["Memotret hasil sulaman untuk katalog WhatsApp", "Membahas pembelian benang bersama kelompok"],
        ["Mengecek buku kas", "Mencari pemesan di toko oleh-oleh Pasar Atas"],
    ],
    "aksesoris": [
        ["Mendesain kemasan gantungan kunci", "Menghitung harga pokok"],
        ["Memotret produk untuk Facebook", "Titip jual di kawasan Jam Gadang"],
        ["Mengecek buku kas", "Membuka toko di marketplace"],
    ],
    "makanan": [
        ["Memperbaiki kemasan sanjai", "Menghitung harga pokok"],
        ["Mengurus izin PIRT", "Mencatat penjualan harian"],
        ["Membuat label dengan tanggal kedaluwarsa", "Menyiapkan stok untuk Lebaran"],
    ],
}


# Citra Sari's emping makers: pendamping3's monthly visits alongside the revolving loan's collections.
CITRA_SARI_ACTIONS = {
    "makanan": [
        ["Menimbang stok melinjo dan emping", "Mengecek buku kas dan angsuran"],
        ["Mencatat penjualan ke pengepul Conggeang", "Membahas kemasan untuk toko oleh-oleh"],
        ["Menghitung harga pokok emping", "Mengecek buku kas dan angsuran"],
    ]
}


def _bukittinggi_women(programme) -> list[Beneficiary]:
    """The programme's women in a facilitator's caseload, with their businesses."""
    return list(
        Beneficiary.objects.filter(enrolments__programme=programme, facilitator__isnull=False)
        .select_related("facilitator")
        .prefetch_related("businesses__business_type")
        .order_by("pk")
    )


def _rounds(cal: DemoCalendar) -> list[dt.date]:
    """The monthly rounds' first days, from September 2025 (as written) to the month before the current round:
    the current round's visits fall in the last three weeks, so the rounds stop a month before the build day."""
    rounds, day = [], cal.on(FIRST_ROUND)
    while day + dt.timedelta(days=4) < cal.today - dt.timedelta(days=30):
        rounds.append(day)
        day = add_months(day, 1)
    return rounds


def _monthly_rounds(women, cal: DemoCalendar, *, key: str, actions: dict) -> None:
    """One round of home visits a month: most of one half of the caseload (alternate halves) and a few of the
    other, each visit's actions from ``actions`` by business type."""
    rng = random.Random(key)
    for number, day in enumerate(_rounds(cal)):
        for i, woman in enumerate(women):
            # Her half of the caseload this month, most of them; now and then a woman of the other half as well.
            if rng.random() > (0.9 if i % 2 == number % 2 else 0.15):
                continue
            business = _main_business(woman)
            kind = business.business_type.code if business else "sulaman"
            rounds = actions.get(kind) or next(iter(actions.values()))
            done = rounds[number // 2 % len(rounds)]
            record_visit(
                client_uuid=demo_uuid(woman.nik, key, number),
                author=woman.facilitator,
                beneficiary=woman,
                visited_on=day + dt.timedelta(days=rng.randint(0, 4)),
                aspects=aspects_of(done),
                business=business,
                actions=done,
            )


def _bukittinggi_visits(programme, users, cal: DemoCalendar) -> None:
    """Monthly rounds of home visits and two sessions per group; the current round is ``_current_round``'s."""
    rng = random.Random(2025)
    _monthly_rounds(_bukittinggi_women(programme), cal, key="bukittinggi", actions=BUKITTINGGI_ACTIONS)
    for group in Group.objects.filter(programme=programme).prefetch_related("facilitators").order_by("name"):
        lead = group.facilitators.order_by("username").first()
        if lead is None:
            continue
        for number, day in enumerate(cal.on(d) for d in GROUP_SESSIONS):
            members = list(
                Beneficiary.objects.filter(
                    pk__in=Membership.objects.current(on=day).filter(group=group).values("beneficiary_id")
                ).order_by("pk")
            )
            topics = (["Menghitung harga pokok bersama"], ["Pembukuan kelompok dan kas bersama"])[number]
            record_visit(
                client_uuid=demo_uuid(group.pk, group.name, "session", number),
                author=lead,
                group=group,
                visit_type=VisitType.GROUP_SESSION,
                visited_on=day,
                facilitators=list(group.facilitators.all()),
                aspects=aspects_of(topics),
                actions=topics,
                attendees=[m for m in members if rng.random() < 0.8],
            )


def _current_round(programmes, cal: DemoCalendar) -> None:
    """Visits of the last weeks before the first build, planning the next ones around the build day, and a few open
    tasks: what a facilitator's day looks like (Bukittinggi's facilitators, and pendamping3 with Citra Sari's
    makers). Found by form id afterwards, so later runs add nothing."""
    rng = random.Random(2025)
    today = cal.today
    women = _bukittinggi_women(programmes[BUKITTINGGI]) + _bukittinggi_women(programmes[CITRA_SARI])
    for i, woman in enumerate(women):
        kind = i % 6
        if kind == 5:
            continue  # not visited lately: listed as waiting for a visit
        visited = today - dt.timedelta(days=(7, 14, 20, 10, 5)[kind] + rng.randint(0, 3))
        planned = {
            0: today,
            1: today - dt.timedelta(days=3),  # planned, missed
            2: today + dt.timedelta(days=rng.randint(1, 6 - today.weekday()) if today.weekday() < 6 else 0),
            3: today + dt.timedelta(days=21),
            4: today + dt.timedelta(days=28),
        }[kind]
        business = _main_business(woman)
        actions = ["Memantau perkembangan usaha", "Mengecek buku kas"]
        task = []
        if kind in (1, 3):
            task = [FollowUpSpec("Bawa contoh kemasan dan label", visited + dt.timedelta(days=7), woman.facilitator)]
        record_visit(
            client_uuid=demo_uuid(woman.nik, "current"),
            author=woman.facilitator,
            beneficiary=woman,
            visited_on=visited,
            aspects=aspects_of(actions),
            business=business,
            actions=actions,
            next_visit_on=planned,
            follow_ups=task,
        )
    for woman in women[5::12]:
        if not FollowUp.objects.filter(beneficiary=woman, visit__isnull=True, source="other").exists():
            add_follow_up(
                beneficiary=woman,
                description="Telepon: tanyakan pesanan untuk pameran kota",
                due_on=today,
                owner=woman.facilitator,
                by=woman.facilitator,
            )


@dataclass(frozen=True)
class DemoTraining:
    programme: str
    topic: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    place: str
    trainer: str
    share: float  # the part of the programme's women who attended
    business_type: str = ""  # only the women with this kind of business were invited


DEMO_TRAININGS = [
    DemoTraining(
        BUKITTINGGI,
        "household_economics",
        "Ekonomi rumah tangga (ERT)",
        dt.date(2025, 9, 6),
        dt.date(2025, 9, 7),
        "Aula Kantor Camat Mandiangin Koto Selayan",
        "Serikat PEKKA Kota Bukittinggi",
        0.87,
    ),
    DemoTraining(
        BUKITTINGGI,
        "bookkeeping",
        "Manajemen usaha dan pembukuan sederhana",
        dt.date(2025, 10, 11),
        None,
        "Kantor Kelurahan Garegeh",
        "Tim pengabdian perguruan tinggi",
        0.8,
    ),
    DemoTraining(
        BUKITTINGGI,
        "gender",
        "Pelatihan gender",
        dt.date(2025, 11, 8),
        None,
        "Kantor Kelurahan Koto Selayan",
        "Serikat PEKKA Kota Bukittinggi",
        0.6,
    ),
    DemoTraining(
        BUKITTINGGI,
        "lkm",
        "Peran lembaga keuangan mikro (LKM)",
        dt.date(2025, 12, 13),
        None,
        "Kantor Kelurahan Campago Guguk Bulek",
        "Koperasi simpan pinjam setempat",
        0.4,
    ),
    DemoTraining(
        BUKITTINGGI,
        "packaging",
        "Kemasan dan label makanan ringan",
        dt.date(2026, 1, 17),
        None,
        "Rumah ketua KUB Makanan",
        "Dinas Koperasi dan UKM Kota Bukittinggi",
        0.9,
        "makanan",
    ),
    DemoTraining(
        BUKITTINGGI,
        "digital_marketing",
        "Berjualan suvenir di marketplace",
        dt.date(2026, 2, 7),
        None,
        "Kantor Kelurahan Garegeh",
        "Tim pengabdian perguruan tinggi",
        0.8,
        "aksesoris",
    ),
    DemoTraining(
        SUSUKAN,
        "legality",
        "Legalitas usaha: NIB lewat OSS",
        dt.date(2025, 10, 30),
        None,
        "Balai Desa Tawang",
        "Politeknik Negeri Semarang",
        0.55,
    ),
    DemoTraining(
        SUSUKAN,
        "digital_marketing",
        "Membuka toko di Shopee",
        dt.date(2025, 11, 13),
        None,
        "Balai Desa Timpik",
        "Politeknik Negeri Semarang",
        0.45,
    ),
    DemoTraining(
        SUSUKAN,
        "bookkeeping",
        "Pembukuan usaha sederhana",
        dt.date(2025, 11, 27),
        None,
        "Balai Desa Koripan",
        "Politeknik Negeri Semarang",
        0.65,
    ),
    DemoTraining(
        SUSUKAN,
        "other",
        "Expo, bazar dan talkshow kewirausahaan",
        dt.date(2025, 12, 18),
        dt.date(2025, 12, 19),
        "Politeknik Negeri Semarang",
        "Politeknik Negeri Semarang dan Kementerian Sosial",
        0.7,
    ),
    DemoTraining(
        CITRA_SARI,
        "lkm",
        "Pinjaman bergulir dan angsuran tepat waktu",
        dt.date(2024, 3, 2),
        None,
        "Balai Desa Narimbang",
        "Program Kemitraan PT Telkom",
        1.0,
    ),
    DemoTraining(
        CITRA_SARI,
        "packaging",
        "Kemasan emping untuk pasar modern",
        dt.date(2024, 5, 18),
        None,
        "Balai Desa Narimbang",
        "Dinas Perindustrian Kabupaten Sumedang",
        0.9,
    ),
]


def _trainings(programmes, users, cal: DemoCalendar) -> None:
    by = users["koordinator"]
    for number, spec in enumerate(DEMO_TRAININGS):
        programme = programmes[spec.programme]
        training, created = Training.objects.get_or_create(
            programme=programme,
            title=spec.title,
            defaults={
                "topic": spec.topic,
                "starts_on": cal.on(spec.starts_on),
                "ends_on": spec.ends_on and cal.on(spec.ends_on),
                "place": spec.place,
                "trainer": spec.trainer,
                "created_by": by,
            },
        )
        if not created:
            continue
        women = Beneficiary.objects.filter(enrolments__programme=programme).order_by("pk")
        if spec.business_type:
            women = women.filter(businesses__business_type__code=spec.business_type).distinct()
        women = list(women)
        rng = random.Random(number)
        present = [w for w in women if rng.random() < spec.share]
        scope = Beneficiary.objects.filter(pk__in=[w.pk for w in women])
        set_attendance(training=training, present=present, scope=scope, by=by)


MONITORED_QUARTERS = 4  # the last closed quarters: monitoring is entered after a quarter closes
FALL_QUARTER = 2  # of those, the quarter after the Lebaran rush, when some snack makers' sales fall
# Baseline monthly turnover (min, max) in thousands of rupiah, and the assets as months of turnover.
BASELINE = {"sulaman": (1500, 3500, 3), "aksesoris": (800, 2200, 2), "makanan": (1200, 3000, 2)}


def monitored_quarters(cal: DemoCalendar) -> list[Quarter]:
    """The last ``MONITORED_QUARTERS`` quarters closed before the build day, oldest first."""
    quarter = Quarter.of(cal.today)
    quarters = []
    for _ in range(MONITORED_QUARTERS):
        quarter = quarter.previous()
        quarters.insert(0, quarter)
    return quarters


def _monitoring(programme, users, cal: DemoCalendar) -> None:
    """The last four closed quarters for the groups' members: growth for most, the embroiderer's pause, and a
    quarter after Lebaran when some snack makers sell less (flagged, with follow-ups), then recover."""
    rng = random.Random(f"{programme.name}1375")
    groups = Group.objects.filter(programme=programme)
    member_ids = Membership.objects.filter(group__in=groups).values("beneficiary_id")
    members = set(member_ids.values_list("beneficiary_id", flat=True))
    # The groups' members; before the groups exist, every Bukittinggi woman (they are grouped by business type).
    women = [w for w in _bukittinggi_women(programme) if not members or w.pk in members]
    for woman in women:
        business = _main_business(woman)
        if business is None:
            continue
        kind = business.business_type.code
        low, high, asset_months = BASELINE.get(kind, (1000, 2500, 2))
        turnover = rng.randint(low, high) * 1000
        workers = rng.choice([0, 0, 1, 1, 2])
        paused = business.status_changes.filter(status=BusinessStatus.PAUSED).first()
        falls_after_lebaran = kind == "makanan" and rng.random() < 0.4
        for number, period in enumerate(monitored_quarters(cal)):
            if paused and period.end >= paused.changed_on:
                figures = (0, workers)
            elif number == FALL_QUARTER and falls_after_lebaran:
                figures = (round(turnover * rng.uniform(0.55, 0.7), -4), workers)
            else:
                figures = (turnover, workers)
            if not MonitoringReport.objects.filter(
                beneficiary=woman, business=business, year=period.year, quarter=period.quarter
            ).exists():
                record_monitoring(
                    beneficiary=woman,
                    business=business,
                    programme=programme,
                    year=period.year,
                    quarter=period.quarter,
                    turnover=int(figures[0]),
                    assets=int(turnover * asset_months + 500_000 * figures[1]),
                    workers=figures[1],
                    notes="Pesanan berhenti; menunggu modal benang" if figures[0] == 0 else "",
                    by=woman.facilitator,
                )
            turnover = round(turnover * rng.uniform(1.0, 1.15), -4)  # most businesses grow a little each quarter
            workers += rng.random() < 0.1
