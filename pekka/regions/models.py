from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from pekka.text import normalize_search


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DISTRIK = "distrik", _("District (distrik)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")
    DESA_ADAT = "desa_adat", _("Customary village (desa adat)")


class RegionQuerySet(models.QuerySet):
    def search(self, query: str, *, level: int | None = None, within: str | None = None):
        """Regions whose name and parents contain every word of ``query`` ("garegeh", "garegeh bukittinggi").

        Best first: exact name, then name starting with the query, then larger regions, then alphabetical.
        """
        words = normalize_search(query).split()
        if not words:
            return self.none()
        qs = self
        for word in words:
            qs = qs.filter(search_path__contains=word)
        if level:
            qs = qs.filter(level=level)
        if within:
            qs = qs.filter(code__startswith=f"{within}.")
        phrase = " ".join(words)
        rank = Case(
            When(search_name=phrase, then=Value(0)),
            When(search_name__startswith=phrase, then=Value(1)),
            When(search_name__contains=phrase, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return qs.annotate(rank=rank).order_by("rank", "level", "name", "code")


class Region(models.Model):
    """One unit of the Kemendagri hierarchy: provinsi → kabupaten/kota → kecamatan → desa/kelurahan.

    The official dotted code is the key ("13.75.02.1008" is Kelurahan Garegeh), so loading the list again
    updates rows in place and every reference stays valid.
    """

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    # "Garegeh, Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat": shown in pickers and lists
    # without walking up the tree.
    path = models.CharField(_("full name"), max_length=400)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    search_path = models.CharField(max_length=400, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.path

    @property
    def label(self) -> str:
        """The name with its type, as Indonesians write it: "Kel. Garegeh", "Kec. Susukan", "Kota Bukittinggi"."""
        prefix = {
            Kind.PROVINSI: "Prov.",
            Kind.KECAMATAN: "Kec.",
            Kind.DISTRIK: "Distrik",
            Kind.KELURAHAN: "Kel.",
            Kind.DESA: "Desa",
            Kind.DESA_ADAT: "Desa Adat",
        }.get(self.kind, "")
        return f"{prefix} {self.name}".strip()

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and its parents, largest first: ["13", "13.75", "13.75.02", "13.75.02.1008"]."""
        parts = self.code.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]
