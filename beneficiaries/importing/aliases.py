"""Aliases: what a village office's spellings mean, confirmed once by an admin and applied to every later list.

``load_aliases`` reads them all in one query as the matcher looks them up, ``(field, scope, key) → value``;
``remember_alias`` records one (accepting a suggestion on the preview, or ``import_beneficiaries
--accept-suggestions`` / ``--mapping``). A region's key is ``regions.region_key`` of the typed name (prefixes, case,
punctuation and spelling variants folded), any other field's is ``normalize_search``; so an alias made from
"Kec. Mandiangin Koto Selayang" also settles "MANDIANGIN KOTO SELAYANG".
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pekka.regions.models import Level, Region
from pekka.text import normalize_search

from ..models import BusinessType, Category, Education, ImportAlias, MaritalStatus, Sex

REGION_FIELDS = {
    "province": Level.PROVINCE,
    "regency": Level.REGENCY,
    "district": Level.DISTRICT,
    "village": Level.VILLAGE,
}
CHOICE_FIELDS = {"sex": Sex, "marital_status": MaritalStatus, "education": Education, "category": Category}

Aliases = dict[tuple[str, str, str], str]


def alias_key(field: str, typed: str) -> str:
    """The typed value as the matcher compares it for ``field``."""
    if field in REGION_FIELDS:
        from .regions import region_key

        return region_key(typed or "")
    return normalize_search(typed or "")


def load_aliases() -> Aliases:
    """Every alias, ``(field, scope, key) → value``: one query (there are hundreds, not millions)."""
    return {(f, s, k): v for f, s, k, v in ImportAlias.objects.values_list("field", "scope", "key", "value")}


def check_alias_value(field: str, scope: str, value: str) -> None:
    """The value an alias points at must exist: a region of the right level under ``scope``, an active business
    type, a choice, or an active facilitator."""
    if field in REGION_FIELDS:
        region = Region.objects.filter(code=value, level=REGION_FIELDS[field]).first()
        if region is None or (scope and not value.startswith(f"{scope}.")):
            raise ValidationError(_("“%(value)s” is not a region of that level there.") % {"value": value})
    elif field == "business_type":
        if not BusinessType.objects.filter(code=value, is_active=True).exists():
            raise ValidationError(_("“%(value)s” is not a business type in use.") % {"value": value})
    elif field in CHOICE_FIELDS:
        if value not in CHOICE_FIELDS[field].values:
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": value})
    elif field == "facilitator":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None or not user.is_facilitator:
            raise ValidationError(_("“%(value)s” is not an active facilitator.") % {"value": value})
    else:
        raise ValidationError(_("Values of this column cannot be mapped."))


def _refuse_official_name(field: str, scope: str, typed: str, key: str, value: str) -> None:
    """An official name is never mapped to another region: "Guguak Panjang" typed beside a village of another
    kecamatan is a mistake in that row, and an alias would send every right "Guguak Panjang" to the wrong place."""
    from .regions import region_key

    level = REGION_FIELDS[field]
    if not scope and level > Level.REGENCY:
        return  # every village of the country: the matcher never suggests mapping those without a scope
    regions = Region.objects.filter(level=level).exclude(code=value)
    if scope:
        regions = regions.filter(code__startswith=f"{scope}.")
    for region in regions.only("code", "name", "kind"):
        if region_key(region.name) == key:
            message = _("“%(typed)s” is the official name of %(region)s (%(code)s): correct the rows instead.")
            raise ValidationError(message % {"typed": typed, "region": region.label, "code": region.code})


def remember_alias(*, field: str, scope: str, typed: str, value: str, by=None, batch=None) -> ImportAlias:
    """Records that ``typed`` (under the region ``scope``) means ``value`` from now on, for every list. Accepting
    again what is already recorded changes nothing; a different meaning replaces the old one (the admin's latest
    word counts). Raises ValidationError for a value that does not exist."""
    check_alias_value(field, scope, value)
    key = alias_key(field, typed)
    if not key:
        raise ValidationError(_("An empty value cannot be mapped."))
    if field in REGION_FIELDS:
        _refuse_official_name(field, scope, typed, key, value)
    defaults = {"typed": typed.strip()[:150], "value": value, "created_by": by, "batch": batch}
    try:
        with transaction.atomic():
            alias, created = ImportAlias.objects.get_or_create(field=field, scope=scope, key=key, defaults=defaults)
    except IntegrityError:  # accepted at the same moment in another tab
        alias, created = ImportAlias.objects.get(field=field, scope=scope, key=key), False
    if not created and alias.value != value:
        for name, new in defaults.items():
            setattr(alias, name, new)
        alias.save()
    return alias
