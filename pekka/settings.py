"""Settings for pekka: one module, every difference between machines comes from environment variables.

DATABASE_URL   postgres://user@host:5432/name (production and CI); unset → an SQLite file next to manage.py
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" for development (the default when run from a checkout by `make run`)
ALLOWED_HOSTS  comma-separated host names
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Reads a yes/no environment variable ("1", "true", "yes", "on" are yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A server started without a key would sign sessions, password resets and CSRF tokens with a key anyone can
    # read here, so only development (DEBUG=1, `make run`) and a pytest run (pytest sets PYTEST_VERSION while it
    # runs) get this local one; `make test` and CI export a throwaway key of their own (Makefile).
    if not (DEBUG or os.environ.get("PYTEST_VERSION")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set: with DEBUG off pekka refuses to start on a built-in key. Make one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"` and set it in the environment '
            "(docs/deploy.md, docs/security.md), or set DEBUG=1 on a developer's machine."
        )
    SECRET_KEY = "django-insecure-local-only-set-SECRET_KEY-in-production"
# Old keys still accepted for signatures made before a rotation (docs/security.md), comma-separated.
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pekka",
    "pekka.accounts",
    "pekka.regions",
    "pekka.programmes",
    "pekka.dashboards",
    "beneficiaries",
    "groups",
    "mentoring",
    "loans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages travel compressed (a woman's page is ~25 KB of HTML, ~6 KB so): on a 3G line that is most of the time
    # of her offline copy (docs/field-app.md). Django pads each compressed response with random bytes against
    # BREACH, and CSRF tokens are masked per response; static files come compressed from WhiteNoise already.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "pekka.middleware.PermissionsPolicyMiddleware",
    # Serves the collected static files (compressed, cached for a year when STATIC_MANIFEST=1) in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Administrators and managers (and whoever chose it) reach nothing before their second factor. In place of
    # django-otp's OTPMiddleware, which reads the device row on every request: see second_factor_verified().
    "pekka.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# History is read per record (its id) on the record's page, never by date across records: no index on
# history_date, one write less per change (issue 4: an import writes 400,000 history rows).
SIMPLE_HISTORY_DATE_INDEX = False

ROOT_URLCONF = "pekka.urls"
WSGI_APPLICATION = "pekka.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pekka.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: PostgreSQL's estimate for a query with correlated subqueries (the loan list's totals,
    # the dashboards) easily passes jit_above_cost, and compiling then costs ~0.5 s for a query that runs in
    # 15 ms (issue 9, EXPLAIN ANALYZE). Web requests are short queries; JIT is for long analytical ones.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off " + DATABASES["default"]["OPTIONS"].get("options", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out username-and-address pair before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Logins (the app's and the Django admin's): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for LOGIN_COOLOFF_MINUTES; an administrator unlocks it earlier in the admin
# (Axes → Access attempts: delete the row). Per pair, so a guesser cannot lock a colleague out from elsewhere.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every manage.py command
AXES_LOCKOUT_CALLABLE = "pekka.accounts.views.lockout"
# The address of a login attempt; behind the proxy, the one it appended to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "pekka.accounts.views.client_address"
# Second factor (django-otp): an authenticator app's six-digit code (TOTP) or a one-time recovery code.
# Required for administrators and managers (they see every programme), optional for the other roles
# (pekka/accounts/middleware.py).
OTP_TOTP_ISSUER = "PEKKA"
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Background work (imports, reports) goes through Django's task API to a queue in our own database;
# `manage.py db_worker` runs it. The tests switch to the immediate backend (tests/conftest.py).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
# Our own date and number formats (dd/mm/yyyy, "." for thousands) for both languages.
FORMAT_MODULE_PATH = ["pekka.formats"]
LANGUAGE_COOKIE_NAME = "pekka_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (`npm ci` into node_modules, never committed); only their built files
# are exposed, under static/vendor/.
NODE_MODULES = BASE_DIR / "node_modules"
PWA_WORKBOX_PACKAGES = (
    "workbox-sw",
    "workbox-core",
    "workbox-precaching",
    "workbox-routing",
    "workbox-strategies",
    "workbox-expiration",
)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
    # The service worker (templates/pwa/sw.js) loads Workbox from here, never from Google's CDN.
    *[(f"vendor/{name}", NODE_MODULES / name / "build") for name in PWA_WORKBOX_PACKAGES],
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
]
# Production (docs/deploy.md) runs `collectstatic` and sets STATIC_MANIFEST=1: file names carry a content hash,
# so WhiteNoise lets browsers keep them for a year. Without it (development, tests) no manifest is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

SESSION_COOKIE_AGE = 14 * 24 * 3600  # facilitators stay logged in on their phone for two weeks
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS in production set SECURE_COOKIES=1 (docs/deploy.md); the local server is plain HTTP.
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
# HTTPS in production (all off by default; docs/deploy.md lists the values `check --deploy` wants).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers check over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own files run, no inline script or event handler anywhere
# (behaviour is bound from static/js by data attributes), no eval (htmx's is off in base.html's htmx-config).
# Styles too come only from our files: the templates carry no style="" attribute (dynamic widths are set from
# data attributes by static/js/pekka.js through the CSSOM, which CSP allows), and htmx's injected indicator
# <style> is turned off, so style-src needs no 'unsafe-inline'. img-src allows data: and blob: for the photos
# a phone previews and resizes before sending.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Permissions-Policy (pekka/middleware.py): the camera for a visit's photo and the location of a visit, on our
# own pages only; nothing else a phone could be asked for.
PERMISSIONS_POLICY = {
    "camera": "(self)",
    "geolocation": "(self)",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "display-capture": "()",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# How many rows a list page shows.
PAGE_SIZE = 25

# Uploaded beneficiary lists (full NIKs) are deleted this many days after upload (beneficiaries/tasks.py).
IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "90"))

# Dashboard and report figures (pekka/dashboards/figures.py::cached) are reused for this many seconds when it is
# above 0: a database cache shared by every app server (`manage.py createcachetable`). Off by default, so a
# developer's and the tests' figures are always live; production sets it (docs/deploy.md).
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "0"))
if FIGURES_CACHE_SECONDS:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "figures": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pekka_figures_cache",
            "TIMEOUT": FIGURES_CACHE_SECONDS,
        },
    }

# The installable app (pekka/pwa.py, templates/pwa/sw.js). A page is asked of the network first; after this many
# seconds without an answer the phone shows her cached copy and the answer, when it comes, refreshes the cache.
PWA_NETWORK_TIMEOUT_SECONDS = float(os.environ.get("PWA_NETWORK_TIMEOUT_SECONDS", "1"))
# Mixed into the service worker's version: changing it makes every phone offer "a new version" (tests use it).
PWA_VERSION_SALT = os.environ.get("PWA_VERSION_SALT", "")
