"""The installable app: the service worker, the web manifest and the page a phone shows offline.

The service worker is a template rendered here rather than a static file because it must be served from the root
(its scope is the whole site) and must change byte for byte whenever a file it precaches changes: its VERSION is a
hash of every precached file's content, so a release makes each phone find "a new version" and offer to reload.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# The vendor files base.html loads on every page (the rest of static/vendor is cached the first time it is used).
VENDOR_SHELL = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/htmx/htmx.min.js",
    "vendor/tom-select/css/tom-select.bootstrap5.min.css",
    "vendor/tom-select/js/tom-select.complete.min.js",
)
# The navbar's colour (static/css/pekka.css, --pekka-primary) and the page background.
THEME_COLOUR = "#0f5f5c"
BACKGROUND_COLOUR = "#f5f7f7"
ICONS = (
    ("img/icons/icon.svg", "any", "image/svg+xml", "any"),
    ("img/icons/icon-192.png", "192x192", "image/png", "any"),
    ("img/icons/icon-512.png", "512x512", "image/png", "any"),
    ("img/icons/icon-maskable-192.png", "192x192", "image/png", "maskable"),
    ("img/icons/icon-maskable-512.png", "512x512", "image/png", "maskable"),
)


def own_static_files() -> list[str]:
    """Every file of our own static folder (CSS, JS, images), as static paths: all of it is app shell."""
    root = Path(settings.BASE_DIR, "static")
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name[0] != ".")


def shell_files() -> list[str]:
    """The static files the service worker precaches: ours and the vendor files every page loads."""
    return own_static_files() + list(VENDOR_SHELL)


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def file_digest(static_path: str) -> str:
    """The content hash of a static file as the finders find it (a changed file has a new stat, so a new hash)."""
    found = finders.find(static_path)
    if not found:
        raise FileNotFoundError(f"static file {static_path!r} is not found by the staticfiles finders")
    stat = Path(found).stat()
    return _digest(found, stat.st_mtime_ns, stat.st_size)


def precache_entries() -> list[dict]:
    """Workbox's precache manifest: each URL with the hash of what it serves, the offline page included."""
    entries = [{"url": static(path), "revision": file_digest(path)} for path in shell_files()]
    offline_page = render_to_string("pwa/offline.html")
    entries.append({"url": reverse("offline"), "revision": hashlib.sha256(offline_page.encode()).hexdigest()[:16]})
    return entries


def workbox_modules() -> dict[str, str]:
    """Where the service worker loads each Workbox module from: our static files, never the Google CDN."""
    return {name: static(f"vendor/{name}/{name}.prod.js") for name in settings.PWA_WORKBOX_PACKAGES[1:]}


def version_of(entries: list[dict]) -> str:
    """One hash of everything precached (and the salt), so a release changes the service worker's bytes."""
    text = settings.PWA_VERSION_SALT + json.dumps(entries, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@login_not_required
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """/sw.js at the root, so that it controls every page; the browser revalidates it on each update check."""
    entries = precache_entries()
    config = {
        "version": version_of(entries),
        "modules": workbox_modules(),
        "precache": entries,
        "offlineUrl": reverse("offline"),
        "networkTimeoutSeconds": settings.PWA_NETWORK_TIMEOUT_SECONDS,
        "staticPrefix": settings.STATIC_URL,  # not static(""): the manifest storage has no entry for ""
        # Pages that are never kept: logging in and out, the Django admin.
        "neverCached": [reverse("accounts:login"), reverse("accounts:logout"), reverse("admin:index")],
    }
    # JSON is valid JavaScript; the template is not HTML, so nothing in it is escaped.
    context = {"workbox_sw": json.dumps(static("vendor/workbox-sw/workbox-sw.js")), "config": json.dumps(config)}
    response = render(request, "pwa/sw.js", context, content_type="application/javascript; charset=utf-8")
    # The worker may control the whole site although it is served from a view, not from /static/.
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def web_manifest(request):
    """The web app manifest that makes the app installable on her phone's home screen."""
    manifest = {
        "name": "PEKKA Lapangan",
        "short_name": "PEKKA",
        "description": "Pendampingan usaha perempuan kepala keluarga, juga tanpa sinyal.",
        "lang": "id",
        "dir": "ltr",
        "id": reverse("field_home"),
        "start_url": reverse("field_home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": mime, "purpose": purpose}
            for path, sizes, mime, purpose in ICONS
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
def offline_page(request):
    """What a page she has not opened before shows without a signal (precached; rendered without the session, so
    every copy is the same and carries no token)."""
    return HttpResponse(render_to_string("pwa/offline.html"))
