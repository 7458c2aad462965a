import datetime as dt

import factory

from groups.models import Agreement, Group, Meeting, Membership
from tests.beneficiaries.factories import BeneficiaryFactory, business_type
from tests.programmes.factories import ProgrammeFactory
from tests.regions.factories import garegeh


class GroupFactory(factory.django.DjangoModelFactory):
    """An active group in Garegeh. ``facilitators=[user]`` assigns facilitators; ``members=[b, ...]`` adds
    plain members from 1 Sept 2025."""

    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"KUB Sulaman {n}")
    programme = factory.SubFactory(ProgrammeFactory)
    business_type = factory.LazyFunction(lambda: business_type("sulaman"))
    village = factory.LazyFunction(garegeh)
    formed_on = dt.date(2025, 9, 1)
    status = "active"
    status_changed_on = dt.date(2025, 9, 1)

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if extracted:
            obj.facilitators.set(extracted)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        for beneficiary in extracted or []:
            Membership.objects.create(group=obj, beneficiary=beneficiary, joined_on=dt.date(2025, 9, 1))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    role = "member"
    joined_on = dt.date(2025, 9, 1)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    group = factory.SubFactory(GroupFactory)
    kind = "price"
    subject = "Taplak meja bordir"
    unit = "lembar"
    amount = 150000
    agreed_on = dt.date(2025, 10, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    held_on = dt.date(2025, 10, 15)
    place = "Rumah ketua"
    topic = "Pertemuan bulanan"
