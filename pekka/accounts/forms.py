from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Username and password, with phone-friendly inputs (no auto-capitalised usernames)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "placeholder": _("e.g. pendamping1")}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class SecondFactorForm(forms.Form):
    """The six digits her authenticator app shows now, or one of her recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "autocorrect": "off",
                "autofocus": True,
                "inputmode": "text",
            }
        ),
    )


class TotpSetupForm(forms.Form):
    """The first code the newly added authenticator app shows, proving it holds the secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )
