from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from pekka import pwa
from pekka.dashboards import offline
from pekka.dashboards.views import home
from pekka.outbox import outbox
from pekka.views import healthz

admin.site.site_header = _("PEKKA administration")
admin.site.site_title = _("PEKKA administration")
admin.site.index_title = _("Data and users")

urlpatterns = [
    path("", home, name="home"),
    # The installable app: the service worker must sit at the root to control every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.web_manifest, name="web_manifest"),
    path("offline/", pwa.offline_page, name="offline"),
    path("lapangan/", offline.field_home, name="field_home"),
    path("lapangan/siap.json", offline.offline_copy, name="offline_copy"),
    path("lapangan/kotak-keluar/", outbox, name="outbox"),
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
