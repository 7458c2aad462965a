"""Seed 003 as demo data: the Pasuruan micro-entrepreneurs project (Dec 2010 – Nov 2011) with its targets and the
training attendance behind its August 2011 progress report — household economics, management and bookkeeping for
335 of 500 women, gender for 79 of 66, the role of micro-finance institutions (LKM) for 42 of 66. The report's
figures are computed from these attendance rows, never typed in. Dates follow the demo's calendar (``clock``)."""

import datetime as dt
import random

from simple_history.utils import bulk_create_with_history

from beneficiaries.models import Beneficiary, Enrolment, EnrolmentStatus, Household
from mentoring.models import Training, TrainingAttendance, TrainingTopic
from pekka.dashboards.models import Target

from .clock import demo_calendar
from .places import PASURUAN, PASURUAN_VILLAGES
from .registry import synthetic_kk, synthetic_nik

WOMEN = 500
TRAINED = {  # topic → (how many distinct women, sessions as (date, place))
    TrainingTopic.HOUSEHOLD_ECONOMICS: (
        335,
        [
            (dt.date(2011, 2, 14), "Balai Desa Pandaan"),
            (dt.date(2011, 3, 21), "Balai Desa Prigen"),
            (dt.date(2011, 4, 18), "Balai Desa Sukorejo"),
        ],
    ),
    TrainingTopic.BOOKKEEPING: (
        180,  # a follow-on course for women who had done ERT: they count once in the combined indicator
        [(dt.date(2011, 5, 23), "Balai Desa Pandaan"), (dt.date(2011, 6, 20), "Balai Desa Sukorejo")],
    ),
    TrainingTopic.GENDER: (
        79,
        [(dt.date(2011, 6, 6), "Kantor Kecamatan Pandaan"), (dt.date(2011, 7, 4), "Kantor Kecamatan Prigen")],
    ),
    TrainingTopic.LKM: (42, [(dt.date(2011, 7, 18), "Kantor Kecamatan Sukorejo")]),
}
TARGETS = {"trained_ert": 500, "trained_gender": 66, "trained_lkm": 66}

FIRST = [
    "Siti",
    "Sri",
    "Endang",
    "Sumarni",
    "Suwarni",
    "Sulastri",
    "Tutik",
    "Yuliati",
    "Sutini",
    "Mulyani",
    "Rukmini",
    "Kasiyati",
    "Wartini",
    "Supiyah",
    "Juwariyah",
    "Musripah",
    "Ngatini",
    "Sumiati",
    "Lilik",
    "Umi",
    "Nur",
    "Khoiriyah",
    "Maslikah",
    "Fatimah",
    "Aminah",
    "Rohmah",
]
LAST = [
    "Wahyuni",
    "Rahayu",
    "Lestari",
    "Handayani",
    "Purwanti",
    "Setyowati",
    "Suprapti",
    "Astuti",
    "Kusumawati",
    "Ningsih",
    "Hidayati",
    "Marfuah",
    "Zubaidah",
    "Mutmainah",
    "Sholikah",
    "Rofiah",
    "Khasanah",
    "Maimunah",
]


def seed_pasuruan(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the Pasuruan women, their trainings with attendance and the programme's targets (idempotent)."""
    programme = programmes[PASURUAN]
    if Training.objects.filter(programme=programme).exists():
        return {"pasuruan_women": Enrolment.objects.filter(programme=programme).count()}
    rng = random.Random(2011)
    cal = demo_calendar()
    enrolled = cal.date(2010, 12, 15)
    recorder = users["koordinator"]
    households, women = [], []
    # Every name different, like the registry demo's: first + family name, and "Nur" + both when those run out.
    names = [f"{f} {last}" for f in FIRST for last in LAST] + [f"Nur {f} {last}" for f in FIRST for last in LAST]
    rng.shuffle(names)
    for i in range(WOMEN):
        village = PASURUAN_VILLAGES[i % len(PASURUAN_VILLAGES)]
        born = dt.date(1960 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 28))
        households.append(
            Household(
                kk_number=synthetic_kk(village_code=village, issued_on=dt.date(2008, 3, 1), serial=5000 + i),
                village_id=village,
                rt=f"{rng.randrange(1, 9):03d}",
                rw=f"{rng.randrange(1, 5):03d}",
            )
        )
        name = names[i]
        women.append(
            Beneficiary(
                nik=synthetic_nik(village_code=village, birth_date=born, sex="P", serial=5000 + i),
                full_name=name,
                birth_date=born,
                sex="P",
                category="pekka",
                consent_date=enrolled,
                consent_recorded_by=recorder,
            )
        )
    households = bulk_create_with_history(households, Household)
    for woman, household in zip(women, households, strict=True):
        woman.household = household
        woman.search_text = ""
        woman.save()  # save() fills the search column
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                beneficiary=w,
                programme=programme,
                status=EnrolmentStatus.ACTIVE,
                enrolled_on=enrolled,
                status_changed_on=enrolled,
            )
            for w in women
        ]
    )
    ert_women = women[:335]
    attendance = []
    for topic, (count, sessions) in TRAINED.items():
        pool = ert_women if topic == TrainingTopic.BOOKKEEPING else women
        chosen = pool[:count] if topic == TrainingTopic.HOUSEHOLD_ECONOMICS else rng.sample(pool, count)
        for n, (day, place) in enumerate(sessions):
            training = Training.objects.create(
                programme=programme,
                topic=topic,
                title=f"{TrainingTopic(topic).label} — angkatan {n + 1}",
                starts_on=cal.on(day),
                ends_on=cal.on(day) + dt.timedelta(days=1),
                place=place,
                trainer="Tim CF Pasuruan",
                created_by=recorder,
            )
            attendance += [
                TrainingAttendance(training=training, beneficiary=w, recorded_by=recorder)
                for w in chosen[n :: len(sessions)]
            ]
    TrainingAttendance.objects.bulk_create(attendance)
    Target.objects.bulk_create(
        [Target(programme=programme, indicator=code, value=value) for code, value in TARGETS.items()]
    )
    return {"pasuruan_women": len(women)}
