from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from pekka.dashboards.views import home
from pekka.views import healthz

admin.site.site_header = _("PEKKA administration")
admin.site.site_title = _("PEKKA administration")
admin.site.index_title = _("Data and users")

urlpatterns = [
    path("", home, name="home"),
    path("akun/", include("pekka.accounts.urls")),
    path("wilayah/", include("pekka.regions.urls")),
    path("program/", include("pekka.programmes.urls")),
    path("laporan/", include("pekka.dashboards.urls")),
    path("penerima-manfaat/", include("beneficiaries.urls")),
    path("kelompok/", include("groups.urls")),
    path("pendampingan/", include("mentoring.urls")),
    path("pinjaman/", include("loans.urls")),
    # The language switcher must work on the login page too.
    path("bahasa/", login_not_required(set_language), name="set_language"),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
