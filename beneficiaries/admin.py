from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pekka.admin_base import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .importing.aliases import alias_key, check_alias_value
from .models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    BusinessType,
    Enrolment,
    Household,
    HouseholdMember,
    IdentifierAccess,
    IdentifierConflict,
    ImportAlias,
    ImportBatch,
    NotDuplicate,
    OnlinePresence,
    Permit,
)
from .nik import mask_identifier
from .services import log_identifier_access


class LoggedIdentifiersAdmin(ReadOnlyHistoryAdmin):
    """A change page (or a historical version's page) shows full NIK/KK numbers in its inputs: each showing is
    logged in the identifier access log, as on her page. Lists show the numbers masked."""

    def identifiers_of(self, obj) -> tuple[object, bool]:
        """(the beneficiary the log row names, whether ``obj`` holds a NIK or KK at all)."""
        raise NotImplementedError

    def _log_view(self, request, object_id, detail):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            beneficiary, holds = self.identifiers_of(obj)
            if holds:
                log_identifier_access(
                    user=request.user,
                    action=IdentifierAccess.Action.VIEW,
                    beneficiary=beneficiary,
                    detail=f"admin {detail} {self.model._meta.model_name} #{obj.pk}",
                )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._log_view(request, object_id, "change page")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self._log_view(request, object_id, f"history version #{version_id}")
        return response


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


@admin.register(Household)
class HouseholdAdmin(LoggedIdentifiersAdmin):
    list_display = ["__str__", "village", "rt", "rw", "address"]
    search_fields = ["kk_number", "address", "village__name"]
    autocomplete_fields = ["village"]
    inlines = [HouseholdMemberInline]
    list_select_related = ["village"]

    def identifiers_of(self, obj):
        return obj.beneficiaries.order_by("pk").first(), bool(obj.kk_number)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(LoggedIdentifiersAdmin):
    list_display = ["full_name", "masked_nik", "category", "facilitator", "phone", "created_at"]
    list_filter = ["category", "marital_status", "enrolments__programme", "enrolments__status"]
    search_fields = ["full_name", "nik", "phone", "household__kk_number"]
    autocomplete_fields = ["household", "facilitator", "consent_recorded_by"]
    list_select_related = ["facilitator", "household"]
    inlines = [EnrolmentInline]

    @admin.display(description=_("NIK"), ordering="nik")
    def masked_nik(self, obj):
        return mask_identifier(obj.nik)

    def identifiers_of(self, obj):
        return obj, bool(obj.nik or (obj.household and obj.household.kk_number))


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
class BusinessAdmin(ReadOnlyHistoryAdmin):
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
class EnrolmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["beneficiary", "programme", "status", "enrolled_on", "status_changed_on"]
    list_filter = ["programme", "status"]
    search_fields = ["beneficiary__full_name", "beneficiary__nik"]
    list_select_related = ["beneficiary", "programme"]
    autocomplete_fields = ["beneficiary"]


@admin.register(IdentifierAccess)
class IdentifierAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "beneficiary", "row_count", "detail"]
    list_filter = ["action", "user"]
    list_select_related = ["user", "beneficiary"]


@admin.register(IdentifierConflict)
class IdentifierConflictAdmin(ReadOnlyAdmin):
    """Conflicts are raised by refused registrations and resolved on their own page; the admin only lists them."""

    list_display = ["raised_at", "kind", "full_name", "programme", "raised_by", "resolved_at"]
    list_filter = ["kind", "programme"]
    list_select_related = ["programme", "raised_by"]


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


class ImportAliasForm(forms.ModelForm):
    """The value an alias points at must exist, and an official name is never mapped to another region."""

    class Meta:
        model = ImportAlias
        fields = ["field", "scope", "typed", "value"]

    def clean(self):
        data = super().clean()
        if data.get("field") and data.get("value"):
            check_alias_value(data["field"], data.get("scope", ""), data["value"])
        return data


@admin.register(ImportAlias)
class ImportAliasAdmin(admin.ModelAdmin):
    """What village offices' spellings mean (accepted on an import's preview): corrected or removed here; a removed
    alias makes its value a suggestion again in the next list."""

    list_display = ["typed", "field", "value", "scope", "created_by", "created_at", "batch"]
    list_filter = ["field"]
    list_select_related = ["created_by", "batch"]
    search_fields = ["typed", "value", "scope"]
    fields = ["field", "scope", "typed", "value", "created_by", "created_at", "batch"]
    readonly_fields = ["created_by", "created_at", "batch"]

    form = ImportAliasForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.key = alias_key(obj.field, obj.typed)
        super().save_model(request, obj, form, change)
