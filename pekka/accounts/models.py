from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the system; visibility and rights follow from it (pekka/permissions.py)."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Programme manager")
    COORDINATOR = "coordinator", _("Coordinator")
    FACILITATOR = "facilitator", _("Facilitator")


class UserQuerySet(models.QuerySet):
    def facilitators(self):
        """Active users who carry a caseload."""
        return self.filter(role=Role.FACILITATOR, is_active=True)


class PekkaUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A staff member. Beneficiaries are not users: they are records in the registry."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FACILITATOR)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = PekkaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR

    @property
    def must_use_second_factor(self) -> bool:
        """Administrators and managers see every programme they run: their login needs a second factor."""
        return self.role in {Role.ADMIN, Role.MANAGER}

    def save(self, *args, **kwargs):
        # The role is the one source of truth: administrators (and only they) get into the Django admin with
        # every permission; changing someone's role away from admin takes those rights away.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)
