import datetime as dt

import factory

from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    BusinessType,
    Enrolment,
    Household,
    HouseholdMember,
)
from tests.programmes.factories import ProgrammeFactory
from tests.regions.factories import RegionFactory, garegeh


def synthetic_nik(*, district: str = "137502", birth_date: dt.date = dt.date(1980, 8, 5), female=True, serial=1):
    """A valid-shaped, invented NIK: kecamatan code + DDMMYY (+40 on the day for women) + serial."""
    day = birth_date.day + (40 if female else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    kk_number = factory.Sequence(lambda n: f"1375020101{n:06d}")
    village = factory.LazyFunction(garegeh)
    rt = "002"
    rw = "001"
    address = factory.Faker("street_name", locale="id_ID")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("first_name", locale="id_ID")
    relationship = "child"
    sex = "L"
    birth_year = 2012
    activity = "in_school"


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A woman with a household in Garegeh. ``programme=`` enrols her (active); ``facilitator=`` assigns her."""

    class Meta:
        model = Beneficiary
        skip_postgeneration_save = True

    full_name = factory.Faker("name_female", locale="id_ID")
    nik = factory.Sequence(lambda n: synthetic_nik(serial=n + 1))
    birth_place = "Bukittinggi"
    birth_date = dt.date(1980, 8, 5)
    sex = "P"
    marital_status = "widowed"
    category = "pekka"
    household = factory.SubFactory(HouseholdFactory)

    @factory.post_generation
    def programme(obj, create, extracted, **kwargs):
        if extracted:
            Enrolment.objects.create(
                beneficiary=obj, programme=extracted, status="active", enrolled_on=dt.date(2025, 8, 1)
            )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    status = "active"
    enrolled_on = dt.date(2025, 8, 1)


def business_type(code: str = "sulaman") -> BusinessType:
    """A business type by code. The data migration provides them, but browser tests flush the tables, so a
    missing one is made again."""
    return BusinessType.objects.get_or_create(code=code, defaults={"name": code.capitalize()})[0]


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        skip_postgeneration_save = True

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    business_type = factory.LazyFunction(business_type)
    name = "Sulaman Bunga"
    started_on = dt.date(2019, 3, 1)
    status = "running"

    @factory.post_generation
    def first_status(obj, create, extracted, **kwargs):
        if create:
            BusinessStatusChange.objects.create(business=obj, status="running", changed_on=obj.started_on)


__all__ = ["RegionFactory"]
