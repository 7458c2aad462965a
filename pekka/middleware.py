"""Response headers the whole site shares."""

from django.conf import settings
from django.utils.cache import patch_vary_headers


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy from settings.PERMISSIONS_POLICY ({"camera": "(self)", "usb": "()", ...}), so a
    page can ask the phone only for what the app uses (the camera and location for a visit) and nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        if response.get("Content-Type", "").startswith("text/html"):
            # A page asked with "X-Pekka-Part: 1" (the phone preparing her offline copy, templates/base.html) is
            # only the page's own parts: no shared cache may hand one for the other.
            patch_vary_headers(response, ["X-Pekka-Part"])
        return response
