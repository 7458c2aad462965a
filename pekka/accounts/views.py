from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import LoginForm, SecondFactorForm, TotpSetupForm
from .middleware import SECOND_FACTOR_SESSION_KEY, second_factor_verified
from .services import (
    confirm_totp_setup,
    has_second_factor,
    replace_recovery_codes,
    start_totp_setup,
    totp_secret,
    verify_second_factor,
)


class LoginView(auth_views.LoginView):
    """Username and password; a user who set up a second factor although her role does not require one is asked
    for it next (administrators and managers always are: pekka/accounts/middleware.py)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if not user.must_use_second_factor and has_second_factor(user):
            self.request.session[SECOND_FACTOR_SESSION_KEY] = True
        return response


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer once a username has failed too often from one address: when she may try again."""
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    context = {"until": until, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/lockout.html", context, status=429)


def client_address(request) -> str | None:
    """The address a login attempt came from, for django-axes. Behind the single proxy of docs/deploy.md
    (SECURE_PROXY_SSL_HEADER on) it is the last entry of X-Forwarded-For, the one the proxy appended: earlier
    entries are whatever the client wrote, and would let her spread her guesses over made-up addresses."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.SECURE_PROXY_SSL_HEADER else ""
    if forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_verify(request):
    """After the password: the code from her authenticator app, or a recovery code."""
    if second_factor_verified(request):
        return redirect(_next_url(request))
    user = request.user
    if not has_second_factor(user):
        if user.must_use_second_factor:
            return redirect(_with_next("accounts:second_factor_setup", request))
        request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user=user, token=form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code", _("That code is not right, or it was already used. Type the code the app shows now.")
            )
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)})


def second_factor_setup(request):
    """Adds an authenticator app: she types the secret (or opens the otpauth link on the phone that holds the app),
    confirms with its first code, and is shown her ten recovery codes once."""
    user = request.user
    has_app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_app and not second_factor_verified(request):
        return redirect(_with_next("accounts:second_factor_verify", request))
    if has_app and request.method == "POST" and request.POST.get("action") == "new_codes":
        codes = replace_recovery_codes(user=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    if has_app:
        return render(request, "accounts/second_factor_active.html", {"next": _next_url(request)})
    device = start_totp_setup(user=user)
    form = TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = confirm_totp_setup(device=device, token=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            if not user.must_use_second_factor:
                request.session[SECOND_FACTOR_SESSION_KEY] = True
            messages.success(request, _("Two-step login is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    context = {
        "form": form,
        "secret": totp_secret(device),
        "config_url": device.config_url,
        "next": _next_url(request),
        "required": user.must_use_second_factor,
    }
    return render(request, "accounts/second_factor_setup.html", context)


def _with_next(name: str, request) -> str:
    return reverse(name) + "?" + urlencode({"next": _next_url(request)})
