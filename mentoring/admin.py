from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FollowUp, MonitoringReport, Training, TrainingAttendance, Visit, VisitPhoto


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["visited_on", "visit_type", "beneficiary", "group", "author", "programme"]
    list_filter = ["visit_type", "programme"]
    search_fields = ["beneficiary__full_name", "group__name", "client_uuid"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["beneficiary", "group", "meeting", "business", "status_change", "permit", "online_presence"]
    list_select_related = ["beneficiary", "group", "author", "programme"]
    inlines = [VisitPhotoInline]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["description", "due_on", "owner", "beneficiary", "group", "source", "done_on"]
    list_filter = ["source", "done_on"]
    search_fields = ["description", "beneficiary__full_name"]
    raw_id_fields = ["visit", "monitoring_report", "beneficiary", "group"]
    list_select_related = ["owner", "beneficiary", "group"]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["beneficiary"]


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "topic", "programme", "starts_on", "place"]
    list_filter = ["topic", "programme"]
    search_fields = ["title", "place", "trainer"]
    inlines = [AttendanceInline]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(SimpleHistoryAdmin):
    list_display = ["beneficiary", "business", "year", "quarter", "turnover", "assets", "workers", "flagged"]
    list_filter = ["year", "quarter", "flagged", "programme"]
    search_fields = ["beneficiary__full_name"]
    raw_id_fields = ["beneficiary", "business"]
    list_select_related = ["beneficiary", "business"]
