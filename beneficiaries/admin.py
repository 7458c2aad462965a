from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    BusinessType,
    Enrolment,
    Household,
    HouseholdMember,
    IdentifierAccess,
    ImportBatch,
    NotDuplicate,
    OnlinePresence,
    Permit,
)


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "village", "rt", "rw", "address"]
    search_fields = ["kk_number", "address", "village__name"]
    autocomplete_fields = ["village"]
    inlines = [HouseholdMemberInline]
    list_select_related = ["village"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "nik", "category", "facilitator", "phone", "created_at"]
    list_filter = ["category", "marital_status", "enrolments__programme", "enrolments__status"]
    search_fields = ["full_name", "nik", "phone", "household__kk_number"]
    autocomplete_fields = ["household", "facilitator", "consent_recorded_by"]
    list_select_related = ["facilitator"]
    inlines = [EnrolmentInline]


class StatusChangeInline(admin.TabularInline):
    model = BusinessStatusChange
    extra = 0


class PermitInline(admin.TabularInline):
    model = Permit
    extra = 0


class OnlinePresenceInline(admin.TabularInline):
    model = OnlinePresence
    extra = 0


@admin.register(Business)
class BusinessAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "beneficiary", "business_type", "status", "started_on"]
    list_filter = ["business_type", "status"]
    search_fields = ["name", "beneficiary__full_name"]
    autocomplete_fields = ["beneficiary"]
    list_select_related = ["beneficiary", "business_type"]
    inlines = [StatusChangeInline, PermitInline, OnlinePresenceInline]


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["beneficiary", "programme", "status", "enrolled_on", "status_changed_on"]
    list_filter = ["programme", "status"]
    search_fields = ["beneficiary__full_name", "beneficiary__nik"]
    list_select_related = ["beneficiary", "programme"]
    autocomplete_fields = ["beneficiary"]


@admin.register(IdentifierAccess)
class IdentifierAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "beneficiary", "row_count", "detail"]
    list_filter = ["action", "user"]
    list_select_related = ["user", "beneficiary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotDuplicate)
class NotDuplicateAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "decided_by", "decided_at"]
    list_select_related = ["first", "second", "decided_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are made and committed on their own pages; the admin only shows them (and may delete one)."""

    list_display = ["file_name", "programme", "status", "uploaded_by", "uploaded_at", "row_count", "invalid_count"]
    list_filter = ["status", "programme"]
    list_select_related = ["programme", "uploaded_by"]
    search_fields = ["file_name"]
    exclude = ["report"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
