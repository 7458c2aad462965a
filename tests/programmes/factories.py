import datetime as dt

import factory

from pekka.programmes.models import Category, Programme, ProgrammeStaff


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program Pemberdayaan {n}")
    short_name = factory.Sequence(lambda n: f"Program {n}")
    category = Category.PEKKA
    funder = "Kementerian Sosial RI"
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2027, 12, 31)

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        """ProgrammeFactory(staff=[user, ...]) assigns those users."""
        for user in extracted or []:
            ProgrammeStaff.objects.create(programme=obj, user=user)


class ProgrammeStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeStaff

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
