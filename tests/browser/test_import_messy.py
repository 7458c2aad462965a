"""An admin at her laptop imports a list as a village office sends it (issue 16): the values not in the official
lists are shown once each, she accepts the suggestions in one click, the file is checked again without a new upload,
and the women are in the registry."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary, ImportAlias
from tests.beneficiaries import messy
from tests.beneficiaries.factories import business_type
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPES = ["sulaman", "menjahit", "aksesoris", "makanan", "warung", "ternak", "anyaman", "jasa", "lainnya"]


def test_admin_settles_each_loose_value_once_and_imports_the_list(
    page, live_server, log_in, admin, programme, tmp_path, settings, shoot
):
    settings.MEDIA_ROOT = tmp_path / "media"
    messy.messy_regions()
    for code in TYPES:  # a browser test's database is emptied between tests, the migration's types with it
        business_type(code)
    path = tmp_path / "daftar-calon-penerima-2021.csv"
    path.write_text(messy.messy_list(), encoding="utf-8")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(admin)

    page.goto(f"{live_server.url}/penerima-manfaat/impor/baru/")
    page.locator("#id_programme").select_option(str(programme.pk))
    page.locator("#id_file").set_input_files(str(path))
    page.locator("form[data-import-upload] button[type=submit]").click()

    groups = page.get_by_test_id("import-groups")
    expect(groups).to_be_visible()
    district = groups.locator("[data-testid=import-group][data-field=district]")
    expect(district).to_have_count(1)  # thirty rows, one value
    expect(district).to_contain_text(messy.LOOSE_DISTRICT)
    expect(district).to_contain_text("30 baris")
    expect(district.locator("select option").first).to_contain_text(messy.DISTRICT_CODE)
    expect(groups.locator("[data-testid=import-group][data-field=village]")).to_have_count(3)
    shoot("import-groups-laptop")
    if SCREENSHOTS:  # the part she works in, at the size she sees it
        groups.screenshot(path=str(Path(SCREENSHOTS) / "import-groups-section-laptop.png"))

    page.get_by_test_id("accept-all").click()
    expect(page.locator("body")).to_contain_text("dipetakan")  # "3 nilai dipetakan; …"
    expect(page.locator("[data-testid=import-group][data-field=district]")).to_have_count(0)
    counts = page.get_by_test_id("import-counts")
    expect(counts).to_contain_text(str(messy.VALID_AFTER_ALIASES))
    assert ImportAlias.objects.filter(created_by=admin).count() == len(messy.EXPECTED_ALIASES)
    # What is left is what no mapping can mend: the seven bad rows, and the village that does not exist.
    expect(page.get_by_test_id("import-errors")).to_contain_text("31/02")
    shoot("import-after-mapping-laptop")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-import-commit] button[type=submit]").click()
    expect(page.get_by_test_id("import-result")).to_be_visible()
    shoot("import-committed-laptop")
    assert Beneficiary.objects.count() == messy.VALID_AFTER_ALIASES

    first = messy.WOMEN[0]
    page.goto(f"{live_server.url}/penerima-manfaat/?q={first.name.split()[0]}")
    woman = Beneficiary.objects.filter(full_name__iexact=first.name).first() or Beneficiary.objects.first()
    expect(page.get_by_role("link", name=woman.full_name).first).to_be_visible()
    page.get_by_role("link", name=woman.full_name).first.click()
    expect(page.locator("body")).to_contain_text("Mandiangin Koto Selayan")
    shoot("import-woman-laptop")
