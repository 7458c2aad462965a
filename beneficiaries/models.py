"""The registry: households and their members, the women enrolled in programmes, and their businesses.

Every change to a beneficiary, a household (with its members) or a business is kept by django-simple-history
with who and when, and shown on the beneficiary's page.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pekka.permissions import is_admin, programme_ids_visible_to
from pekka.text import normalize_search

from .nik import clean_nik, mask_identifier


def registry_history(*unindexed: str, **options) -> HistoricalRecords:
    """The history of a registry table, lean enough for an import of 100,000 rows (issue 4): the historical copies
    of ``unindexed`` foreign keys get no index (history is read by the record's own id, and by the keys the
    beneficiary page's change log filters on), and who made a change is not checked against the user table at
    commit (a history row must outlive its author anyway). Every index and constraint left out here is one write
    less per imported row."""
    return HistoricalRecords(no_db_index=list(unindexed), user_db_constraint=False, **options)


class Sex(models.TextChoices):
    FEMALE = "P", _("Female")
    MALE = "L", _("Male")


class MaritalStatus(models.TextChoices):
    WIDOWED = "widowed", _("Widowed")
    DIVORCED = "divorced", _("Divorced")
    HUSBAND_AWAY = "husband_away", _("Husband away / migrant worker")
    HUSBAND_UNABLE = "husband_unable", _("Husband unable to work")
    NEVER_MARRIED = "never_married", _("Never married")
    MARRIED = "married", _("Married")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD_INCOMPLETE = "sd_incomplete", _("Primary, not completed")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior high (SMP)")
    SMA = "sma", _("Senior high (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma")
    DEGREE = "degree", _("University degree")


class Category(models.TextChoices):
    PEKKA = "pekka", _("PEKKA")
    KPM = "kpm", _("KPM")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class Activity(models.TextChoices):
    UNDER_SCHOOL_AGE = "under_school_age", _("Not yet of school age")
    IN_SCHOOL = "in_school", _("In school")
    DROPPED_OUT = "dropped_out", _("Left school")
    WORKING = "working", _("Working")
    HOUSEHOLD = "household", _("Household work")
    NOT_WORKING = "not_working", _("Not working")
    UNABLE = "unable", _("Unable to work (age, illness, disability)")


def search_text_of(*, full_name: str, nik: str, kk_number: str, phone: str) -> str:
    """The folded copy of a woman's name, NIK, KK and phone digits that the list's search matches against. Bulk
    writers (the import, the scale generator) call it for rows written without ``Beneficiary.save``."""
    return normalize_search(" ".join([full_name, nik, kk_number, digits_only(phone)]))[:300]


def digits_only(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


class HouseholdQuerySet(models.QuerySet):
    def with_dependant_count(self):
        """Annotates ``dependant_count``: every member but the head."""
        return self.annotate(dependant_count=Count("members", filter=~Q(members__relationship=Relationship.HEAD)))


class Household(models.Model):
    """A family, identified by its family card (KK) number when it is known."""

    kk_number = models.CharField(_("family card number (KK)"), max_length=16, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": 4},
    )
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    address = models.CharField(_("street / hamlet"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = registry_history("village")
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["kk_number"], condition=~Q(kk_number=""), name="unique_kk_when_known")
        ]

    def __str__(self):
        # Masked: this is what admin pickers, history lists and messages show.
        return f"KK {mask_identifier(self.kk_number)}" if self.kk_number else f"{_('Household')} #{self.pk}"

    @property
    def rt_rw(self) -> str:
        return f"RT {self.rt or '-'} / RW {self.rw or '-'}" if self.rt or self.rw else ""


class HouseholdMember(models.Model):
    """Someone living in the household: the head's dependants are every member but the head."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship to the head"), max_length=20, choices=Relationship.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, help_text=_("When the exact date is not known.")
    )
    activity = models.CharField(_("school / work"), max_length=20, choices=Activity.choices, blank=True)

    history = registry_history()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["birth_year", "birth_date", "pk"]

    def __str__(self):
        return self.name

    def age(self, on=None) -> int | None:
        day = on or timezone.localdate()
        if self.birth_date:
            bd = self.birth_date
            return day.year - bd.year - ((day.month, day.day) < (bd.month, bd.day))
        return day.year - self.birth_year if self.birth_year else None


class BeneficiaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see all; managers and coordinators their programmes; facilitators their own caseload."""
        if is_admin(user):
            return self
        if user.is_facilitator:
            return self.filter(facilitator=user)
        return self.filter(pk__in=self.visible_ids(user))

    def visible_ids(self, user):
        """The ids of the women ``user`` may see, as a subquery for other tables' ``beneficiary__in`` (one hop
        shorter than ``visible_to(user)``: no pass through the women's table); None for an admin (all of them)."""
        if is_admin(user):
            return None
        if user.is_facilitator:
            return Beneficiary.objects.filter(facilitator=user).values("pk")
        return Enrolment.objects.filter(programme__in=programme_ids_visible_to(user)).values("beneficiary_id")

    def search(self, query: str, *, partial_identifiers: bool = False):
        """Every word of ``query`` must appear in the name, NIK, KK or phone (case- and accent-insensitive).

        A NIK or KK matches whole only (typed with or without separators), so that a guessed prefix confirms
        nothing, unless ``partial_identifiers`` (for the roles that may see full numbers): then any part of it does.
        A word of digits otherwise matches part of the phone number.
        """
        compact = clean_nik(query.strip())
        if len(compact) == 16 and compact.isdigit():
            return self.filter(Q(nik=compact) | Q(household__kk_number=compact))
        for word in normalize_search(query).split():
            if partial_identifiers or not word.isdigit():
                # A word with letters cannot fall inside the digits of a NIK or KK in search_text.
                self = self.filter(search_text__contains=word)
            else:
                self = self.filter(Q(nik=word) | Q(household__kk_number=word) | Q(phone__contains=word))
        return self


class Beneficiary(models.Model):
    """A woman (or a KPM family's representative) enrolled in one or more programmes."""

    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        help_text=_("16 digits from the KTP or KK. Leave empty if she has none yet."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    marital_status = models.CharField(_("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.PEKKA)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        null=True,
        blank=True,
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        limit_choices_to={"role": "facilitator"},
        db_index=False,  # the index (facilitator, full_name) serves every lookup by facilitator
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # nothing looks women up by who recorded their consent
    )
    nik_warnings_confirmed = models.BooleanField(
        _("NIK mismatch confirmed"),
        default=False,
        help_text=_("Someone checked the KTP and confirmed a NIK that does not match the birth date or sex."),
    )
    # Name, NIK, KK and phone folded to lower-case ASCII words: what the list's search box looks in.
    # Searched with LIKE '%word%', which no b-tree index serves: unindexed, so imports write it for free.
    search_text = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = registry_history("household", "facilitator", "consent_recorded_by", excluded_fields=["search_text"])
    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["nik"], condition=~Q(nik=""), name="unique_nik_when_known")]
        indexes = [
            models.Index(fields=["facilitator", "full_name"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["full_name", "id"]),  # the list's default order (issue 9: 57 ms → 0.3 ms)
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        kk = self.household.kk_number if self.household_id and self.household else ""
        self.search_text = search_text_of(full_name=self.full_name, nik=self.nik, kk_number=kk, phone=self.phone)
        super().save(*args, **kwargs)


class EnrolmentStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    VERIFIED = "verified", _("Verified")
    ACTIVE = "active", _("Active")
    GRADUATED = "graduated", _("Graduated")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class Enrolment(models.Model):
    """A beneficiary's place in a programme: candidate → verified → active → graduated, or dropped out."""

    # Unindexed on their own: the unique (beneficiary, programme) and the index (programme, status) lead with them.
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.CASCADE,
        related_name="enrolments",
        db_index=False,
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        db_index=False,
    )
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.CANDIDATE
    )
    status_changed_on = models.DateField(_("status since"), default=timezone.localdate)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = registry_history("programme")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on"]
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "programme"], name="one_enrolment_per_programme"),
            models.CheckConstraint(
                condition=~Q(status="dropped_out") | ~Q(status_reason=""), name="dropout_needs_reason"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self):
        return f"{self.beneficiary} — {self.programme}"


class BusinessType(models.Model):
    """The managed list of business types (embroidery, snacks, kiosk, …), kept in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["position", "name"]

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" and self.name_en else self.name


class BusinessStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Business(models.Model):
    """A beneficiary's micro-business (usaha). Its status is the latest of its status changes."""

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="businesses"
    )
    business_type = models.ForeignKey(
        BusinessType,
        verbose_name=_("business type"),
        on_delete=models.PROTECT,
        related_name="businesses",
        db_index=False,  # the index (business_type, status) leads with it
    )
    name = models.CharField(_("business name"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    # Kept equal to the latest BusinessStatusChange by beneficiaries.services.change_business_status, so that
    # lists and reports filter on it without a subquery.
    status = models.CharField(
        _("status"), max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.RUNNING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = registry_history("business_type")

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["pk"]
        indexes = [models.Index(fields=["business_type", "status"])]

    def __str__(self):
        return self.name or str(self.business_type)


class BusinessStatusChange(models.Model):
    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=10, choices=BusinessStatus.choices)
    changed_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # nothing looks changes up by who recorded them; one index less per imported business
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("business status change")
        verbose_name_plural = _("business status changes")
        ordering = ["-changed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status="running") | ~Q(reason=""), name="pause_or_stop_needs_reason")
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.changed_on:%d/%m/%Y})"


class PermitKind(models.TextChoices):
    NIB = "nib", _("NIB (business ID, OSS)")
    PIRT = "pirt", _("PIRT (home food permit)")
    HALAL = "halal", _("Halal certificate")
    TRADEMARK = "trademark", _("Trademark (HAKI)")


class Permit(models.Model):
    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="permits")
    kind = models.CharField(_("permit"), max_length=10, choices=PermitKind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    history = registry_history()

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["business", "kind"], name="one_permit_of_a_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()


class Channel(models.TextChoices):
    MARKETPLACE = "marketplace", _("Marketplace shop")
    GOOGLE_MAPS = "google_maps", _("Google Maps listing")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WHATSAPP = "whatsapp", _("WhatsApp catalogue")


class OnlinePresence(models.Model):
    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="online_presences"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("link or account name"), max_length=200, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)

    history = registry_history()

    class Meta:
        verbose_name = _("online presence")
        verbose_name_plural = _("online presence")
        ordering = ["channel"]

    def __str__(self):
        return self.get_channel_display()


class IdentifierAccessQuerySet(models.QuerySet):
    def delete(self):
        """The access log is kept whole: rows are never deleted, one by one or in bulk."""
        raise IdentifierAccessLocked(_("The identifier access log cannot be changed or deleted."))


class IdentifierAccessLocked(Exception):
    """An attempt to change or delete a row of the identifier access log."""


class IdentifierAccess(models.Model):
    """Someone saw or exported full NIK/KK numbers: kept for the privacy audit, and never changed or deleted
    (``save`` only adds, ``delete`` refuses; the admin shows it read-only)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.SET_NULL, null=True, blank=True
    )
    row_count = models.PositiveIntegerField(_("rows"), default=1)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = IdentifierAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("identifier access")
        verbose_name_plural = _("identifier access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IdentifierAccessLocked(_("The identifier access log cannot be changed or deleted."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IdentifierAccessLocked(_("The identifier access log cannot be changed or deleted."))


class IdentifierConflictQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every conflict; managers and coordinators those raised in their programmes; a facilitator
        the ones she raised."""
        if is_admin(user):
            return self
        if user.is_facilitator:
            return self.filter(raised_by=user)
        return self.filter(programme__in=programme_ids_visible_to(user))

    def open(self):
        return self.filter(resolved_at__isnull=True)


class IdentifierConflict(models.Model):
    """A registration refused because its NIK or KK is already on file for someone outside the registrant's scope
    (another caseload or programme): she is told whom to ask, and a coordinator resolves it here."""

    class Kind(models.TextChoices):
        NIK = "nik", _("NIK already registered")
        KK = "kk", _("Family card (KK) of a household outside her scope")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The programme she was being registered in."),
    )
    full_name = models.CharField(_("name entered"), max_length=150)
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("record being edited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    existing_beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("record holding the NIK"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    existing_household = models.ForeignKey(
        Household,
        verbose_name=_("household holding the KK"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("how it was resolved"), max_length=300, blank=True)

    objects = IdentifierConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("identifier conflict")
        verbose_name_plural = _("identifier conflicts")
        ordering = ["-raised_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.full_name}"


class NotDuplicate(models.Model):
    """Two records someone checked and declared different people; duplicate checks stop pairing them."""

    first = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checked pair (not duplicates)")
        verbose_name_plural = _("checked pairs (not duplicates)")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_decision_per_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_in_order"),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Could not be read")


class ImportBatch(models.Model):
    """An uploaded beneficiary list: the file as received, who sent it for which programme, the check's progress
    and report, and what committing it wrote. The report (JSON) holds the counts, every problem and a preview."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="imports"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True, help_text=_("Empty: the first sheet."))
    language = models.CharField(_("language"), max_length=10, default="id")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    update_count = models.PositiveIntegerField(_("updates"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("beneficiary import")
        verbose_name_plural = _("beneficiary imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%d/%m/%Y %H:%M})" if self.uploaded_at else self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING}


class ImportAlias(models.Model):
    """A value as a village office types it, mapped once to what the registry calls it, so the next list from the
    same office maps itself: "Mandiangin Koto Selayang" in Kota Bukittinggi is Kecamatan Mandiangin Koto Selayan
    (13.75.02); "kiosk" is the business type warung; "janda cerai mati" is widowed.

    Recorded when an admin accepts a suggestion on an import's preview (or ``import_beneficiaries
    --accept-suggestions`` / ``--mapping``), kept and corrected in the admin. ``key`` is the typed value folded the
    way the import compares it, and ``scope`` the code of the parent region it was typed under ("" for a name that
    means the same everywhere, and for every field that is not a region), so "Koto Selayang" can mean one village
    under one kecamatan and another elsewhere."""

    class Field(models.TextChoices):
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency/city")
        DISTRICT = "district", _("District (kecamatan)")
        VILLAGE = "village", _("Village (desa/kelurahan)")
        BUSINESS_TYPE = "business_type", _("Business type")
        MARITAL_STATUS = "marital_status", _("Marital status")
        EDUCATION = "education", _("Education")
        CATEGORY = "category", _("Category")
        SEX = "sex", _("Sex")
        FACILITATOR = "facilitator", _("Facilitator")

    field = models.CharField(_("column"), max_length=20, choices=Field.choices)
    scope = models.CharField(
        _("within region"), max_length=13, blank=True, help_text=_("Code of the region the value was typed under.")
    )
    typed = models.CharField(_("value as typed"), max_length=150)
    # Set by aliases.remember_alias and by the admin (aliases.alias_key): the model does not know how values fold.
    key = models.CharField(max_length=150, editable=False)
    value = models.CharField(
        _("means"), max_length=150, help_text=_("A region code, a business type code, a choice or a user name.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("first seen in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aliases",
    )

    class Meta:
        verbose_name = _("import alias")
        verbose_name_plural = _("import aliases")
        ordering = ["field", "typed"]
        constraints = [models.UniqueConstraint(fields=["field", "scope", "key"], name="import_alias_unique_value")]

    def __str__(self):
        return f"{self.get_field_display()}: {self.typed} → {self.value}"
