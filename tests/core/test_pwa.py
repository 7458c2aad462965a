"""The installable app (issue 17): the service worker, the manifest, the offline page, and her offline copy."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from pekka import pwa
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory


def _config(response) -> dict:
    """The CONFIG object the service worker is rendered with."""
    match = re.search(r"^const CONFIG = (\{.*\});$", response.content.decode(), re.MULTILINE)
    return json.loads(match.group(1))


# --- the service worker ---
def test_the_service_worker_is_public_at_the_root_and_never_kept_stale(db, client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    assert not response.cookies, "the worker must not start a session"


def test_the_service_worker_loads_workbox_from_our_own_static_files(db, client):
    body = client.get("/sw.js").content.decode()
    config = _config(client.get("/sw.js"))

    assert 'importScripts("/static/vendor/workbox-sw/workbox-sw.js")' in body
    assert "googleapis" not in body and "cdn" not in body.lower().replace("no cdn", "")
    for name, url in config["modules"].items():
        assert url == f"/static/vendor/{name}/{name}.prod.js"
        assert finders.find(url.removeprefix("/static/")), url


def test_the_service_worker_is_told_the_network_timeout(db, client, settings):
    settings.PWA_NETWORK_TIMEOUT_SECONDS = 7

    assert _config(client.get("/sw.js"))["networkTimeoutSeconds"] == 7


def test_every_precached_url_answers(db, client):
    entries = _config(client.get("/sw.js"))["precache"]
    urls = [entry["url"] for entry in entries]

    assert "/offline/" in urls
    assert "/static/css/pekka.css" in urls and "/static/js/app.js" in urls and "/static/js/offline.js" in urls
    assert "/static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2" in urls
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in entries)


def test_the_version_changes_when_a_precached_file_changes(db, client, settings, tmp_path):
    before = _config(client.get("/sw.js"))["version"]
    assert _config(client.get("/sw.js"))["version"] == before, "the same files give the same worker"

    # A release with a changed stylesheet: the finders find the new pekka.css first.
    (tmp_path / "css").mkdir()
    original = Path(finders.find("css/pekka.css")).read_text()
    (tmp_path / "css" / "pekka.css").write_text(original + "\n.new-release { color: red; }\n")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]

    after = _config(client.get("/sw.js"))
    assert after["version"] != before
    revision = {entry["url"]: entry["revision"] for entry in after["precache"]}["/static/css/pekka.css"]
    assert revision == pwa.file_digest("css/pekka.css")


def test_the_version_salt_changes_the_worker(db, client, settings):
    before = client.get("/sw.js").content
    settings.PWA_VERSION_SALT = "release-2"

    assert client.get("/sw.js").content != before


def test_the_worker_never_keeps_the_login_and_logout_pages_or_the_admin(db, client):
    assert _config(client.get("/sw.js"))["neverCached"] == ["/akun/masuk/", "/akun/keluar/", "/admin/"]


# --- the manifest and the offline page ---
def test_the_manifest_makes_the_app_installable_with_icons_that_exist(db, client):
    response = client.get("/manifest.webmanifest")
    manifest = json.loads(response.content)

    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["name"] == "PEKKA Lapangan" and manifest["short_name"] == "PEKKA"
    assert manifest["lang"] == "id" and manifest["start_url"] == "/lapangan/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    navbar = re.search(r"--pekka-primary: (#[0-9a-f]{6});", Path(finders.find("css/pekka.css")).read_text())
    assert manifest["theme_color"] == navbar.group(1)
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable"), ("any", "any")} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            data = Path(path).read_bytes()
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and icon["sizes"] == f"{width}x{height}"


def test_every_page_links_the_manifest_and_the_app_scripts(db, client):
    body = client.get(reverse("accounts:login")).content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'src="/static/js/app.js" data-sw-url="/sw.js"' in body
    assert 'src="/static/js/offline.js"' in body


def test_the_offline_page_is_public_the_same_for_everyone_and_carries_no_token(db, client, facilitator):
    anonymous = client.get("/offline/")
    client.force_login(facilitator)
    signed_in = client.get("/offline/")

    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.content == signed_in.content
    assert b"csrf" not in anonymous.content.lower()
    assert "Tidak ada sinyal" in anonymous.content.decode()


# --- her offline copy ---
@pytest.fixture
def caseload(programme, facilitator, other_facilitator):
    """Three women and a group of the facilitator's; one woman and a group of the other facilitator's."""
    mine = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(3)]
    theirs = BeneficiaryFactory(programme=programme, facilitator=other_facilitator)
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=mine[:2])
    other_group = GroupFactory(programme=programme, facilitators=[other_facilitator], members=[theirs])
    return {"mine": mine, "theirs": theirs, "group": group, "other_group": other_group}


def test_her_offline_copy_lists_exactly_her_women_and_groups(client, facilitator, caseload):
    client.force_login(facilitator)

    copy = client.get(reverse("offline_copy")).json()

    assert copy["user"] == facilitator.pk
    assert copy["women"] == 3 and copy["groups"] == 1
    assert sorted(entry["id"] for entry in copy["index"]) == sorted(w.pk for w in caseload["mine"])
    group = caseload["group"].pk
    for woman in caseload["mine"]:
        assert f"/penerima-manfaat/{woman.pk}/" in copy["urls"]
        assert f"/pendampingan/penerima-manfaat/{woman.pk}/kunjungan/" in copy["urls"]
    for url in [f"/kelompok/{group}/", f"/kelompok/{group}/anggota/", f"/pendampingan/kelompok/{group}/sesi/"]:
        assert url in copy["urls"]
    assert f"/pinjaman/kelompok/{group}/setoran/" in copy["urls"]
    assert f"/kelompok/{group}/pertemuan/baru/" in copy["urls"]  # attendance is taken offline too
    assert {"/", "/lapangan/", "/penerima-manfaat/saya/", "/pendampingan/tindak-lanjut/"} <= set(copy["urls"])
    entry = next(e for e in copy["index"] if e["id"] == caseload["mine"][0].pk)
    assert entry["village"] == "Garegeh" and entry["groups"] == [caseload["group"].name]


def test_another_facilitators_women_and_groups_never_reach_her_phone(client, facilitator, caseload):
    client.force_login(facilitator)

    body = client.get(reverse("offline_copy")).content.decode()

    theirs, other_group = caseload["theirs"], caseload["other_group"]
    assert theirs.full_name not in body
    assert f"/penerima-manfaat/{theirs.pk}/" not in body
    assert f"/kelompok/{other_group.pk}/" not in body


def test_every_page_of_her_offline_copy_opens_and_shows_no_full_identity_number(client, facilitator, caseload):
    client.force_login(facilitator)
    copy = client.get(reverse("offline_copy"))
    numbers = [w.nik for w in caseload["mine"]] + [w.household.kk_number for w in caseload["mine"]]
    assert all(len(n) == 16 for n in numbers)

    pages = {url: client.get(url) for url in copy.json()["urls"]}

    assert {url: r.status_code for url, r in pages.items() if r.status_code != 200} == {}
    for text in [copy.content.decode()] + [r.content.decode() for r in pages.values()]:
        assert [n for n in numbers if n in text] == []


@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_a_coordinator_or_manager_gets_only_women_assigned_to_her_not_her_whole_programme(
    client, request, role, caseload
):
    user = request.getfixturevalue(role)
    client.force_login(user)

    copy = client.get(reverse("offline_copy")).json()

    assert copy["women"] == 0 and copy["groups"] == 0 and copy["index"] == []


def test_an_administrator_has_no_offline_copy(client, admin, caseload):
    client.force_login(admin)

    copy = client.get(reverse("offline_copy")).json()

    assert copy["women"] == 0 and copy["groups"] == 0 and copy["index"] == []


def test_the_offline_copy_needs_a_login(db, client):
    response = client.get(reverse("offline_copy"))

    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize("women", [5, 50])
def test_the_offline_copy_costs_the_same_queries_for_5_or_50_women(
    client, programme, facilitator, women, django_assert_num_queries
):
    caseload = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(women)]
    GroupFactory(programme=programme, facilitators=[facilitator], members=caseload[:3])
    client.force_login(facilitator)

    # 1 session, 2 user, 3 her women with their households' villages, 4 their open memberships with the groups,
    # 5 her groups with their villages.
    with django_assert_num_queries(5):
        copy = client.get(reverse("offline_copy")).json()

    assert copy["women"] == women


def test_the_field_page_lists_her_women_for_the_phones_search(client, facilitator, caseload):
    client.force_login(facilitator)

    body = client.get(reverse("field_home")).content.decode()

    assert all(w.full_name in body for w in caseload["mine"])
    assert caseload["theirs"].full_name not in body
    assert body.count("data-search=") == 3
    assert "data-offline-prepare" in body and 'id="offline-status"' in body
    assert [n for n in (w.nik for w in caseload["mine"]) if n in body] == []


def test_a_page_says_it_varies_with_the_offline_copys_part_header(client, facilitator, caseload):
    client.force_login(facilitator)
    whole = client.get("/lapangan/")
    part = client.get("/lapangan/", HTTP_X_PEKKA_PART="1")
    assert "X-Pekka-Part" in whole["Vary"] and "X-Pekka-Part" in part["Vary"]
    assert len(part.content) < len(whole.content)  # only the page's own parts travel


def _comparable(html: str) -> str:
    """A page with what changes on every render masked: CSRF tokens, form keys and the time a form was made."""
    html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r'\1"…"', html)
    return re.sub(r'(name="(?:client_uuid|form_made_at)"[^>]*value=)"[^"]*"', r'\1"…"', html)


def test_every_page_of_her_copy_put_back_together_from_its_parts_is_the_page_itself(client, facilitator, caseload):
    """What static/js/offline.js does: her day whole, every other page as its own parts between the shared ones."""
    client.force_login(facilitator)
    urls = client.get(reverse("offline_copy")).json()["urls"]
    shell = client.get("/").content.decode().split("<!--~-->")
    assert len(shell) > 1 and len(shell) % 2 == 1
    for url in urls:
        own = client.get(url, HTTP_X_PEKKA_PART="1").content.decode().split("<!--~-->")
        assert len(own) == len(shell), url
        rebuilt = "<!--~-->".join(own[i] if i % 2 else piece for i, piece in enumerate(shell))
        assert _comparable(rebuilt) == _comparable(client.get(url).content.decode()), url
