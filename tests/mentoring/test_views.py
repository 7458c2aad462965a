import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Business
from mentoring.models import FollowUp, MonitoringReport, TrainingAttendance, Visit, VisitPhoto
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory
from tests.mentoring.factories import (
    FollowUpFactory,
    MonitoringReportFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def visit_post(**overrides):
    """A complete home-visit POST: two aspects, one action, one follow-up."""
    data = {
        "client_uuid": str(uuid.uuid4()),
        "visit_type": "home_visit",
        "visited_on": "2025-10-20",
        "aspects": ["marketing", "packaging"],
        "actions": "Membuka toko di Shopee",
        "obstacles": "Modal berputar lambat",
        "next_visit_on": "2025-11-03",
        "fu-TOTAL_FORMS": "1",
        "fu-INITIAL_FORMS": "0",
        "fu-MIN_NUM_FORMS": "0",
        "fu-MAX_NUM_FORMS": "10",
        "fu-0-description": "Bawa contoh label",
        "fu-0-due_on": "2025-10-27",
    }
    data.update(overrides)
    return data


def create_url(beneficiary):
    return reverse("mentoring:visit_create", args=[beneficiary.pk])


# --- the visit form: scope and the happy path ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, beneficiary):
    response = client.get(create_url(beneficiary))
    assert response.status_code == 302 and "/akun/masuk/" in response.url


def test_another_facilitators_beneficiary_visit_form_is_a_404(login, facilitator, other_beneficiary):
    client = login(facilitator)
    assert client.get(create_url(other_beneficiary)).status_code == 404
    assert client.post(create_url(other_beneficiary), visit_post()).status_code == 404
    assert not Visit.objects.exists()


def test_another_programmes_beneficiary_is_a_404_for_a_manager(login, manager, foreign_beneficiary):
    assert login(manager).get(create_url(foreign_beneficiary)).status_code == 404


def test_the_form_opens_with_a_fresh_form_id_and_her_running_business(login, facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary, name="Sulaman Bunga")
    html = login(facilitator).get(create_url(beneficiary)).content.decode()
    assert 'name="client_uuid"' in html
    assert f'<option value="{business.pk}" selected>' in html
    assert 'data-draft="visit:beneficiary:' in html


def test_a_facilitator_logs_a_home_visit(login, facilitator, beneficiary, programme):
    response = login(facilitator).post(create_url(beneficiary), visit_post(facilitators=[facilitator.pk]))
    recorded = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("mentoring:visit_detail", args=[recorded.pk])
    assert (recorded.beneficiary, recorded.author, recorded.programme) == (beneficiary, facilitator, programme)
    assert recorded.aspects == ["marketing", "packaging"]
    assert recorded.actions == ["Membuka toko di Shopee"]
    assert recorded.next_visit_on == dt.date(2025, 11, 3)
    task = FollowUp.objects.get()
    assert (task.description, task.owner, task.due_on) == ("Bawa contoh label", facilitator, dt.date(2025, 10, 27))


def test_two_identical_posts_record_one_visit_and_the_second_answers_with_the_first(login, facilitator, beneficiary):
    client = login(facilitator)
    data = visit_post()
    first = client.post(create_url(beneficiary), data)
    second = client.post(create_url(beneficiary), data)
    assert Visit.objects.count() == 1
    assert FollowUp.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url == reverse("mentoring:visit_detail", args=[Visit.objects.get().pk])
    page = client.get(second.url).content.decode()
    assert f'data-confirmed-uuid="{data["client_uuid"]}"' in page


def test_a_retry_of_an_already_saved_form_is_not_checked_again(login, facilitator, beneficiary):
    """The registry changed in between (the permit now exists): the retry still answers with the visit."""
    business = BusinessFactory(beneficiary=beneficiary)
    client = login(facilitator)
    data = visit_post(business=business.pk, permit_kind="nib", permit_number="123")
    client.post(create_url(beneficiary), data)
    again = client.post(create_url(beneficiary), data)
    assert again.status_code == 302
    assert Visit.objects.count() == 1


def test_validation_errors_show_everything_typed_with_the_same_form_id(login, facilitator, beneficiary):
    data = visit_post(visited_on="2999-01-01", next_visit_on="", obstacles="Pesaing banyak di pasar")
    response = login(facilitator).post(create_url(beneficiary), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pesaing banyak di pasar" in html
    assert "Membuka toko di Shopee" in html
    assert 'value="Bawa contoh label"' in html
    assert f'value="{data["client_uuid"]}"' in html
    assert 'value="marketing" id="id_aspects_2" checked' in html
    assert 'data-draft-bound="1"' in html
    assert not Visit.objects.exists()


def test_a_follow_up_needs_a_due_date(login, facilitator, beneficiary):
    response = login(facilitator).post(create_url(beneficiary), visit_post(**{"fu-0-due_on": ""}))
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_a_visit_stopping_a_business_updates_the_registry(login, facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary)
    login(facilitator).post(
        create_url(beneficiary),
        visit_post(business=business.pk, business_status="stopped", business_note="Kambing mati"),
    )
    business.refresh_from_db()
    assert business.status == "stopped"
    assert Visit.objects.get().status_change.reason == "Kambing mati"


def test_stopping_without_a_reason_is_explained_on_the_form(login, facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary)
    response = login(facilitator).post(
        create_url(beneficiary), visit_post(business=business.pk, business_status="paused")
    )
    assert response.status_code == 200
    assert Business.objects.get().status == "running"


def test_a_photo_is_kept_and_served_only_to_who_sees_the_visit(
    login, facilitator, other_facilitator, beneficiary, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(facilitator)
    photo = SimpleUploadedFile("warung.html", PNG, content_type="text/html")  # the bytes decide, not the name
    client.post(create_url(beneficiary), {**visit_post(), "photos": [photo]})
    stored = VisitPhoto.objects.get()
    assert stored.image.name.endswith(".png")
    response = client.get(reverse("mentoring:visit_photo", args=[stored.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert login(other_facilitator).get(reverse("mentoring:visit_photo", args=[stored.pk])).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(login, facilitator, beneficiary, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = login(facilitator).post(create_url(beneficiary), {**visit_post(), "photos": [fake]})
    assert response.status_code == 200
    assert "bukan foto" in response.content.decode() or "is not a photo" in response.content.decode()
    assert not Visit.objects.exists()


# --- group sessions --------------------------------------------------------------------------------------------


def test_a_group_session_records_attendance(login, facilitator, programme):
    members = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(3)]
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=members)
    data = visit_post(attendees=[members[0].pk, members[2].pk])
    del data["visit_type"]
    response = login(facilitator).post(reverse("mentoring:group_session_create", args=[group.pk]), data)
    session = Visit.objects.get()
    assert response.status_code == 302
    assert session.visit_type == "group_session" and session.group == group
    assert set(session.meeting.attendees.all()) == {members[0], members[2]}


def test_a_group_she_does_not_accompany_is_a_404(login, other_facilitator, programme, facilitator):
    group = GroupFactory(programme=programme, facilitators=[facilitator])
    response = login(other_facilitator).get(reverse("mentoring:group_session_create", args=[group.pk]))
    assert response.status_code == 404


# --- detail, edit window, corrections ----------------------------------------------------------------------------


def test_another_facilitators_visit_is_a_404(login, facilitator, other_beneficiary):
    other = VisitFactory(beneficiary=other_beneficiary)
    assert login(facilitator).get(reverse("mentoring:visit_detail", args=[other.pk])).status_code == 404


def test_the_author_edits_within_the_window(login, facilitator, beneficiary):
    recorded = VisitFactory(beneficiary=beneficiary, author=facilitator)
    client = login(facilitator)
    response = client.post(
        reverse("mentoring:visit_edit", args=[recorded.pk]),
        {
            "visit_type": "phone_call",
            "visited_on": "2025-10-20",
            "actions": "Menelepon\nMengirim contoh",
            "facilitators": [facilitator.pk],
            "draft_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302 and "?confirmed=" in response.url
    recorded.refresh_from_db()
    assert recorded.visit_type == "phone_call"
    assert recorded.actions == ["Menelepon", "Mengirim contoh"]


def test_after_the_window_the_author_is_refused_and_a_coordinator_corrects_with_a_reason(
    login, facilitator, coordinator, beneficiary
):
    recorded = VisitFactory(beneficiary=beneficiary, author=facilitator)
    Visit.objects.filter(pk=recorded.pk).update(created_at=timezone.now() - dt.timedelta(hours=49))
    url = reverse("mentoring:visit_edit", args=[recorded.pk])
    assert login(facilitator).get(url).status_code == 403
    client = login(coordinator)
    data = {"visit_type": "home_visit", "visited_on": "2025-10-19", "facilitators": [facilitator.pk]}
    assert client.post(url, data).status_code == 200  # a correction needs a reason
    response = client.post(url, {**data, "reason": "Tanggal dari buku catatan"})
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.visited_on == dt.date(2025, 10, 19)
    latest = recorded.history.order_by("-history_date").first()
    assert (latest.history_user, latest.history_change_reason) == (coordinator, "Tanggal dari buku catatan")
    page = client.get(reverse("mentoring:visit_detail", args=[recorded.pk])).content.decode()
    assert "Tanggal dari buku catatan" in page
    assert '<del class="text-muted">20/10/2025</del> → 19/10/2025' in page


def test_a_change_of_staff_shows_their_names_in_the_history(login, facilitator, coordinator, beneficiary):
    from mentoring.services import correct_visit, record_visit

    recorded, _ = record_visit(
        client_uuid=uuid.uuid4(), author=facilitator, beneficiary=beneficiary, visited_on=dt.date(2025, 10, 20)
    )
    correct_visit(visit=recorded, by=coordinator, reason="Koordinator ikut", facilitators=[facilitator, coordinator])
    page = login(coordinator).get(reverse("mentoring:visit_detail", args=[recorded.pk])).content.decode()
    assert f"→ {facilitator}, {coordinator}" in page or f"→ {coordinator}, {facilitator}" in page


# --- lists and their query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_visit_list_query_count_is_flat(login, manager, programme, facilitator, django_assert_num_queries, rows):
    for _ in range(rows):
        VisitFactory(beneficiary=BeneficiaryFactory(programme=programme, facilitator=facilitator))
    client = login(manager)
    # 1 session, 2 user, 3 paginator count, the filter form's choices: 4 programmes, 5 staff;
    # 6 the page of visits with woman, village, group, author and programme
    with django_assert_num_queries(6):
        response = client.get(reverse("mentoring:visit_list"))
    assert response.status_code == 200


def test_visit_list_shows_only_her_caseload_and_filters_by_aspect(login, facilitator, beneficiary, other_beneficiary):
    VisitFactory(beneficiary=beneficiary, aspects=["legality"])
    VisitFactory(beneficiary=other_beneficiary)
    client = login(facilitator)
    html = client.get(reverse("mentoring:visit_list")).content.decode()
    assert "Siti Aminah" in html and "Rosmaini" not in html
    assert "Siti Aminah" in client.get(reverse("mentoring:visit_list"), {"aspect": "legality"}).content.decode()
    assert "Siti Aminah" not in client.get(reverse("mentoring:visit_list"), {"aspect": "capital"}).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_follow_up_list_query_count_is_flat(login, facilitator, programme, django_assert_num_queries, rows):
    for _ in range(rows):
        FollowUpFactory(beneficiary=BeneficiaryFactory(programme=programme, facilitator=facilitator))
    client = login(facilitator)
    # 1 session, 2 user, 3 paginator count, 4 the page with woman, group, owner, visit and monitoring report
    with django_assert_num_queries(4):
        response = client.get(reverse("mentoring:followup_list"))
    assert response.status_code == 200


def test_a_follow_up_is_ticked_off(login, facilitator, beneficiary, other_facilitator):
    task = FollowUpFactory(beneficiary=beneficiary)
    assert login(other_facilitator).post(reverse("mentoring:followup_done", args=[task.pk])).status_code == 404
    response = login(facilitator).post(reverse("mentoring:followup_done", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == timezone.localdate() and task.done_by == facilitator


@pytest.mark.parametrize("rows", [5, 50])
def test_training_list_query_count_is_flat(login, coordinator, programme, django_assert_num_queries, rows):
    for _ in range(rows):
        TrainingAttendanceFactory(training=TrainingFactory(programme=programme))
    client = login(coordinator)
    # 1 session, 2 user, 3 paginator count, 4 the filter's programmes, 5 the page with programmes and counts
    with django_assert_num_queries(5):
        response = client.get(reverse("mentoring:training_list"))
    assert response.status_code == 200


# --- trainings ----------------------------------------------------------------------------------------------------


def test_a_facilitator_may_not_plan_a_training_but_a_coordinator_may(login, facilitator, coordinator, programme):
    data = {"programme": programme.pk, "topic": "gender", "title": "Pelatihan gender", "starts_on": "2025-11-10"}
    assert login(facilitator).post(reverse("mentoring:training_create"), data).status_code == 403
    response = login(coordinator).post(reverse("mentoring:training_create"), data)
    assert response.status_code == 302


def test_the_attendance_checklist_by_group(login, facilitator, programme, beneficiary):
    member = BeneficiaryFactory(programme=programme, facilitator=facilitator, full_name="Yusnani")
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[member])
    training = TrainingFactory(programme=programme)
    url = reverse("mentoring:training_attendance", args=[training.pk]) + f"?group={group.pk}"
    client = login(facilitator)
    html = client.get(url).content.decode()
    assert "Yusnani" in html and "Siti Aminah" not in html
    assert client.post(url, {"present": [member.pk, beneficiary.pk]}).status_code == 302
    assert list(TrainingAttendance.objects.values_list("beneficiary", flat=True)) == [member.pk]


# --- monitoring -------------------------------------------------------------------------------------------------


def test_a_groups_quarter_on_one_screen_flags_a_decline(login, facilitator, programme):
    women = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(2)]
    for woman in women:
        BusinessFactory(beneficiary=woman)
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=women)
    MonitoringReportFactory(
        beneficiary=women[0], business=women[0].businesses.get(), year=2025, quarter=2, turnover=2_000_000
    )
    url = reverse("mentoring:monitoring_group", args=[group.pk]) + "?quarter=2025-3"
    client = login(facilitator)
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "2",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-beneficiary": women[0].pk,
        "m-0-business": women[0].businesses.get().pk,
        "m-0-turnover": "1.000.000",
        "m-0-assets": "5.000.000",
        "m-0-workers": "1",
        "m-1-beneficiary": women[1].pk,
        "m-1-business": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    report = MonitoringReport.objects.get(year=2025, quarter=3)
    assert report.turnover == 1_000_000 and report.flagged
    assert FollowUp.objects.get().owner == facilitator


def test_a_row_with_only_some_figures_is_refused(login, facilitator, programme):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[woman])
    url = reverse("mentoring:monitoring_group", args=[group.pk]) + "?quarter=2025-3"
    data = {
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "1",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-beneficiary": woman.pk,
        "m-0-turnover": "1000000",
    }
    assert login(facilitator).post(url, data).status_code == 200
    assert not MonitoringReport.objects.exists()


def test_one_womans_figures(login, facilitator, beneficiary):
    response = login(facilitator).post(
        reverse("mentoring:monitoring_create", args=[beneficiary.pk]),
        {"quarter": "2025-4", "turnover": "Rp 2.500.000", "assets": "7000000", "workers": "2"},
    )
    assert response.status_code == 302
    report = MonitoringReport.objects.get()
    assert (report.year, report.quarter, report.turnover, report.workers) == (2025, 4, 2_500_000, 2)


def test_importing_a_monitoring_csv(login, coordinator, programme, beneficiary):
    csv = (
        "nik,tahun,triwulan,omset,aset,pekerja,catatan\n"
        f"{beneficiary.nik},2025,3,2.000.000,5000000,1,\n"
        f"{beneficiary.nik},2025,4,1.000.000,5000000,1,turun\n"
    )
    upload = SimpleUploadedFile("monev.csv", csv.encode(), content_type="text/csv")
    response = login(coordinator).post(
        reverse("mentoring:monitoring_import"), {"programme": programme.pk, "file": upload}
    )
    assert response.status_code == 302
    assert MonitoringReport.objects.count() == 2
    assert MonitoringReport.objects.get(quarter=4).flagged


def test_an_import_with_a_bad_row_saves_nothing(login, coordinator, programme, beneficiary):
    csv = f"nik,year,quarter,turnover,assets,workers\n{beneficiary.nik},2025,3,2000000,5000000,1\n123,2025,5,x,1,1\n"
    upload = SimpleUploadedFile("monev.csv", csv.encode(), content_type="text/csv")
    response = login(coordinator).post(
        reverse("mentoring:monitoring_import"), {"programme": programme.pk, "file": upload}
    )
    assert response.status_code == 200
    assert not MonitoringReport.objects.exists()


# --- her page and the group page ------------------------------------------------------------------------------


def test_her_page_shows_visits_trainings_monitoring_and_follow_ups(login, facilitator, beneficiary, programme):
    VisitFactory(beneficiary=beneficiary, actions=["Mendesain label"])
    TrainingAttendanceFactory(beneficiary=beneficiary, training=TrainingFactory(programme=programme, title="ERT"))
    MonitoringReportFactory(beneficiary=beneficiary, quarter=2)
    MonitoringReportFactory(beneficiary=beneficiary, quarter=3, turnover=2_500_000)
    FollowUpFactory(beneficiary=beneficiary, description="Daftarkan NIB")
    html = login(facilitator).get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert "Mendesain label" in html
    assert "ERT" in html
    assert "Rp 2.500.000" in html and "data-monitoring-chart" in html
    assert "Daftarkan NIB" in html


@pytest.mark.parametrize("rows", [1, 12])
def test_her_sections_take_a_fixed_number_of_queries(
    rf, facilitator, beneficiary, programme, django_assert_num_queries, rows
):
    from mentoring.panels import beneficiary_sections

    for _ in range(rows):
        VisitFactory(beneficiary=beneficiary)
        FollowUpFactory(beneficiary=beneficiary)
    request = rf.get("/")
    request.user = facilitator
    # her meetings, timeline, visit count, trainings, monitoring, open follow-ups
    with django_assert_num_queries(6):
        beneficiary_sections(request, beneficiary)


def test_the_group_page_shows_sessions_and_member_figures(login, facilitator, programme):
    woman = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[woman])
    MonitoringReportFactory(beneficiary=woman, quarter=2, turnover=1_000_000)
    MonitoringReportFactory(beneficiary=woman, quarter=3, turnover=1_500_000)
    from mentoring.panels import member_figures

    figures = member_figures(group=group, beneficiary_ids=[woman.pk])
    assert figures[woman.pk]["turnover"] == 1_500_000 and figures[woman.pk]["turnover_change"] == 50
    html = login(facilitator).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert reverse("mentoring:group_session_create", args=[group.pk]) in html
