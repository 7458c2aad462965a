"""Admin bases for records the Django admin only shows: logs and field facts are written on their own pages.

``ReadOnlyAdmin``: no add, change or delete (access logs, money rows, conflicts). ``ReadOnlyHistoryAdmin``: the
admin's view of django-simple-history, where a record's history is read, never written.

SimpleHistoryAdmin's page for one past version is a form that, when posted, saves that version over the live
record ("revert"), whatever its button shows. Records kept as field facts (visits, memberships, meetings) and the
registry's audit trail are corrected through their own pages, which keep who and why; the admin only shows them.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows; nobody adds, changes or deletes here, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages only show: no revert button, and a posted revert is refused (403)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
