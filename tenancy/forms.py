from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from tenancy.client_ip import client_ip
from tenancy.emails import EmailFormField
from tenancy.models import Role, User
from tenancy.throttling import password_reset_allowed


class EmailAuthenticationForm(AuthenticationForm):
    """The typed address is cleaned to its canonical form before authenticate(), so both the
    account lookup and django-axes' failure count (per username) see one address, however it
    was typed."""

    username = EmailFormField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the address in canonical form and compared exactly (Django's
    looks accounts up with `email__iexact`), and sending nothing once the address or the client
    asked too often (tenancy.throttling). The view shows the same "check your mail" page
    either way."""

    email = EmailFormField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email: str) -> Iterator[User]:
        for user in User.objects.filter(email=email, is_active=True):
            if user.has_usable_password():
                yield user

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")
        address = client_ip(request) if request is not None else ""
        if password_reset_allowed(email=self.cleaned_data["email"], client_address=address):
            super().save(*args, **kwargs)


class InvitationForm(forms.Form):
    email = EmailFormField(label="Email")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MANAGER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class SignupForm(forms.Form):
    """A new user accepting an invitation: email is the invitation's."""

    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignupStartForm(forms.Form):
    email = EmailFormField(
        label="Work email",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SignupCompleteForm(SignupForm):
    """The organisation and its first owner (the address is the verified link's)."""

    organization_name = forms.CharField(
        label="Organisation name",
        max_length=120,
        help_text="Your brand or company, as your team knows it.",
    )
    slug = forms.SlugField(
        label="Address",
        max_length=50,
        required=False,
        help_text="Your pages live at /o/<address>/. Leave it empty to use the name.",
    )
    field_order = ["organization_name", "slug", "name", "password1", "password2"]
