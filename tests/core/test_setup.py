"""The project's own guarantees: migrations match the models, the Indonesian catalogue is complete."""

from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()} (exit {exc.code})")


def test_indonesian_is_the_default_language_and_jakarta_the_time_zone():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_indonesian_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = catalogue("id")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert len(po) > 100, "the catalogue looks empty"
    assert untranslated == [], f"untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"


def test_indonesian_placeholders_match_the_english_ones():
    """A translation that drops or renames %(name)s or {{ n }} would crash or mislead at run time."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|%[sd]")
    for entry in catalogue("id").translated_entries():
        if not entry.msgid_plural:
            assert sorted(placeholder.findall(entry.msgid)) == sorted(placeholder.findall(entry.msgstr)), entry.msgid
        else:
            for text in entry.msgstr_plural.values():
                assert sorted(placeholder.findall(entry.msgid_plural)) == sorted(placeholder.findall(text))


def test_english_catalogue_exists_and_compiles():
    po = catalogue("en")
    assert po.metadata.get("Language") == "en"
    assert (Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()
