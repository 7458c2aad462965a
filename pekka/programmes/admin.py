from django.contrib import admin

from .models import Programme, ProgrammeStaff


class ProgrammeStaffInline(admin.TabularInline):
    model = ProgrammeStaff
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "category", "funder", "start_date", "end_date"]
    list_filter = ["category", "start_date"]
    search_fields = ["name", "short_name", "funder", "partner"]
    autocomplete_fields = ["areas"]
    inlines = [ProgrammeStaffInline]
    date_hierarchy = "start_date"


@admin.register(ProgrammeStaff)
class ProgrammeStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "assigned_on"]
    list_filter = ["programme", "user__role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "programme__name"]
    list_select_related = ["user", "programme"]
