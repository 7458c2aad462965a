"""The one place that makes the second factor required: after the password, administrators and managers (and
anyone who chose to set it up) reach nothing but the setup and code pages until the session is verified."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

# Set at login when she has a second factor although her role does not require one (pekka/accounts/views.py).
SECOND_FACTOR_SESSION_KEY = "pekka_second_factor"

# What an unverified user may still reach: the login steps themselves, leaving, the language and the health check.
OPEN_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:second_factor_setup",
    "accounts:second_factor_verify",
    "admin:logout",
    "set_language",
    "healthz",
}


def second_factor_verified(request) -> bool:
    """Whether this session has passed the second factor. django-otp's verify step (django_otp.login) keeps the
    device's id in the session; the session is server-side, so reading it costs no query (django-otp's own
    OTPMiddleware re-reads the device row on every request). Removing her devices therefore takes effect at her
    next login; to cut a session off at once, deactivate the account."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def second_factor_needed(request) -> bool:
    """Administrators and managers always need a second factor; other roles when they set one up."""
    user = request.user
    return user.must_use_second_factor or bool(request.session.get(SECOND_FACTOR_SESSION_KEY))


class SecondFactorRequiredMiddleware:
    """Sends a signed-in user who still owes her second factor to the code page (or, for an administrator or
    manager without an authenticator yet, to its setup), the Django admin included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if second_factor_verified(request) or not second_factor_needed(request):
            return None
        url = reverse("accounts:second_factor_verify") + "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
