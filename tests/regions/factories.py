import factory

from pekka.regions.models import Kind, Level, Region
from pekka.text import normalize_search

KIND_BY_LEVEL = {1: Kind.PROVINSI, 2: Kind.KOTA, 3: Kind.KECAMATAN, 4: Kind.KELURAHAN}


class RegionFactory(factory.django.DjangoModelFactory):
    """A region; give ``parent`` to build a chain. Paths and search columns are filled like the loader does."""

    class Meta:
        model = Region
        django_get_or_create = ["code"]

    parent = None
    level = factory.LazyAttribute(lambda r: r.parent.level + 1 if r.parent else Level.PROVINCE)
    code = factory.LazyAttributeSequence(
        lambda r, n: f"{r.parent.code}.{(1000 + n) if r.level == 4 else n % 90 + 10}" if r.parent else f"{n % 60 + 11}"
    )
    name = factory.Sequence(lambda n: f"Wilayah {n}")
    kind = factory.LazyAttribute(lambda r: KIND_BY_LEVEL[r.level])
    path = factory.LazyAttribute(lambda r: f"{r.name}, {r.parent.path}" if r.parent else r.name)
    search_name = factory.LazyAttribute(lambda r: normalize_search(r.name))
    search_path = factory.LazyAttribute(lambda r: normalize_search(r.path))


def region_chain(*names_and_codes) -> list[Region]:
    """Builds province → … → village from (code, name) pairs, largest first; returns the rows in that order."""
    regions, parent = [], None
    for level, (code, name) in enumerate(names_and_codes, start=1):
        parent = RegionFactory(code=code, name=name, level=level, parent=parent)
        regions.append(parent)
    return regions


def garegeh() -> Region:
    """Kelurahan Garegeh with its real parents, as the official list has them."""
    *_, village = region_chain(
        ("13", "Sumatera Barat"),
        ("13.75", "Kota Bukittinggi"),
        ("13.75.02", "Mandiangin Koto Selayan"),
        ("13.75.02.1008", "Garegeh"),
    )
    return village
