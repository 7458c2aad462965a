"""The demo registry, from the field reports in shared/seeds: the women (and a few KPM men) of the three demo
programmes, their households and their businesses.

- PEKKA Bukittinggi (seeds 000/001): 30 women heads of household, 10 in each of Garegeh, Koto Selayan and
  Campago Guguk Bulek, mostly widowed or divorced; 10 embroiderers, 10 accessory makers, 10 snack makers.
- KPM Susukan (seed 004): 22 KPM in six villages, one for each row of the seed's visit table, with its
  businesses — some stopped (illness, livestock that died, a move to farm labour) and one paused.
- Citra Sari (seed 002): 10 emping-melinjo makers in Desa Narimbang.

Every name and number is invented: names are drawn with ``random.Random(2026)`` from the lists below, and NIK and
KK numbers are synthetic but well formed (kecamatan code, birth or issue date, serial), so the same people come
out every time. Rows are found by NIK and KK: a person the database already has is left as she is. The dates
below are written for a build in December 2026 and moved to the demo's calendar when written (``clock``), apart
from dates of birth and KK issue dates, which the numbers carry.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from beneficiaries.models import (
    Activity,
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    BusinessType,
    Category,
    Channel,
    Education,
    EnrolmentStatus,
    Household,
    HouseholdMember,
    MaritalStatus,
    OnlinePresence,
    Permit,
    PermitKind,
    Relationship,
    Sex,
)
from beneficiaries.services import assign_facilitator, change_business_status, change_enrolment_status, enrol

from .clock import DemoCalendar, demo_calendar
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
    SUSUKAN,
    TAWANG,
    TIMPIK,
)

# Children's school or work is as it was when the programmes registered them.
REGISTERED_ON = dt.date(2025, 7, 1)
LAST_BIRTH_YEAR = 2023


# Who puts each programme's beneficiaries in a facilitator's caseload: its manager.
ASSIGNED_BY = {BUKITTINGGI: "manajer", SUSUKAN: "manajer", CITRA_SARI: "manajer2"}


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated list as a tuple: "Asnidar, Nurhayati" → ("Asnidar", "Nurhayati")."""
    return tuple(name.strip() for name in text.split(","))


@dataclass(frozen=True)
class Names:
    """Where a programme's people come from: name lists, birth places, and the streets or hamlets they live on."""

    women: tuple[str, ...]
    men: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    elders: tuple[str, ...]
    birth_places: tuple[str, ...]
    streets: tuple[str, ...]
    house_numbers: bool = False  # town streets have them; village hamlets (dusun) do not
    father_names: tuple[str, ...] = ()


MINANG = Names(
    women=_names(
        "Asnidar, Nurhayati, Elvi, Yulidar, Erniwati, Nurlela, Syamsidar, Rosnidar, Desmawati, Zuraida, Fitriani, "
        "Yenni, Rahmawati, Nelmawati, Mardiana, Syafrida, Elmi, Nurbaiti, Warnita, Gusnawati, Jusmaniar, Afrida, "
        "Yusmaneli, Emilia, Yurnalis, Hasnah, Misrawati, Darnis, Efrida, Nofriyeni, Yetti, Roswita, Lismawati, Anizar"
    ),
    men=_names("Zulkarnain, Jasman, Darmawan, Yusrizal, Afrizal, Yondri, Hendri, Irwan, Novrizal, Asrul, Jufri"),
    girls=_names(
        "Aulia, Nabila, Putri Ramadhani, Salsabila, Dinda, Intan, Zahra, Annisa, Fadhila, Khairunnisa, Rania, Syifa"
    ),
    boys=_names("Rizky, Fadli, Rahmat, Zaki, Hafiz, Fauzan, Ilham, Arif, Farhan, Aditya, Randi, Yoga"),
    elders=_names("Nurjanah, Rukiah, Saniah, Jawahir, Rabiah, Maimunah, Samsiar, Kamisah"),
    birth_places=_names("Bukittinggi, Bukittinggi, Bukittinggi, Agam, Padang Panjang, Payakumbuh"),
    streets=_names("Jl. Melati, Jl. Kenanga, Jl. Cempaka, Jl. Flamboyan, Jl. Anggrek, Lorong Teratai"),
    house_numbers=True,
    # Minang women often carry their father's name after their own.
    father_names=_names("Syafri, Rusli, Darwis, Yunus, Idris, Jamaris, Zulkifli, Asril, Yusuf, Arifin, Nasir, Amran"),
)

JAWA = Names(
    women=_names(
        "Sri Wahyuni, Suwarni, Tumini, Sukinah, Partini, Suparmi, Wartini, Jumiati, Sulastri, Ngatini, Rusmini, "
        "Sarinah, Mujiati, Purwanti, Tri Handayani, Endang Susilowati, Kasmini, Murtini, Sri Rahayu, Umi Kulsum, "
        "Rubiyah, Ngatiyem, Winarsih, Tukiyem"
    ),
    men=_names(
        "Sugiyono, Paimin, Suyatno, Bambang Riyadi, Mulyono, Joko Santoso, Sutrisno, Wagiman, Tugiman, Parjo, "
        "Sukardi, Marjuki, Teguh Prasetyo, Sunarto, Rohmadi, Supriyadi, Kusnadi, Darmaji, Harjono, Suroso, Sarwono"
    ),
    girls=_names("Dwi Lestari, Ayu, Rina, Nur Aini, Fitri, Wulan, Dewi, Indah, Novi, Putri, Anisa, Eka Yuliana"),
    boys=_names("Eko, Bayu, Agus, Wahyu, Dimas, Fajar, Aris, Rizal, Andi, Galih, Arif, Yusuf"),
    elders=_names("Painah, Sainem, Wakinem, Tuminah, Karsiyem, Samini, Sadikem"),
    birth_places=_names("Kab. Semarang, Kab. Semarang, Salatiga, Boyolali, Grobogan"),
    streets=_names("Dusun Krajan, Dusun Kauman, Dusun Ngemplak, Dusun Sidomulyo, Dusun Gondang"),
)

SUNDA = Names(
    women=_names(
        "Imas Komariah, Entin Suhartini, Cucu Rohaeni, Iis Nurhasanah, Enok Rukmini, Yati Suryati, Nining Karwati, "
        "Popon Juariah, Dedeh Rosidah, Neneng Saadah, Oom Maryamah, Lilis Hayati, Titin Sumiati, Nunung Kurniawati"
    ),
    men=_names(
        "Asep Saepudin, Dadang Sutisna, Ujang Rohmat, Cecep Supriatna, Encep Sopian, Jajang Nurjaman, "
        "Oman Abdurahman, Udin Samsudin, Enjang Suherman, Atang Sutarman"
    ),
    girls=_names("Neng Rina, Ai Nurjanah, Rini, Novi, Ayu Lestari, Risma, Wulan, Desi, Tia, Sela"),
    boys=_names("Asep Ridwan, Dede, Yudi, Ikhsan, Rizal, Cecep Ramdani, Ujang Irfan, Acep, Hendra"),
    elders=_names("Icih, Enah, Iyah, Onah, Eem, Ocih"),
    birth_places=_names("Sumedang, Sumedang, Conggeang, Majalengka"),
    streets=_names("Dusun Sukamaju, Dusun Babakan, Dusun Cipicung, Dusun Sukasari"),
)


@dataclass
class DemoMember:
    name: str
    relationship: str
    sex: str
    birth_date: dt.date | None = None
    birth_year: int | None = None
    activity: str = ""


@dataclass
class DemoBusiness:
    type_code: str
    name: str
    description: str
    started_on: dt.date
    # Changes after the business started running: (status, date, reason), oldest first.
    changes: list[tuple[str, dt.date, str]] = field(default_factory=list)
    permits: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (kind, number, issued on)
    online: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (channel, address, since)


@dataclass
class DemoPerson:
    programme: str
    facilitator: str
    village: str
    category: str
    full_name: str
    sex: str
    birth_date: dt.date
    birth_place: str
    marital_status: str
    education: str
    phone: str
    nik: str
    kk: str
    rt: str
    rw: str
    address: str
    enrolled_on: dt.date
    # The enrolment's path from candidate, with dates: [(verified, d1), (active, d2)].
    enrolment_steps: list[tuple[str, dt.date]]
    members: list[DemoMember] = field(default_factory=list)
    businesses: list[DemoBusiness] = field(default_factory=list)

    @property
    def call_name(self) -> str:
        """What neighbours call her: "Sri Wahyuni" is Bu Sri, "Imas Komariah" is Ceu Imas."""
        return self.full_name.split()[0]


def district_digits(village_code: str) -> str:
    """The kecamatan digits that start a NIK or KK number from a village: "13.75.02.1008" → "137502"."""
    return village_code.rsplit(".", 1)[0].replace(".", "")


def synthetic_nik(*, village_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """An invented, well-formed NIK: kecamatan code, birth date as DDMMYY with 40 added to a woman's day, serial."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district_digits(village_code)}{day:02d}{birth_date:%m%y}{serial:04d}"


def synthetic_kk(*, village_code: str, issued_on: dt.date, serial: int) -> str:
    """An invented, well-formed family-card number: kecamatan code, issue date as DDMMYY, serial."""
    return f"{district_digits(village_code)}{issued_on:%d%m%y}{serial:04d}"


class _Draw:
    """The seeded random source with the few draws the demo needs; serial numbers count per kecamatan."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.nik_serials: Counter[str] = Counter()
        self.kk_serials: Counter[str] = Counter()

    def date(self, start: dt.date, end: dt.date) -> dt.date:
        """A day between ``start`` and ``end``, both included."""
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def birth_date(self, first_year: int, last_year: int) -> dt.date:
        """A birth date in the given years."""
        return self.date(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))

    def phone(self) -> str:
        """An Indonesian mobile number (+62 8xx…), or none: not every woman has a phone of her own."""
        if self.rng.random() < 0.15:
            return ""
        prefix = self.rng.choice(["811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "895"])
        return f"+62{prefix}{self.rng.randrange(10**7, 10**8)}"

    def education(self) -> str:
        """Schooling as it is among poor women in these villages: mostly primary or junior high."""
        choices = [Education.NONE, Education.SD_INCOMPLETE, Education.SD, Education.SMP, Education.SMA]
        return self.rng.choices(choices, weights=[1, 3, 8, 7, 4])[0]

    def nik(self, village_code: str, birth_date: dt.date, sex: str) -> str:
        """The next synthetic NIK in the village's kecamatan."""
        self.nik_serials[village_code[:8]] += 1
        serial = self.nik_serials[village_code[:8]]
        return synthetic_nik(village_code=village_code, birth_date=birth_date, sex=sex, serial=serial)

    def kk(self, village_code: str) -> str:
        """The next synthetic family-card number in the village's kecamatan, issued 2010–2024."""
        # Serials rise by uneven steps so that a masked KK does not end like the masked NIK next to it.
        self.kk_serials[village_code[:8]] += self.rng.randint(1, 40)
        issued_on = self.date(dt.date(2010, 1, 1), dt.date(2024, 12, 31))
        return synthetic_kk(village_code=village_code, issued_on=issued_on, serial=self.kk_serials[village_code[:8]])


def _activity(draw: _Draw, born: dt.date) -> str:
    """School or work of a child born on ``born``, at registration."""
    age = REGISTERED_ON.year - born.year - ((REGISTERED_ON.month, REGISTERED_ON.day) < (born.month, born.day))
    if age < 6:
        return Activity.UNDER_SCHOOL_AGE
    if age < 18:
        return Activity.DROPPED_OUT if age >= 15 and draw.rng.random() < 0.1 else Activity.IN_SCHOOL
    return draw.rng.choice([Activity.WORKING, Activity.WORKING, Activity.HOUSEHOLD, Activity.IN_SCHOOL])


def _members(draw: _Draw, names: Names, *, head_sex: str, head_born: dt.date, marital_status: str) -> list[DemoMember]:
    """One to four people living with the head: a spouse if there is one, children, sometimes an old parent."""
    rng = draw.rng
    members = []
    if marital_status in {MaritalStatus.MARRIED, MaritalStatus.HUSBAND_AWAY, MaritalStatus.HUSBAND_UNABLE}:
        spouse_sex = Sex.MALE if head_sex == Sex.FEMALE else Sex.FEMALE
        spouse_born = draw.birth_date(head_born.year - 6, head_born.year + 2)
        activity = {
            MaritalStatus.HUSBAND_UNABLE: Activity.UNABLE,
            MaritalStatus.HUSBAND_AWAY: Activity.WORKING,
        }.get(marital_status, Activity.WORKING if spouse_sex == Sex.MALE else Activity.HOUSEHOLD)
        spouse_names = names.men if spouse_sex == Sex.MALE else names.women
        members.append(
            DemoMember(rng.choice(spouse_names), Relationship.SPOUSE, spouse_sex, spouse_born, None, activity)
        )
    girls, boys = rng.sample(names.girls, 3), rng.sample(names.boys, 3)
    # The first child when she was 19–30, the next ones two to six years apart; none born after 2023.
    year = head_born.year + rng.randint(19, 30)
    for child in range(rng.randint(1, 3)):
        if child and year > LAST_BIRTH_YEAR:
            break
        year = min(year, LAST_BIRTH_YEAR)
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        born = draw.birth_date(year, year)
        name = girls.pop() if sex == Sex.FEMALE else boys.pop()
        members.append(DemoMember(name, Relationship.CHILD, sex, born, None, _activity(draw, born)))
        year += rng.randint(2, 6)
    if len(members) < 4 and rng.random() < 0.3:
        # The old parent living in is usually the wife's mother (in Minang households always: they are matrilocal).
        members.append(
            DemoMember(
                rng.choice(names.elders),
                Relationship.PARENT,
                Sex.FEMALE,
                None,
                head_born.year - rng.randint(20, 30),
                rng.choice([Activity.UNABLE, Activity.HOUSEHOLD]),
            )
        )
    return members


def _person(
    draw: _Draw,
    names: Names,
    *,
    full_name: str,
    sex: str,
    programme: str,
    facilitator: str,
    village: str,
    category: str,
    marital_status: str,
    born_between: tuple[int, int],
    enrolled_on: dt.date,
    enrolment_status: str,
) -> DemoPerson:
    """A person with her household, identity numbers and enrolment; businesses are added by the caller."""
    rng = draw.rng
    birth_date = draw.birth_date(*born_between)
    steps = []
    if enrolment_status in {EnrolmentStatus.VERIFIED, EnrolmentStatus.ACTIVE}:
        verified_on = enrolled_on + dt.timedelta(days=rng.randint(7, 21))
        steps.append((EnrolmentStatus.VERIFIED, verified_on))
        if enrolment_status == EnrolmentStatus.ACTIVE:
            steps.append((EnrolmentStatus.ACTIVE, verified_on + dt.timedelta(days=rng.randint(7, 30))))
    return DemoPerson(
        programme=programme,
        facilitator=facilitator,
        village=village,
        category=category,
        full_name=full_name,
        sex=sex,
        birth_date=birth_date,
        birth_place=rng.choice(names.birth_places),
        marital_status=marital_status,
        education=draw.education(),
        phone=draw.phone(),
        nik=draw.nik(village, birth_date, sex),
        kk=draw.kk(village),
        rt=f"{rng.randint(1, 6):03d}",
        rw=f"{rng.randint(1, 4):03d}",
        address=(
            f"{rng.choice(names.streets)} No. {rng.randint(1, 80)}"
            if names.house_numbers
            else rng.choice(names.streets)
        ),
        enrolled_on=enrolled_on,
        enrolment_steps=steps,
        members=_members(draw, names, head_sex=sex, head_born=birth_date, marital_status=marital_status),
    )


# The three kinds of business the Bukittinggi groups will be formed around (seed 001), each with products as
# (name pattern, description). "Uni" (elder sister) or "Etek" (aunt) is how customers address the maker.
BUKITTINGGI_KINDS = {
    "sulaman": [
        ("Sulaman {title} {name}", "Sulaman kapalo samek untuk selendang dan kerudung, dikerjakan menurut pesanan"),
        ("Bordir {title} {name}", "Bordir mukena dan kerudung; pemesan membayar separuh harga di muka"),
        ("Sulaman {title} {name}", "Sulaman benang emas untuk taplak meja dan sarung bantal"),
        ("Bordir {title} {name}", "Bordir kebaya dan baju kurung menurut pesanan"),
    ],
    "aksesoris": [
        ("Aksesoris {title} {name}", "Bros, kalung dan gelang manik-manik"),
        ("Suvenir {title} {name}", "Gantungan kunci miniatur rumah gadang dan Jam Gadang"),
        ("Suvenir {title} {name}", "Dompet dan tas kecil dari kain songket"),
        ("Aksesoris {title} {name}", "Jepit rambut, bando dan bros kerudung hias"),
    ],
    "makanan": [
        ("Sanjai {title} {name}", "Keripik singkong sanjai balado, dititipkan ke toko oleh-oleh"),
        ("Karak Kaliang {title} {name}", "Karak kaliang dan kue bawang, dijual di warung sekitar"),
        ("Kipang {title} {name}", "Kipang kacang dan galamai untuk pesanan dan oleh-oleh"),
        ("Rakik {title} {name}", "Rakik maco dan peyek kacang, dijual keliling"),
    ],
}


def _bukittinggi(draw: _Draw) -> list[DemoPerson]:
    """Seeds 000/001: 30 poor women heads of household, 10 per kelurahan, 10 per kind of business."""
    rng = draw.rng
    first_names = rng.sample(MINANG.women, 30)
    marital = [MaritalStatus.WIDOWED] * 12 + [MaritalStatus.DIVORCED] * 12
    marital += [MaritalStatus.HUSBAND_AWAY] * 3 + [MaritalStatus.HUSBAND_UNABLE] * 3
    rng.shuffle(marital)
    statuses = [EnrolmentStatus.ACTIVE] * 24 + [EnrolmentStatus.VERIFIED] * 4 + [EnrolmentStatus.CANDIDATE] * 2
    rng.shuffle(statuses)
    kinds = list(BUKITTINGGI_KINDS)
    people = []
    for i, first_name in enumerate(first_names):
        father = rng.choice(MINANG.father_names + ("",) * 6)
        person = _person(
            draw,
            MINANG,
            full_name=f"{first_name} {father}".strip(),
            sex=Sex.FEMALE,
            programme=BUKITTINGGI,
            # Garegeh and half of Koto Selayan are pendamping1's, the rest pendamping2's.
            facilitator="pendamping1" if i < 15 else "pendamping2",
            village=(GAREGEH, KOTO_SELAYAN, CAMPAGO_GUGUK_BULEK)[i // 10],
            category=Category.PEKKA,
            marital_status=marital[i],
            born_between=(1975, 1996),
            enrolled_on=draw.date(dt.date(2025, 7, 7), dt.date(2025, 8, 8)),
            enrolment_status=statuses[i],
        )
        type_code = kinds[i % 3]
        pattern, description = rng.choice(BUKITTINGGI_KINDS[type_code])
        title = "Etek" if person.birth_date.year < 1982 else "Uni"
        business = DemoBusiness(
            type_code=type_code,
            name=pattern.format(title=title, name=person.call_name),
            description=description,
            started_on=draw.date(dt.date(2012, 1, 1), dt.date(2024, 6, 30)),
        )
        if type_code == "aksesoris" and rng.random() < 0.3:
            since = draw.date(dt.date(2025, 9, 1), dt.date(2025, 12, 31))
            business.online.append((Channel.SOCIAL_MEDIA, f"Facebook: {business.name}", since))
        person.businesses.append(business)
        people.append(person)
    # Seed 001: embroidery stops when there is no money for thread and cloth, until an order pays half up front.
    embroidery = next(p.businesses[0] for p in people if p.businesses[0].type_code == "sulaman")
    embroidery.changes.append(
        (BusinessStatus.PAUSED, dt.date(2025, 11, 10), "Menunggu pesanan; modal untuk benang dan kain belum ada")
    )
    return people


class Plan(NamedTuple):
    """A KPM business as seed 004 describes it; ``{name}`` in the name pattern is the owner's call name."""

    type_code: str
    name: str
    description: str
    started_on: dt.date
    changes: tuple[tuple[str, dt.date, str], ...] = ()  # (status, date, reason), after it started running
    permits: tuple[str, ...] = ()  # registered during the mentoring (Oct–Dec)
    channels: tuple[str, ...] = ()  # set up during the mentoring


# Seed 004's visit table row by row: (village, sex of the family's representative, businesses).
SUSUKAN_KPM = [
    (
        TAWANG,
        Sex.FEMALE,
        [
            Plan(
                "lainnya",
                "Toko Online Bu {name}",
                "Jualan online perabot rumah tangga, alat dapur dan pakaian; kini lewat marketplace dan jasa kirim",
                dt.date(2019, 5, 1),
                permits=(PermitKind.NIB,),
                channels=(Channel.MARKETPLACE, Channel.SOCIAL_MEDIA),
            )
        ],
    ),
    (
        TAWANG,
        Sex.FEMALE,
        [
            Plan(
                "makanan",
                "Dapur Bu {name}",
                "Masakan matang keliling desa dengan sepeda motor, kios sembako, dan mi balado kemasan berlabel",
                dt.date(2017, 3, 1),
                permits=(PermitKind.NIB, PermitKind.PIRT),
            )
        ],
    ),
    (
        TAWANG,
        Sex.FEMALE,
        [
            Plan(
                "makanan",
                "Olahan Ubi Bu {name}",
                "Olahan ubi ungu dan ubi kuning",
                dt.date(2020, 11, 1),
                changes=(
                    (BusinessStatus.STOPPED, dt.date(2025, 11, 12), "Keluarga sakit; tidak sanggup lagi bekerja"),
                ),
            )
        ],
    ),
    (
        TAWANG,
        Sex.FEMALE,
        [
            Plan(
                "warung",
                "Warung Bu {name}",
                "Warung kelontong dan obat herbal; obat herbal dipasarkan lewat Facebook, bayar di tempat (COD)",
                dt.date(2016, 8, 1),
                channels=(Channel.SOCIAL_MEDIA, Channel.MARKETPLACE),
            )
        ],
    ),
    (
        TIMPIK,
        Sex.FEMALE,
        [
            Plan(
                "ternak",
                "Ternak Puyuh Bu {name}",
                "Ternak burung puyuh petelur",
                dt.date(2020, 12, 1),
                changes=((BusinessStatus.STOPPED, dt.date(2025, 10, 28), "Rugi: harga pakan naik, harga telur tetap"),),
            )
        ],
    ),
    (
        TIMPIK,
        Sex.FEMALE,
        [
            Plan(
                "aksesoris",
                "Aksesoris Bu {name}",
                "Toko aksesoris dan dekorasi; dipasarkan lewat Facebook dan marketplace",
                dt.date(2018, 2, 1),
                permits=(PermitKind.NIB,),
                channels=(Channel.MARKETPLACE, Channel.SOCIAL_MEDIA),
            )
        ],
    ),
    (
        TIMPIK,
        Sex.MALE,
        [
            Plan(
                "makanan",
                "Angkringan Pak {name}",
                "Angkringan di pinggir jalan desa",
                dt.date(2015, 6, 1),
                changes=(
                    (
                        BusinessStatus.STOPPED,
                        dt.date(2025, 11, 3),
                        "Tempat angkringan dijadikan parkir masjid; kini bekerja sebagai penjaga toko di pasar",
                    ),
                ),
            )
        ],
    ),
    (
        TIMPIK,
        Sex.MALE,
        [
            Plan(
                "makanan",
                "Bakso Pak {name}",
                "Warung bakso; pesanan lewat WhatsApp diantar sendiri",
                dt.date(2012, 4, 1),
                channels=(Channel.WHATSAPP, Channel.GOOGLE_MAPS),
            )
        ],
    ),
    (
        KORIPAN,
        Sex.FEMALE,
        [
            Plan(
                "jasa",
                "Bekam Bu {name}",
                "Jasa bekam dan ruqyah di rumah; pasien tidak menentu",
                dt.date(2014, 1, 1),
                channels=(Channel.GOOGLE_MAPS, Channel.SOCIAL_MEDIA),
            )
        ],
    ),
    (
        KORIPAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Besek Bu {name}", "Anyaman besek bambu", dt.date(2005, 1, 1)),
            Plan("warung", "Warung Bu {name}", "Warung kelontong kecil di depan rumah", dt.date(2020, 12, 1)),
        ],
    ),
    (
        KORIPAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Besek Bu {name}", "Anyaman besek bambu", dt.date(2007, 1, 1)),
            Plan(
                "warung",
                "Warung Bu {name}",
                "Warung kecil di samping rumah, dibangun dari uang bantuan",
                dt.date(2021, 1, 1),
                changes=(
                    (
                        BusinessStatus.PAUSED,
                        dt.date(2025, 12, 8),
                        "Modal habis untuk membangun warung; barang dagangan tinggal tiga jenis",
                    ),
                ),
            ),
        ],
    ),
    (
        KORIPAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Tampir Bu {name}", "Anyaman tampir bambu, diambil pengepul", dt.date(2008, 1, 1)),
            Plan(
                "ternak",
                "Ternak Kambing Bu {name}",
                "Ternak kambing dari bantuan modal Rp 3.500.000",
                dt.date(2020, 12, 1),
                changes=((BusinessStatus.STOPPED, dt.date(2025, 10, 20), "Kambing mati"),),
            ),
        ],
    ),
    (
        GENTAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Tumbu Bu {name}", "Anyaman tumbu bambu", dt.date(2006, 1, 1)),
            Plan(
                "warung",
                "Galon dan Gas Bu {name}",
                "Jualan air minum galon dan gas elpiji; pemasok jarang datang",
                dt.date(2020, 12, 1),
            ),
        ],
    ),
    (
        GENTAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Tumbu Bu {name}", "Anyaman tumbu bambu", dt.date(2004, 1, 1)),
            Plan(
                "ternak",
                "Ayam Kampung Bu {name}",
                "Ternak ayam kampung; kandang yang berlubang ditambal agar anak ayam tidak dimakan tikus",
                dt.date(2020, 12, 1),
            ),
        ],
    ),
    (
        GENTAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Irik Bu {name}", "Anyaman irik bambu", dt.date(2010, 1, 1)),
            Plan("ternak", "Ayam Bu {name}", "Ternak ayam; kandang baru selesai dibangun", dt.date(2025, 11, 15)),
        ],
    ),
    (
        GENTAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Tampir Bu {name}", "Anyaman tampir bambu", dt.date(2009, 1, 1)),
            Plan(
                "ternak",
                "Ternak Kambing Bu {name}",
                "Dua kambing betina; perkembangbiakan belum berhasil",
                dt.date(2020, 12, 1),
            ),
        ],
    ),
    (
        NGASINAN,
        Sex.FEMALE,
        [
            Plan("anyaman", "Bakul Bu {name}", "Anyaman tumbu dan bakul", dt.date(2009, 1, 1)),
            Plan(
                "ternak",
                "Ternak Kambing Bu {name}",
                "Ternak kambing dari bantuan modal",
                dt.date(2020, 12, 1),
                changes=((BusinessStatus.STOPPED, dt.date(2025, 11, 24), "Kambing dijual untuk kebutuhan hidup"),),
            ),
        ],
    ),
    (
        NGASINAN,
        Sex.FEMALE,
        [
            Plan(
                "makanan",
                "Mi Ayam Bu {name}",
                "Mi ayam dan masakan matang di pasar, giliran siang",
                dt.date(2016, 7, 1),
            )
        ],
    ),
    (
        NGASINAN,
        Sex.FEMALE,
        [
            Plan(
                "makanan",
                "Jajanan Bu {name}",
                "Jajanan anak dan masakan matang (bakaran)",
                dt.date(2018, 9, 1),
                permits=(PermitKind.PIRT,),
                channels=(Channel.GOOGLE_MAPS,),
            )
        ],
    ),
    (
        BAKALREJO,
        Sex.MALE,
        [
            Plan(
                "makanan",
                "Sate Ayam Pak {name}",
                "Sate ayam Madura, di rumah dan di pasar",
                dt.date(2013, 3, 1),
                channels=(Channel.GOOGLE_MAPS, Channel.WHATSAPP),
            )
        ],
    ),
    (
        BAKALREJO,
        Sex.MALE,
        [
            Plan(
                "menjahit",
                "Penjahit Pak {name}",
                "Jasa jahit pakaian menurut pesanan",
                dt.date(2011, 1, 1),
                channels=(Channel.GOOGLE_MAPS, Channel.MARKETPLACE),
            )
        ],
    ),
    (
        BAKALREJO,
        Sex.FEMALE,
        [
            Plan(
                "warung",
                "Jajanan Anak Bu {name}",
                "Jajanan anak: sosis, makanan ringan dan minuman",
                dt.date(2019, 6, 1),
                changes=((BusinessStatus.STOPPED, dt.date(2025, 12, 15), "Memilih bekerja sebagai buruh tani"),),
            ),
            Plan("jasa", "Pulsa Bu {name}", "Jual pulsa dan token listrik, sebagai sampingan", dt.date(2025, 12, 20)),
        ],
    ),
]


def _presence_address(channel: str, business_name: str, phone: str) -> str:
    """How a business is found on a channel: an account name, never a real link."""
    return {
        Channel.MARKETPLACE: f"Shopee: {business_name.lower().replace(' ', '')}",
        Channel.SOCIAL_MEDIA: f"Facebook: {business_name}",
        Channel.GOOGLE_MAPS: f"Google Maps: {business_name}",
        Channel.WHATSAPP: f"Katalog WhatsApp {phone or business_name}",
    }[channel]


def _permit_number(draw: _Draw, kind: str) -> str:
    """An invented permit number in the shape of the real ones (NIB: 13 digits; PIRT: 15 digits and a year)."""
    if kind == PermitKind.NIB:
        return str(draw.rng.randrange(10**12, 10**13))
    return f"{draw.rng.randrange(10**14, 10**15)}-30"


def _susukan(draw: _Draw) -> list[DemoPerson]:
    """Seed 004: 22 KPM in six villages of Kecamatan Susukan, mentored from October by pendamping3."""
    rng = draw.rng
    women, men = rng.sample(JAWA.women, 18), rng.sample(JAWA.men, 4)
    people = []
    for village, sex, plans in SUSUKAN_KPM:
        woman = sex == Sex.FEMALE
        person = _person(
            draw,
            JAWA,
            full_name=women.pop() if woman else men.pop(),
            sex=sex,
            programme=SUSUKAN,
            facilitator="pendamping3",
            village=village,
            category=Category.KPM,
            marital_status=(
                rng.choice([MaritalStatus.MARRIED] * 4 + [MaritalStatus.WIDOWED]) if woman else MaritalStatus.MARRIED
            ),
            born_between=(1962, 1990),
            enrolled_on=draw.date(dt.date(2025, 10, 1), dt.date(2025, 10, 10)),
            enrolment_status=EnrolmentStatus.ACTIVE,
        )
        for plan in plans:
            name = plan.name.format(name=person.call_name)
            mentoring = (dt.date(2025, 10, 15), dt.date(2025, 12, 15))
            person.businesses.append(
                DemoBusiness(
                    type_code=plan.type_code,
                    name=name,
                    description=plan.description,
                    started_on=plan.started_on,
                    changes=list(plan.changes),
                    permits=[(kind, _permit_number(draw, kind), draw.date(*mentoring)) for kind in plan.permits],
                    online=[
                        (channel, _presence_address(channel, name, person.phone), draw.date(*mentoring))
                        for channel in plan.channels
                    ],
                )
            )
        people.append(person)
    return people


CITRA_SARI_PRODUCTS = (
    "Emping melinjo tumbuk, dijual ke pengepul dan warung di Conggeang",
    "Emping melinjo dalam kemasan plastik untuk toko dan pasar modern",
    "Emping melinjo dan melinjo kupas, sebagian dikirim ke Cirebon",
    "Emping melinjo tipis pesanan untuk oleh-oleh",
)


def _citra_sari(draw: _Draw) -> list[DemoPerson]:
    """Seed 002: the ten emping-melinjo makers of the Citra Sari group in Desa Narimbang."""
    rng = draw.rng
    marital = [MaritalStatus.MARRIED] * 7 + [MaritalStatus.WIDOWED] * 3
    rng.shuffle(marital)
    people = []
    for i, full_name in enumerate(rng.sample(SUNDA.women, 10)):
        person = _person(
            draw,
            SUNDA,
            full_name=full_name,
            sex=Sex.FEMALE,
            programme=CITRA_SARI,
            facilitator="pendamping3",
            village=NARIMBANG,
            category=Category.OTHER,
            marital_status=marital[i],
            born_between=(1968, 1990),
            enrolled_on=draw.date(dt.date(2024, 2, 1), dt.date(2024, 2, 15)),
            enrolment_status=EnrolmentStatus.ACTIVE,
        )
        business = DemoBusiness(
            type_code="makanan",
            name=f"Emping Melinjo Ceu {person.call_name}",
            description=rng.choice(CITRA_SARI_PRODUCTS),
            started_on=draw.date(dt.date(1998, 1, 1), dt.date(2012, 12, 31)),
        )
        if i < 3:  # the group's packaging training: a few members got a home food permit for the modern market
            business.permits.append(
                (
                    PermitKind.PIRT,
                    _permit_number(draw, PermitKind.PIRT),
                    draw.date(dt.date(2024, 6, 1), dt.date(2025, 6, 30)),
                )
            )
        person.businesses.append(business)
        people.append(person)
    return people


def demo_people() -> list[DemoPerson]:
    """Everybody in the demo registry, drawn from a fixed seed: the same people, numbers and dates every run."""
    draw = _Draw(2026)
    return _bukittinggi(draw) + _susukan(draw) + _citra_sari(draw)


@transaction.atomic
def seed_registry(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo programmes' beneficiaries with their households, enrolments, caseloads and businesses.

    ``programmes`` is keyed by programme name and ``users`` by username (``staff``). People are found by NIK
    and households by KK number; whoever is already there is left as she is, so running again changes nothing.
    Returns how many demo beneficiaries, households and businesses the database holds.
    """
    people = demo_people()
    cal = demo_calendar()
    niks = [p.nik for p in people]
    known = set(Beneficiary.objects.filter(nik__in=niks).values_list("nik", flat=True))
    new = [p for p in people if p.nik not in known]
    if new:
        households = _create_households(new)
        beneficiaries = _create_beneficiaries(new, households=households, users=users, cal=cal)
        _enrol(new, beneficiaries, programmes=programmes, users=users, cal=cal)
        _create_businesses(new, beneficiaries, users=users, cal=cal)
    demo = Beneficiary.objects.filter(nik__in=niks)
    return {
        "beneficiaries": demo.count(),
        "households": Household.objects.filter(kk_number__in=[p.kk for p in people]).count(),
        "businesses": Business.objects.filter(beneficiary__in=demo).count(),
    }


def _create_households(people: list[DemoPerson]) -> dict[str, Household]:
    """The people's households by KK number: existing ones as they are, missing ones created with their members."""
    households = {h.kk_number: h for h in Household.objects.filter(kk_number__in=[p.kk for p in people])}
    missing = [p for p in people if p.kk not in households]
    created = bulk_create_with_history(
        [Household(kk_number=p.kk, village_id=p.village, rt=p.rt, rw=p.rw, address=p.address) for p in missing],
        Household,
    )
    bulk_create_with_history(
        [
            HouseholdMember(
                household=household,
                name=m.name,
                relationship=m.relationship,
                sex=m.sex,
                birth_date=m.birth_date,
                birth_year=m.birth_year,
                activity=m.activity,
            )
            for person, household in zip(missing, created, strict=True)
            for m in person.members
        ],
        HouseholdMember,
    )
    households.update((h.kk_number, h) for h in created)
    return households


def _create_beneficiaries(people: list[DemoPerson], *, households, users, cal: DemoCalendar) -> list[Beneficiary]:
    """Saves each person one by one, so that ``Beneficiary.save`` fills the search column as it always does."""
    beneficiaries = []
    for p in people:
        beneficiary = Beneficiary(
            nik=p.nik,
            full_name=p.full_name,
            birth_place=p.birth_place,
            birth_date=p.birth_date,
            sex=p.sex,
            marital_status=p.marital_status,
            education=p.education,
            phone=p.phone,
            category=p.category,
            household=households[p.kk],
            consent_date=cal.on(p.enrolled_on),
            consent_recorded_by=users[p.facilitator],
        )
        beneficiary.save()
        beneficiaries.append(beneficiary)
    return beneficiaries


def _enrol(people: list[DemoPerson], beneficiaries: list[Beneficiary], *, programmes, users, cal: DemoCalendar) -> None:
    """Enrols each person and moves her along the pipeline, then puts her in her facilitator's caseload."""
    caseloads: dict[tuple[str, str], list[Beneficiary]] = {}
    for person, beneficiary in zip(people, beneficiaries, strict=True):
        enrolment = enrol(
            beneficiary=beneficiary, programme=programmes[person.programme], enrolled_on=cal.on(person.enrolled_on)
        )
        for status, on in person.enrolment_steps:
            change_enrolment_status(enrolment=enrolment, status=status, on=cal.on(on))
        caseloads.setdefault((person.facilitator, person.programme), []).append(beneficiary)
    for (facilitator, programme), caseload in caseloads.items():
        assign_facilitator(beneficiaries=caseload, facilitator=users[facilitator], by=users[ASSIGNED_BY[programme]])


def _create_businesses(people: list[DemoPerson], beneficiaries: list[Beneficiary], *, users, cal: DemoCalendar) -> None:
    """Creates the businesses running from their start, their permits and online presence, then records the
    later pauses and stops through ``change_business_status`` so each business's status is its latest change."""
    types = {t.code: t for t in BusinessType.objects.all()}
    plans = [
        (plan, beneficiary, users[person.facilitator])
        for person, beneficiary in zip(people, beneficiaries, strict=True)
        for plan in person.businesses
    ]
    businesses = bulk_create_with_history(
        [
            Business(
                beneficiary=beneficiary,
                business_type=types[plan.type_code],
                name=plan.name,
                description=plan.description,
                started_on=cal.on(plan.started_on),
                status=BusinessStatus.RUNNING,
            )
            for plan, beneficiary, _facilitator in plans
        ],
        Business,
    )
    BusinessStatusChange.objects.bulk_create(
        [
            BusinessStatusChange(
                business=business,
                status=BusinessStatus.RUNNING,
                changed_on=cal.on(plan.started_on),
                recorded_by=facilitator,
            )
            for business, (plan, _beneficiary, facilitator) in zip(businesses, plans, strict=True)
        ]
    )
    bulk_create_with_history(
        [
            Permit(business=business, kind=kind, number=number, issued_on=cal.on(issued_on))
            for business, (plan, _b, _f) in zip(businesses, plans, strict=True)
            for kind, number, issued_on in plan.permits
        ],
        Permit,
    )
    bulk_create_with_history(
        [
            OnlinePresence(business=business, channel=channel, address=address, since=cal.on(since))
            for business, (plan, _b, _f) in zip(businesses, plans, strict=True)
            for channel, address, since in plan.online
        ],
        OnlinePresence,
    )
    for business, (plan, _beneficiary, facilitator) in zip(businesses, plans, strict=True):
        for status, on, reason in plan.changes:
            change_business_status(business=business, status=status, on=cal.on(on), reason=reason, by=facilitator)
