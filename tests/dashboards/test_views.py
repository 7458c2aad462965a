import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pekka.dashboards.models import ProgrammeReport, Target
from pekka.dashboards.scope import ScopeForm
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory, MeetingFactory
from tests.mentoring.factories import TrainingAttendanceFactory, TrainingFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_anonymous_goes_to_login_and_a_facilitator_is_refused(client, login, facilitator, programme):
    assert client.get(reverse("dashboards:dashboard"))["Location"].startswith("/akun/masuk/")
    client = login(facilitator)
    assert client.get(reverse("dashboards:dashboard")).status_code == 403
    assert client.get(reverse("dashboards:report", args=[programme.pk])).status_code == 403


def test_a_manager_cannot_open_another_programmes_report(login, manager, other_programme):
    assert login(manager).get(reverse("dashboards:report", args=[other_programme.pk])).status_code == 404


def card_value(html, code):
    block = html.split(f'data-testid="card-{code}"', 1)[1]
    return re.search(r'figure-value">([^<]*)<', block).group(1).strip()


def card_link(html, code):
    head = html.split(f'data-testid="card-{code}"', 1)[0]
    return re.findall(r'href="([^"]+)"', head)[-1].replace("&amp;", "&")


def test_a_manager_sees_only_her_programmes_numbers(login, manager, programme, other_programme):
    for _ in range(3):
        BeneficiaryFactory(programme=programme)
    for _ in range(5):
        BeneficiaryFactory(programme=other_programme)
    client = login(manager)
    html = client.get(reverse("dashboards:dashboard")).text
    assert card_value(html, "women_enrolled") == "3"
    # Asking for the other programme is not honoured: the filter falls back to her own programmes
    html = client.get(reverse("dashboards:dashboard"), {"programme": other_programme.pk}).text
    assert card_value(html, "women_enrolled") == "3"


def test_every_card_drills_down_to_as_many_records_as_it_shows(login, manager, programme, facilitator):
    today = timezone.localdate()
    women = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(4)]
    for w in women[:3]:
        VisitFactory(beneficiary=w, visited_on=today)
        BusinessFactory(beneficiary=w, status="running", started_on=today - dt.timedelta(days=400))
    training = TrainingFactory(programme=programme, topic="gender", starts_on=today)
    TrainingAttendanceFactory(training=training, beneficiary=women[0])
    client = login(manager)
    html = client.get(reverse("dashboards:dashboard")).text
    for code, expected in [("women_enrolled", 4), ("visits", 3), ("trained_any", 1), ("businesses_running", 3)]:
        assert card_value(html, code) == str(expected)
        listing = client.get(card_link(html, code))
        assert listing.status_code == 200
        assert listing.text.count('data-testid="record"') == expected, code


def _fill(programme, n):
    for i in range(n):
        woman = BeneficiaryFactory(programme=programme)
        BusinessFactory(beneficiary=woman)
        group = GroupFactory(programme=programme, members=[woman], name=f"KUB {n}-{i}")
        MeetingFactory(group=group).attendees.set([woman])
        VisitFactory(beneficiary=woman, visited_on=timezone.localdate())


@pytest.mark.parametrize("n", [5, 50])
def test_dashboard_query_count_does_not_grow_with_data(login, manager, programme, n, django_assert_max_num_queries):
    _fill(programme, n)
    Target.objects.create(programme=programme, indicator="visits", value=100)
    client = login(manager)
    client.get(reverse("dashboards:dashboard"))
    # session, user, the filter's programmes (twice: form and scope), six cards (PAR30: one), four charts
    # (12 months in one query, 6 quarters in one, three statuses, six PAR30 months), one per target, the group
    # table's count and page: about 30 whatever the number of women, visits and groups
    with django_assert_max_num_queries(32) as captured:
        response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert response.text.count('data-testid="group-row"') == min(n, 25)
    test_dashboard_query_count_does_not_grow_with_data.counts[n] = len(captured)
    if len(test_dashboard_query_count_does_not_grow_with_data.counts) == 2:
        assert len(set(test_dashboard_query_count_does_not_grow_with_data.counts.values())) == 1


test_dashboard_query_count_does_not_grow_with_data.counts = {}


def test_the_month_turns_at_midnight_in_jakarta(monkeypatch, manager, programme):
    # 31 Dec 2025 18:00 UTC is already 1 Jan 2026 01:00 in Jakarta
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC))
    scope = ScopeForm({"period": "month"}, user=manager).scope()
    assert (scope.start, scope.end) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def test_report_xlsx_has_a_sheet_per_table_and_defuses_formulas(login, manager, programme):
    Target.objects.create(programme=programme, indicator="women_enrolled", value=10)
    BeneficiaryFactory(programme=programme)
    ProgrammeReport.objects.create(
        programme=programme,
        period_start=programme.start_date,
        period_end=min(programme.end_date, timezone.localdate()),
        highlights='=HYPERLINK("http://evil")',
        obstacles="Modal kurang",
    )
    response = login(manager).get(reverse("dashboards:report_xlsx", args=[programme.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Laporan", "Target", "Capaian", "Usaha", "Izin", "Omzet", "Portofolio pinjaman"]
    cover = {row[0]: row[1] for row in book["Laporan"].iter_rows(values_only=True)}
    assert cover["Sorotan"] == '\'=HYPERLINK("http://evil")'
    target_rows = list(book["Target"].iter_rows(values_only=True))
    assert target_rows[1][4:7] == (10, 1, 10)


def test_a_manager_writes_the_report_narrative(login, manager, programme):
    url = reverse("dashboards:report", args=[programme.pk])
    response = login(manager).post(
        f"{url}?programme={programme.pk}&period=lifetime",
        {"highlights": "Tiga kelompok terbentuk", "obstacles": "", "next_steps": ""},
    )
    assert response.status_code == 302
    report = ProgrammeReport.objects.get(programme=programme)
    assert report.highlights == "Tiga kelompok terbentuk"


def test_a_coordinator_sees_the_report_but_cannot_write_it(login, coordinator, programme):
    client = login(coordinator)
    url = reverse("dashboards:report", args=[programme.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"highlights": "x"}).status_code == 403


def test_team_workload_lists_each_facilitator_with_her_caseload(
    login, coordinator, programme, facilitator, other_facilitator
):
    for _ in range(2):
        BeneficiaryFactory(programme=programme, facilitator=facilitator)
    VisitFactory(
        beneficiary=BeneficiaryFactory(programme=programme, facilitator=other_facilitator),
        visited_on=timezone.localdate(),
    )
    html = login(coordinator).get(reverse("dashboards:team")).text
    rows = html.split('data-testid="team-row"')[1:]
    assert len(rows) == 2
    mine = next(r for r in rows if str(facilitator) in r)
    assert "facilitator=" in mine and ">2</a>" in mine
    assert 'data-testid="silent"' in mine  # no visit this week
    other = next(r for r in rows if str(other_facilitator) in r)
    assert 'data-testid="silent"' not in other


def test_seed_003_figures_come_from_the_demo_attendance(demo_regions):
    from pekka.dashboards.figures import achievements
    from pekka.dashboards.scope import Scope
    from pekka.devdata.places import PASURUAN
    from pekka.programmes.models import Programme

    call_command("seed_demo", "--password", "demo-uji-123")
    programme = Programme.objects.get(name=PASURUAN)
    rows = {a.indicator.code: a for a in achievements(Scope((programme.pk,), programme.start_date, programme.end_date))}
    assert (rows["trained_ert"].value, rows["trained_ert"].target.value, rows["trained_ert"].percent) == (335, 500, 67)
    assert (rows["trained_gender"].value, rows["trained_gender"].percent.quantize(1)) == (79, 120)
    assert (rows["trained_lkm"].value, rows["trained_lkm"].percent.quantize(1)) == (42, 64)


def test_group_table_compares_the_latest_reported_quarter_with_the_one_before(login, manager, programme):
    from tests.mentoring.factories import MonitoringReportFactory

    woman = BeneficiaryFactory(programme=programme)
    group = GroupFactory(programme=programme, members=[woman], name="KUB Rendang")
    MonitoringReportFactory(beneficiary=woman, year=2025, quarter=3, turnover=2_000_000)
    MonitoringReportFactory(beneficiary=woman, year=2025, quarter=4, turnover=1_500_000)
    html = login(manager).get(reverse("dashboards:dashboard"), {"period": "lifetime"}).text
    row = html.split(group.name, 1)[1].split("</tr>", 1)[0]
    assert "-25,0%" in row or "-25.0%" in row
