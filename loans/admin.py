"""Funds and products are set up here. Loans and repayments are shown read-only: every write to them goes
through loans/services.py (schedules, allocation, reversals), never through a form that edits a row."""

from django.contrib import admin

from pekka.admin_base import ReadOnlyAdmin

from .models import (
    CapitalGrant,
    CollectionSheet,
    Fund,
    Instalment,
    Loan,
    LoanProduct,
    Proposal,
    ProposalLine,
    Repayment,
)


class LoanProductInline(admin.TabularInline):
    model = LoanProduct
    extra = 0
    fields = [
        "name",
        "method",
        "annual_rate",
        "term_months",
        "repayment_day",
        "grace_months",
        "tolerance_days",
        "admin_fee",
        "is_active",
    ]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "programme", "capital"]
    list_filter = ["programme"]
    search_fields = ["name", "funder"]
    inlines = [LoanProductInline]


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = ["name", "fund", "method", "annual_rate", "term_months", "repayment_day", "is_active"]
    list_filter = ["method", "is_active", "fund"]
    search_fields = ["name"]


class ProposalLineInline(admin.TabularInline):
    model = ProposalLine
    extra = 0
    fields = ["beneficiary", "amount_requested", "purpose", "survey_note", "amount_approved"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "created_by", "submitted_by", "decided_by", "disbursed_on"]
    list_filter = ["status"]
    inlines = [ProposalLineInline]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    fields = [
        "number",
        "due_on",
        "principal_due",
        "interest_due",
        "fee_due",
        "principal_paid",
        "interest_paid",
        "fee_paid",
        "completed_on",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["beneficiary", "group", "product", "principal", "disbursed_on", "status"]
    list_filter = ["status", "product__fund"]
    search_fields = ["beneficiary__full_name"]
    inlines = [InstalmentInline]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "paid_on", "amount", "receipt_no", "recorded_by", "recorded_at", "reverses"]
    list_filter = ["paid_on"]
    search_fields = ["receipt_no", "loan__beneficiary__full_name"]


@admin.register(CollectionSheet)
class CollectionSheetAdmin(ReadOnlyAdmin):
    list_display = ["group", "paid_on", "recorded_by", "recorded_at"]
    list_filter = ["paid_on"]
    search_fields = ["group__name"]


@admin.register(CapitalGrant)
class CapitalGrantAdmin(admin.ModelAdmin):
    list_display = ["beneficiary", "programme", "source", "given_on", "amount"]
    list_filter = ["programme"]
    search_fields = ["beneficiary__full_name", "source"]
    autocomplete_fields = ["beneficiary"]
