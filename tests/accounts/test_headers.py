"""Security headers: a Content-Security-Policy with nothing inline, and a Permissions-Policy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert "unsafe" not in policy


def test_permissions_policy_allows_only_camera_and_location_of_our_own(client):
    header = client.get(reverse("accounts:login"))["Permissions-Policy"]
    assert "camera=(self)" in header
    assert "geolocation=(self)" in header
    assert "microphone=()" in header
    assert "payment=()" in header


def test_no_template_has_inline_script_handlers_or_style_attributes():
    templates = Path(settings.BASE_DIR, "templates")
    offenders = []
    for path in templates.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\son[a-z]+=\"", text) or re.search(r"\sstyle=\"", text):
            offenders.append(path.name)
        for script in re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", text):
            if "application/json" not in script:
                offenders.append(path.name)
    assert offenders == []
