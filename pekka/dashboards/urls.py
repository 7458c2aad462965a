from django.urls import path

from . import reports

app_name = "dashboards"

urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("tim/", reports.team, name="team"),
    path("indikator/<str:code>/", reports.indicator_records, name="indicator"),
    path("program/<int:pk>/", reports.programme_report, name="report"),
    path("program/<int:pk>/xlsx/", reports.programme_report_xlsx, name="report_xlsx"),
    path("program/<int:pk>/target/", reports.targets, name="targets"),
]
