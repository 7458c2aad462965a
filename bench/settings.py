"""The benchmark's server settings: production's (pekka.settings, from the environment) plus the shared cache of
dashboard figures that docs/deploy.md recommends (a database table, so every gunicorn worker and every app
server reuses the same computed figures). `bench/load.py` creates the table (`createcachetable`)."""

from pekka.settings import *  # noqa: F403

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pekka_figures_cache",
        "TIMEOUT": 600,
    },
}
