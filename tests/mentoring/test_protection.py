"""Issue 15, "nothing lost by a delete": field records hold on to the woman, group and programme they are about,
so deleting those (in the Django admin, or anywhere) is refused instead of taking the records with it; the
admin's history pages only show."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from beneficiaries.models import Beneficiary
from groups.models import Group, Membership
from mentoring.models import FollowUp, MonitoringReport, TrainingAttendance, Visit
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory, MeetingFactory
from tests.mentoring.factories import (
    FollowUpFactory,
    MonitoringReportFactory,
    TrainingAttendanceFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_a_woman_with_a_visit_is_refused(programme, facilitator):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    visit = VisitFactory(beneficiary=woman)
    with pytest.raises(ProtectedError):
        woman.delete()
    assert Visit.objects.filter(pk=visit.pk).exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda woman: FollowUpFactory(beneficiary=woman, owner=woman.facilitator),
        lambda woman: MonitoringReportFactory(beneficiary=woman, business=BusinessFactory(beneficiary=woman)),
        lambda woman: TrainingAttendanceFactory(beneficiary=woman),
        lambda woman: GroupFactory(programme=woman.enrolments.get().programme, members=[woman]),
    ],
    ids=["follow-up", "monitoring", "training attendance", "membership"],
)
def test_deleting_a_woman_keeps_every_kind_of_field_record(programme, facilitator, make):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    make(woman)
    counts = (FollowUp.objects.count(), MonitoringReport.objects.count(), TrainingAttendance.objects.count())
    with pytest.raises(ProtectedError):
        woman.delete()
    assert Beneficiary.objects.filter(pk=woman.pk).exists()
    after = (FollowUp.objects.count(), MonitoringReport.objects.count(), TrainingAttendance.objects.count())
    assert after == counts


def test_deleting_a_group_with_members_or_meetings_is_refused(programme, facilitator):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    group = GroupFactory(programme=programme, members=[woman])
    MeetingFactory(group=group)
    with pytest.raises(ProtectedError):
        group.delete()
    assert Group.objects.filter(pk=group.pk).exists()
    assert Membership.objects.filter(group=group).count() == 1


def test_the_admins_delete_page_does_not_delete_her_visits(login, admin, programme, facilitator):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    visit = VisitFactory(beneficiary=woman)
    client = login(admin)
    url = reverse("admin:beneficiaries_beneficiary_delete", args=[woman.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Tidak dapat menghapus penerima manfaat" in page.content.decode()  # Django's "Cannot delete" page
    assert len(page.context["protected"]) == 1 and str(visit) in page.context["protected"][0]
    client.post(url, {"post": "yes"})
    assert Beneficiary.objects.filter(pk=woman.pk).exists()
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_the_admin_offers_no_delete_of_a_visit(login, admin, programme, facilitator):
    visit = VisitFactory(beneficiary=BeneficiaryFactory(programme=programme, facilitator=facilitator))
    response = login(admin).post(reverse("admin:mentoring_visit_delete", args=[visit.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_a_history_page_in_the_admin_cannot_revert(login, admin, programme, facilitator):
    group = GroupFactory(programme=programme, name="KUB Lama")
    first = group.history.earliest()
    group.name = "KUB Baru"
    group.save()
    client = login(admin)
    url = reverse("admin:groups_group_simple_history", args=[group.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "KUB Lama", "programme": programme.pk})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "KUB Baru"
