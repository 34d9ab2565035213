"""Organisations (tenants), their members and invitations, and the base every tenant-owned
model inherits: a non-null tenant key and a default manager that fails closed."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from tenancy.emails import (
    CanonicalEmailField,
    EmailInvalid,
    email_canonical,
    email_refuse_lookalike,
    email_skeleton_key,
)
from tenancy.scoping import current_tenant_id, current_tenant_id_or_none


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    FINANCE = "finance", "Finance"
    VIEWER = "viewer", "Viewer"


# Who may do what; views name one of these sets.
MANAGE_MEMBERS = frozenset({Role.OWNER, Role.ADMIN})
MANAGE_CAMPAIGNS = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER})
VIEW_FINANCE = frozenset({Role.OWNER, Role.ADMIN, Role.FINANCE})
ANY_ROLE = frozenset(Role)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The canonical form (tenancy.emails); raises EmailInvalid."""
        return email_canonical(email or "")

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in: the typed address in canonical form, compared exactly, so `OWNER@acme.test`
        finds `owner@acme.test` and a look-alike finds nobody."""
        try:
            email = email_canonical(username or "")
        except EmailInvalid:
            raise self.model.DoesNotExist from None
        return self.get(email=email)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """A new account. Its address may not look like an existing account's (look-alike
        characters): raises ValidationError."""
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email)
        email_refuse_lookalike(email, field=None)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with email. Staff flags exist for Django's auth but no admin site is exposed."""

    email = CanonicalEmailField(unique=True)
    # The digest of the address's look-alike skeleton (tenancy.emails), kept on every save.
    email_skeleton = models.CharField(max_length=64, db_index=True, editable=False)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Django's default (NFKC) turns a long s (U+017F) into `s`: the canonical form decides."""
        try:
            return email_canonical(username)
        except EmailInvalid:
            return username

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.email = email_canonical(self.email)
            self.email_skeleton = email_skeleton_key(self.email)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_skeleton"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Organization(models.Model):
    """A tenant: one brand or agency. Not itself row-secured: it is how a tenant is found."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """Default manager of tenant-owned models: raises without a tenant in scope."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(organization_id=current_tenant_id())

    def none(self) -> models.QuerySet:
        """An empty queryset reads nothing, so it needs no tenant (schema generators and
        form declarations build them at import time)."""
        return super().get_queryset().none()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list:
        """Like save(): rows get the tenant in scope, and rows of another tenant are refused."""
        tenant_id = current_tenant_id()
        objs = list(objs)
        for obj in objs:
            if obj.organization_id is None:
                obj.organization_id = tenant_id
            elif obj.organization_id != tenant_id:
                raise ValueError("Refusing to create rows of another tenant than the one in scope.")
        return super().bulk_create(objs, *args, **kwargs)


def tenant_column(**options: Any) -> models.ForeignKey:
    """A tenant-owned model's `organization` (the column row-level security checks). A model
    that needs it otherwise (no index of its own, no database constraint) overrides the field
    with this and says why."""
    return models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False, **options
    )


class TenantModel(models.Model):
    """Base of every tenant-owned model. Its table must also get row-level security in its
    migration (tenancy.rls.EnableRowLevelSecurity); tests/tenancy/test_rls.py checks both."""

    organization = tenant_column()

    objects = TenantManager()
    # The greppable escape: schedulers, the redirect route lookup and operator commands only.
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organization_id is None:
            self.organization_id = current_tenant_id()
        elif current_tenant_id_or_none() not in (None, self.organization_id):
            raise ValueError("Refusing to save a row of another tenant than the one in scope.")
        super().save(*args, **kwargs)


class Membership(TenantModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Invitation(TenantModel):
    email = CanonicalEmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organization_id} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
