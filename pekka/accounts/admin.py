from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "email",
        "phone",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_active", "is_staff", "programme_assignments__programme"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the programmes"), {"fields": ("role", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the programmes"), {"fields": ("first_name", "last_name", "role", "phone")}),
    )
