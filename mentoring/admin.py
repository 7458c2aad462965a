from django.contrib import admin

from pekka.admin_base import ReadOnlyHistoryAdmin

from .models import FollowUp, MonitoringReport, Training, TrainingAttendance, Visit, VisitPhoto


class FieldRecordAdmin(ReadOnlyHistoryAdmin):
    """Visits, follow-ups and monitoring reports are what happened in the field: corrected (the history keeps
    the change), never deleted, so the admin offers no delete."""

    def has_delete_permission(self, request, obj=None):
        return False


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(FieldRecordAdmin):
    list_display = ["visited_on", "visit_type", "beneficiary", "group", "author", "programme"]
    list_filter = ["visit_type", "programme"]
    search_fields = ["beneficiary__full_name", "group__name", "client_uuid"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["beneficiary", "group", "meeting", "business", "status_change", "permit", "online_presence"]
    list_select_related = ["beneficiary", "group", "author", "programme"]
    inlines = [VisitPhotoInline]


@admin.register(FollowUp)
class FollowUpAdmin(FieldRecordAdmin):
    list_display = ["description", "due_on", "owner", "beneficiary", "group", "source", "done_on"]
    list_filter = ["source", "done_on"]
    search_fields = ["description", "beneficiary__full_name"]
    raw_id_fields = ["visit", "monitoring_report", "beneficiary", "group"]
    list_select_related = ["owner", "beneficiary", "group"]


class AttendanceInline(admin.TabularInline):
    """Attendance is taken on the training's page (the service removes a mistaken tick); not deleted here."""

    model = TrainingAttendance
    extra = 0
    can_delete = False
    raw_id_fields = ["beneficiary"]


@admin.register(Training)
class TrainingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "topic", "programme", "starts_on", "place"]
    list_filter = ["topic", "programme"]
    search_fields = ["title", "place", "trainer"]
    inlines = [AttendanceInline]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(FieldRecordAdmin):
    list_display = ["beneficiary", "business", "year", "quarter", "turnover", "assets", "workers", "flagged"]
    list_filter = ["year", "quarter", "flagged", "programme"]
    search_fields = ["beneficiary__full_name"]
    raw_id_fields = ["beneficiary", "business"]
    list_select_related = ["beneficiary", "business"]
