"""The second factor at login: an authenticator app (TOTP) and ten one-time recovery codes (django-otp)."""

from base64 import b32encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as the base32 text an authenticator app asks for, in groups of four for typing."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def has_second_factor(user: User) -> bool:
    """Whether she has a confirmed authenticator or recovery codes, so a login must ask for one of them."""
    return any(True for _device in devices_for_user(user, confirmed=True))


def start_totp_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator she is setting up: the same one (same secret) until she confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_totp_setup(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the authenticator with a code it shows; any earlier authenticator and recovery codes of hers
    are replaced. Returns the new recovery codes, which are shown once and never again."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
    if not device.verify_token(_digits(token)):
        raise ValidationError(
            _("That code is not right. Check that the phone's clock is correct and type the code shown now."),
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(user=device.user)


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    """Gives her a fresh set of one-time recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def verify_second_factor(*, user: User, token: str) -> Device | None:
    """The device that accepts the code, or None: six digits are asked of her authenticator app, anything else
    of her recovery codes (a recovery code works once). django-otp slows down each device after wrong codes."""
    token = token.replace(" ", "").replace("-", "").lower()
    if not token:
        return None
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(token):
                return device
    return None


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())
