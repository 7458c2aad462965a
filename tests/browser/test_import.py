import pytest
from playwright.sync_api import expect

from tests.beneficiaries.factories import business_type
from tests.regions.factories import garegeh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As a village office types it: capitals, a NIK with spaces, another with an apostrophe, three date formats, a
# loosely written village, a column the import does not know, and one row with three mistakes.
MESSY_LIST = (
    "NAMA;NIK;Tgl. Lahir;Desa/Kelurahan;Kecamatan;No HP;Jenis Usaha;Keterangan\n"
    "SITI AMINAH;1375 0245 0880 0012;05-08-1980;garegeh;Mandiangin Koto Selayan;0812 6600 1234;sulaman;\n"
    "ROSMAINI BINTI YUNUS;'1375024508800029;5 Agustus 1980;KEL. GAREGEH;;;;pindahan\n"
    "YUSNANI;12345;31/02/1980;Garegah;Mandiangin Koto Selayan;;;\n"
)


def test_admin_imports_a_messy_list_on_a_phone(page, live_server, log_in, admin, programme, tmp_path, settings, shoot):
    settings.MEDIA_ROOT = tmp_path / "media"
    garegeh()
    business_type("sulaman")
    path = tmp_path / "daftar-garegeh.csv"
    path.write_text(MESSY_LIST, encoding="utf-8")
    log_in(admin)
    page.goto(f"{live_server.url}/penerima-manfaat/impor/")
    page.locator("a[href$='/impor/baru/']").first.click()
    page.locator("#id_programme").select_option(str(programme.pk))
    page.locator("#id_file").set_input_files(str(path))
    shoot("import-upload-phone")
    page.locator("form[data-import-upload] button[type=submit]").click()

    counts = page.get_by_test_id("import-counts")
    expect(counts).to_contain_text("2")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("12345")
    expect(errors).to_contain_text("31/02/1980")
    expect(errors).to_contain_text("Garegah")  # one letter off: a suggestion, never taken
    expect(page.get_by_test_id("unknown-columns")).to_contain_text("Keterangan")
    expect(page.locator("#rows-new")).to_contain_text("Siti Aminah")
    expect(page.locator("#rows-new")).to_contain_text("Rosmaini binti Yunus")
    shoot("import-preview-phone")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-import-commit] button[type=submit]").click()
    expect(page.get_by_test_id("import-result")).to_be_visible()
    shoot("import-done-phone")

    page.goto(f"{live_server.url}/penerima-manfaat/")
    expect(page.get_by_role("link", name="Siti Aminah")).to_be_visible()
    expect(page.get_by_role("link", name="Rosmaini binti Yunus")).to_be_visible()
    expect(page.get_by_role("link", name="Yusnani")).to_have_count(0)


def test_facilitator_cannot_reach_the_import_pages(page, live_server, log_in, facilitator):
    log_in(facilitator)
    for path in ["/penerima-manfaat/impor/", "/penerima-manfaat/impor/baru/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 403
