import datetime as dt
import uuid

import factory

from mentoring.models import FollowUp, MonitoringReport, Training, TrainingAttendance, Visit
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.programmes.factories import ProgrammeFactory


class VisitFactory(factory.django.DjangoModelFactory):
    """A home visit to a woman by her facilitator, in her programme."""

    class Meta:
        model = Visit

    client_uuid = factory.LazyFunction(uuid.uuid4)
    visit_type = "home_visit"
    visited_on = dt.date(2025, 10, 20)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    author = factory.LazyAttribute(lambda v: v.beneficiary.facilitator or UserFactory())
    programme = factory.LazyAttribute(
        lambda v: (e.programme if (e := v.beneficiary.enrolments.first()) else None) if v.beneficiary else None
    )
    aspects = factory.LazyFunction(lambda: ["marketing"])
    actions = factory.LazyFunction(lambda: ["Membuka toko di Shopee"])


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    description = "Bawa contoh label"
    due_on = dt.date(2025, 11, 1)
    owner = factory.LazyAttribute(lambda f: f.beneficiary.facilitator or UserFactory())


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    programme = factory.SubFactory(ProgrammeFactory)
    topic = "bookkeeping"
    title = factory.Sequence(lambda n: f"Pelatihan pembukuan {n}")
    starts_on = dt.date(2025, 11, 5)
    place = "Balai kelurahan"
    trainer = "Ibu Yusnida"


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    training = factory.SubFactory(TrainingFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringReport

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    programme = factory.LazyAttribute(lambda r: r.beneficiary.enrolments.first().programme)
    year = 2025
    quarter = 3
    assets = 5_000_000
    turnover = 2_000_000
    workers = 1
