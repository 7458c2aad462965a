"""Text folding shared by every search: names, NIKs, regions and imported cells are compared in one shape."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_search(text: str) -> str:
    """Lower case, accents and punctuation folded to single spaces: how names are stored and compared for search."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub(" ", folded).strip()
