from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "path", "postal_code"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "path"]
    readonly_fields = ["code", "name", "level", "kind", "parent", "postal_code", "path"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # the official list is loaded by `manage.py load_regions`, not typed

    def has_delete_permission(self, request, obj=None):
        return False
