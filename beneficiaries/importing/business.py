"""Reading the business cell of an imported row (``jenis_usaha``), as typed by hand: "Sulaman / bordir", "kiosk +
herbal", "Tampir(Anyaman Bambu) dan ternak Kambing". No database: the business types are given.

What the office typed is never lost and never rejects the row: it becomes the business's description, and the type
is the one the text names with confidence. The rules:

- The whole cell first: an alias a person confirmed earlier wins, then a type's code, name, a part of its name
  between slashes ("bordir" of "Sulaman / bordir") or its English name.
- Otherwise the cell is cut at "+", "&", ",", ";", "/", "dan", "and" and "serta" (never inside brackets), and each
  piece is read on its own: its alias, its exact name, then the words and phrases inside it (``_WORDS``), then, for a
  typo, the closest word (rapidfuzz ratio of at least ``TYPO_MIN``). Product words ("kue", "kambing", "bordir")
  count for more than selling words ("toko", "jualan", "kios"): "Toko aksesoris" is accessories, "toko" alone a
  kiosk. A piece naming two types at once ("jahit atau bordir") is not clear.
- Each clear type is one business; pieces of the same type are one business ("Sulaman / bordir", "kue, keripik").
  Each business's description is its own stretch of the cell, verbatim, from its first piece to its last
  ("anyaman" and "kambing" of "anyaman + kambing"); a single business's description is the whole cell.
- A piece that is not clear is kept in the description of the business before it (or after it, when first), with a
  warning that names it and the closest types: "kiosk + herbal" is one kiosk described "kiosk + herbal". Most such
  cells are one business selling several things ("Warung kelontong dan obat herbal"), so a second business of type
  Other would be a guess. Once a person confirms an alias for the piece, the cell reads as two businesses.
- Nothing clear at all: one business of type Other (``lainnya``) described by the whole cell, with a warning and the
  closest types.

Decisions on words that could go either way: jamu (herbal drinks made at home) is food; "herbal" and "obat" alone
are not clear (suggested: food), since a kiosk selling herbal medicine is not a food business; fish farming (lele,
kolam ikan, tambak) is livestock, cooked fish (ikan asin, abon ikan) is food, "ikan" alone is not clear; a food
stall (warung makan, warung nasi) is food, not a daily-needs kiosk; refilled water and gas are a kiosk's; massage
and reflexology (pijat, urut, refleksi), salons, laundry and ojek are services, but a tailoring service (jasa jahit)
is sewing; decorations, beads, knitted goods and crafts in general (kerajinan) are accessories and souvenirs, while
bamboo crafts, rattan, pandan and loom weaving (tenun) are weaving; produce (ubi, pisang, sayur) is not clear
(suggested: food, kiosk); farm labour (buruh tani) is Other.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from pekka.text import normalize_search

from ..models import BusinessType

# A typed word at least this close (rapidfuzz ratio, 0–100) to a known one is read as it: "sulamn" is sulaman.
TYPO_MIN = 85
# Types with a word or phrase at least this close (rapidfuzz ratio) to a piece not understood are suggested.
SUGGESTION_MIN = 75
# Words shorter than this are never read as a typo of another word ("kue" is not "kue" misspelt).
TYPO_LENGTH = 5
OTHER_CODE = "lainnya"

# The words and phrases people write for each type of the starting list, as folded by pekka.text.normalize_search,
# comma-separated. Product and trade words: they name the type.
_WORDS: dict[str, str] = {
    "sulaman": (
        "sulaman, sulam, menyulam, sulam pita, bordir, bordiran, border, membordir, embroidery, embroider, "
        "embroidered, kristik, cross stitch, renda"
    ),
    "menjahit": (
        "menjahit, jahit, jahitan, penjahit, tukang jahit, jasa jahit, jasa menjahit, jahit baju, konveksi, permak, "
        "sewing, sew, tailor, tailoring, seamstress, dressmaker, garment"
    ),
    "aksesoris": (
        "aksesoris, aksesori, asesoris, aksesories, accessories, accessory, souvenir, souvenirs, suvenir, "
        "cenderamata, cinderamata, manik, manik manik, beads, bros, gelang, kalung, perhiasan, jewelry, jewellery, "
        "hiasan, dekorasi, decoration, decorations, rajut, rajutan, tas rajut, knitting, crochet, kerajinan tangan, "
        "gantungan kunci"
    ),
    "makanan": (
        "makanan, makanan ringan, makanan matang, olahan pangan, olahan, pangan, kue, kue basah, kue kering, cake, "
        "cakes, roti, bakery, keripik, kripik, kerupuk, krupuk, rempeyek, peyek, gorengan, pisang goreng, snack, "
        "snacks, jajanan, jajan, camilan, cemilan, food, cooked food, masakan, masakan matang, masak, memasak, "
        "catering, katering, emping, emping melinjo, melinjo, sambal, abon, abon ikan, dodol, rendang, lontong, "
        "nasi uduk, nasi kuning, warung makan, warung nasi, rumah makan, bakso, mie ayam, mi ayam, ayam goreng, "
        "ayam bakar, ayam geprek, martabak, pecel, soto, tempe, telur asin, ikan asin, ikan asap, minuman, drinks, "
        "beverages, es krim, es teh, jamu, jamu gendong"
    ),
    "warung": (
        "kelontong, toko kelontong, warung kelontong, sembako, warung sembako, toko sembako, jualan harian, "
        "kebutuhan sehari hari, daily needs, grocery, groceries, lapau, pulsa, minimarket, gas, elpiji, lpg, galon, "
        "air galon, air minum, air isi ulang, isi ulang"
    ),
    "ternak": (
        "ternak, peternakan, peternak, beternak, ternak kambing, ternak ayam, livestock, kambing, domba, sapi, "
        "kerbau, ayam, ayam kampung, ayam petelur, ayam potong, bebek, itik, entok, puyuh, burung puyuh, kelinci, "
        "goat, goats, sheep, cattle, cow, cows, chicken, chickens, duck, ducks, poultry, unggas, lele, ikan lele, "
        "ikan nila, budidaya ikan, kolam ikan, tambak, fish farming"
    ),
    "anyaman": (
        "anyaman, anyam, menganyam, kerajinan anyaman, tampir, tampah, tumbu, bakul, bambu, kerajinan bambu, "
        "bamboo, bamboo craft, bamboo crafts, rotan, kerajinan rotan, rattan, pandan, tikar, purun, besek, "
        "keranjang, basket, baskets, weaving, woven, weave, tenun, tenunan"
    ),
    "jasa": (
        "jasa laundry, salon, laundry, londri, cuci baju, cuci setrika, cuci motor, cuci mobil, ojek, ojek online, "
        "pijat, pijit, urut, massage, reflexology, refleksi, rias, tata rias, make up, makeup, potong rambut, "
        "cukur, barber, bengkel, tambal ban, servis, penitipan anak, daycare"
    ),
    "lainnya": "lainnya, lain lain, lain, other, others",
}
# Selling and general words: they name a type only when nothing in the piece names another ("toko" is a kiosk,
# "toko aksesoris" is accessories, "jasa jahit" is sewing), even where they are a type's own code or name.
_WEAK: dict[str, str] = {
    "warung": (
        "warung, kios, kiosk, toko, shop, store, jualan, berjualan, jual, menjual, dagang, berdagang, pedagang, "
        "dagangan"
    ),
    "jasa": "jasa, service, services, servicing",
    "aksesoris": "kerajinan, craft, crafts, handicraft, handicrafts",
}
# Words that hint at a type without naming it: never read as it, only suggested.
_HINTS: dict[str, tuple[str, ...]] = {
    "herbal": ("makanan",),
    "obat": ("makanan",),
    "ikan": ("ternak", "makanan"),
    "fish": ("ternak", "makanan"),
    **dict.fromkeys(
        ["ubi", "singkong", "pisang", "sayur", "sayuran", "buah", "vegetables", "fruit"], ("makanan", "warung")
    ),
}


def _phrases(entries: str) -> list[str]:
    """The folded words and phrases of a ``_WORDS`` entry."""
    return [phrase for part in entries.split(",") if (phrase := normalize_search(part))]


# Words that say nothing about the type: never read as a typo of one.
_STOP = set(
    _phrases(
        "usaha, utama, keliling, rumahan, rumah, kecil, sendiri, sampingan, pokok, tambahan, milik, dll, dan, and, "
        "the, of, di, ke, yang, untuk, dengan, jenis, bidang, online, sudah, belum, tidak, lagi, masih, berhenti"
    )
)

_SEPARATOR = re.compile(r"\s*(?:[+&,;/|]|\b(?:dan|and|serta)\b)\s*", re.IGNORECASE)


def split_pieces(text: str) -> list[tuple[int, int]]:
    """Where the pieces of a cell are, as (start, end) of ``text``: cut at "+", "&", ",", ";", "/", "|", "dan",
    "and" and "serta", never inside brackets; empty pieces left out."""
    spans, start = [], 0
    for match in _SEPARATOR.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if normalize_search(text[a:b])]


@dataclass(frozen=True, slots=True)
class BusinessDoubt:
    """Part of a business cell that was not read with confidence: the text it is about, what was done with it, and
    the closest types as (code, label), best first (offered by the preview, so not repeated in the message)."""

    value: str
    message: str
    suggestions: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class BusinessReading:
    """What a business cell says: one (business type id, description) per business, and the doubts to warn of."""

    parts: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[BusinessDoubt] = field(default_factory=list)


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    type_id: int | None
    suggestions: list[int]  # type ids, best first, when not clear


class BusinessReader:
    """Reads business cells against one list of business types and the aliases confirmed so far; made once for a
    file, as it folds every name and synonym of every type."""

    def __init__(self, types: list[BusinessType], aliases: dict[tuple[str, str, str], str] | None = None):
        self.types = {t.pk: t for t in types}
        by_code = {t.code: t.pk for t in types}
        self.other = by_code.get(OTHER_CODE)
        names: dict[str, set[int]] = {}
        for business_type in types:
            keys = {business_type.code, business_type.name, business_type.name_en}
            keys |= set(business_type.name.split("/")) | set(business_type.name_en.split("/"))
            for key in keys:
                if key := normalize_search(key):
                    names.setdefault(key, set()).add(business_type.pk)
        if self.other is None:
            self.other = next((pk for key, pks in names.items() if key in ("lainnya", "other") for pk in pks), None)
        strong: dict[str, set[int]] = {key: set(pks) for key, pks in names.items()}
        for code, entries in _WORDS.items():
            if code in by_code:
                for phrase in _phrases(entries):
                    strong.setdefault(phrase, set()).add(by_code[code])
        weak: dict[str, set[int]] = {}
        for code, entries in _WEAK.items():
            if code in by_code:
                for phrase in _phrases(entries):
                    weak.setdefault(phrase, set()).add(by_code[code])
                    if phrase in strong:
                        strong[phrase].discard(by_code[code])
        strong = {key: pks for key, pks in strong.items() if pks}
        # The words of an added type's names ("perikanan" of "Budidaya perikanan") name it too, weakly.
        for business_type in types:
            for word in normalize_search(f"{business_type.name} {business_type.name_en}").split():
                if len(word) >= 4 and word not in _STOP and word not in strong:
                    weak.setdefault(word, set()).add(business_type.pk)
        self.names = names
        self.strong = strong
        self.weak = weak
        self.hints = {word: [by_code[c] for c in codes if c in by_code] for word, codes in _HINTS.items()}
        self.longest = max((len(p.split()) for p in (*strong, *weak)), default=1)
        self.typo_words = sorted(k for k in strong if " " not in k and len(k) >= TYPO_LENGTH - 1)
        self.all_keys = sorted(k for k in (*strong, *weak) if len(k) >= 3)
        self.aliases: dict[str, int] = {}
        for (alias_field, scope, key), code in (aliases or {}).items():
            if alias_field == "business_type" and not scope and code in by_code:
                self.aliases[normalize_search(key)] = by_code[code]

    def read(self, text: str) -> BusinessReading:
        """The businesses a cell describes (see the module's docstring); none only for an empty cell, or when the
        text is not clear and there is no type Other to fall back on."""
        text = " ".join(str(text).split())
        reading = BusinessReading()
        if not text:
            return reading
        whole = normalize_search(text)
        found = self.aliases.get(whole) or self._exact(whole)
        if found is not None:
            reading.parts.append((found, text))
            return reading
        pieces = [self._piece(text, start, end) for start, end in split_pieces(text)]
        clear = [p for p in pieces if p.type_id is not None]
        if not clear:
            suggestions = [pk for p in pieces for pk in p.suggestions] or self._suggest(whole)
            if self.other is not None:
                reading.parts.append((self.other, text))
            reading.warnings.append(self._doubt(text, text, suggestions, kept_in=None))
            return reading
        # Each piece not clear joins the business before it, or the first one when it comes first.
        owner: list[int] = []
        for piece in pieces:
            owner.append(piece.type_id if piece.type_id is not None else (owner[-1] if owner else clear[0].type_id))
        order = list(dict.fromkeys(owner))
        for type_id in order:
            mine = [p for p, o in zip(pieces, owner, strict=True) if o == type_id]
            start, end = min(p.start for p in mine), max(p.end for p in mine)
            reading.parts.append((type_id, text if len(order) == 1 else text[start:end].strip()))
        descriptions = dict(reading.parts)
        for piece, type_id in zip(pieces, owner, strict=True):
            if piece.type_id is None:
                value = text[piece.start : piece.end].strip()
                reading.warnings.append(self._doubt(value, descriptions[type_id], piece.suggestions, kept_in=type_id))
        return reading

    def _exact(self, key: str) -> int | None:
        found = self.names.get(key) or self.strong.get(key) or self.weak.get(key) or set()
        return next(iter(found)) if len(found) == 1 else None

    def _piece(self, text: str, start: int, end: int) -> _Piece:
        key = normalize_search(text[start:end])
        found = self.aliases.get(key) or self._exact(key)
        if found is not None:
            return _Piece(start, end, found, [])
        strong, weak, hinted, leftover = self._scan(key.split())
        if len(strong) == 1:
            return _Piece(start, end, next(iter(strong)), [])
        if strong:
            return _Piece(start, end, None, sorted(strong, key=self._position))
        typos: dict[int, float] = {}
        for word in leftover:
            if len(word) < TYPO_LENGTH or word in _STOP:
                continue
            for match, score, _index in process.extract(
                word, self.typo_words, scorer=fuzz.ratio, score_cutoff=TYPO_MIN, limit=5
            ):
                for pk in self.strong[match]:
                    typos[pk] = max(typos.get(pk, 0), score)
        if typos:
            best = max(typos.values())
            top = [pk for pk, score in typos.items() if score == best]
            if len(top) == 1:
                return _Piece(start, end, top[0], [])
        if len(weak) == 1:
            return _Piece(start, end, next(iter(weak)), [])
        suggestions = [*sorted(typos, key=lambda pk: -typos[pk]), *hinted, *sorted(weak, key=self._position)]
        return _Piece(start, end, None, suggestions or self._suggest(key))

    def _scan(self, words: list[str]) -> tuple[set[int], set[int], list[int], list[str]]:
        """The types the phrases of a piece name, longest phrases first: (strongly, weakly, hinted, words left)."""
        strong, weak, hinted, leftover = set(), set(), [], []
        position = 0
        while position < len(words):
            for size in range(min(self.longest, len(words) - position), 0, -1):
                phrase = " ".join(words[position : position + size])
                if phrase in self.strong or phrase in self.weak:
                    strong |= self.strong.get(phrase, set())
                    weak |= self.weak.get(phrase, set())
                    position += size
                    break
            else:
                word = words[position]
                singular = word[:-1] if word.endswith("s") and len(word) > 3 else ""
                if singular and singular in self.strong:
                    strong |= self.strong[singular]
                elif singular and singular in self.weak:
                    weak |= self.weak[singular]
                else:
                    hinted.extend(self.hints.get(word, ()))
                    leftover.append(word)
                position += 1
        return strong, weak, hinted, leftover

    def _suggest(self, key: str) -> list[int]:
        """Types whose words or phrases come close to a text not understood (each word, and the text as a whole, by
        rapidfuzz ratio of at least ``SUGGESTION_MIN``), best first."""
        scores: dict[int, float] = {}
        words = [w for w in key.split() if len(w) >= 4 and w not in _STOP]
        for text in {*words, key} if key else ():
            for match, score, _index in process.extract(
                text, self.all_keys, scorer=fuzz.ratio, score_cutoff=SUGGESTION_MIN, limit=10
            ):
                for pk in self.strong.get(match, set()) | self.weak.get(match, set()):
                    scores[pk] = max(scores.get(pk, 0), score)
        return sorted(scores, key=lambda pk: (-scores[pk], self._position(pk)))

    def _position(self, pk: int) -> tuple[int, str]:
        business_type = self.types[pk]
        return business_type.position or 0, business_type.code

    def _doubt(self, value: str, description: str, suggestions: list[int], *, kept_in: int | None) -> BusinessDoubt:
        best = tuple(
            (self.types[pk].code, str(self.types[pk]))
            for pk in dict.fromkeys(suggestions)
            if pk != self.other and pk != kept_in
        )[:3]
        if kept_in is not None:
            message = _(
                "is not a business type that was recognised: it was kept in the description “%(description)s” of "
                "the business of type %(type)s."
            ) % {"description": description, "type": self.types[kept_in]}
        elif self.other is not None:
            message = _(
                "is not a business type that was recognised: the text was kept as the business's description and "
                "its type set to %(other)s."
            ) % {"other": self.types[self.other]}
        else:
            message = _("is not a business type. Use one of: %(names)s.") % {
                "names": ", ".join(t.code for t in self.types.values())
            }
        return BusinessDoubt(value, message, best)


def read_business(
    text: str, types: list[BusinessType], aliases: dict[tuple[str, str, str], str] | None = None
) -> BusinessReading:
    """The businesses one cell describes, read against ``types`` (see the module's docstring). For many cells, make
    one ``BusinessReader`` and call its ``read``."""
    return BusinessReader(types, aliases).read(text)
