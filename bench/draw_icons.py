"""Draws the installable app's icons (static/img/icons/) with a small PNG writer of our own: no Pillow, no tool.

    .venv/bin/python bench/draw_icons.py          # writes icon-192.png, icon-512.png and their maskable twins

The design is the logo's (static/img/logo.svg, repeated in static/img/icons/icon.svg): a woman drawn as a warm
head over white shoulders on the navbar's teal. The plain icons are a rounded square; the maskable ones fill the
square and keep the figure inside the central safe zone (a circle of 40% of the size), as Android crops them.
The generated PNGs are committed; run this again only when the design changes.
"""

import math
import struct
import sys
import zlib
from pathlib import Path

TEAL = (0x0F, 0x5F, 0x5C)
ACCENT = (0xF4, 0xB9, 0x42)
WHITE = (0xFF, 0xFF, 0xFF)
ICONS = Path(__file__).resolve().parent.parent / "static" / "img" / "icons"


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG of ``rows`` (each ``width`` × 4 bytes), unfiltered, deflated."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def cubic(p0, p1, p2, p3, steps=24):
    """Points along a cubic Bézier curve."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return points


# The shoulders of the logo's path "M16 50 c0-10 7-18 16-18 s16 8 16 18", in the 64-unit design square.
SHOULDERS = cubic((16, 50), (16, 40), (23, 32), (32, 32)) + cubic((32, 32), (41, 32), (48, 40), (48, 50))[1:]
SEGMENTS = list(zip(SHOULDERS, SHOULDERS[1:], strict=False))


def segment_distance(x, y, a, b) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - ax - t * dx, y - ay - t * dy)


def coverage(distance: float, pixel: float) -> float:
    """How much of a pixel a shape covers, from the signed distance to its edge (negative inside)."""
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def rounded_square_distance(x, y, radius) -> float:
    qx, qy = abs(x - 32) - (32 - radius), abs(y - 32) - (32 - radius)
    return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - radius


def draw(size: int, *, maskable: bool) -> bytes:
    """The icon at ``size`` pixels: plain (rounded corners, transparent outside) or maskable (full bleed)."""
    unit = 64 / size  # design units per pixel
    scale = 0.72 if maskable else 1.0  # the figure inside the maskable safe zone
    rows = []
    for j in range(size):
        row = bytearray()
        for i in range(size):
            x, y = (i + 0.5) * unit, (j + 0.5) * unit
            alpha = 1.0 if maskable else coverage(rounded_square_distance(x, y, 14), unit)
            colour = TEAL
            # The figure in its own coordinates (scaled about the centre for the maskable icon).
            fx, fy, fpixel = 32 + (x - 32) / scale, 32 + (y - 32) / scale, unit / scale
            layers = []
            if 13 <= fx <= 51 and 29 <= fy <= 53:
                d = min(segment_distance(fx, fy, a, b) for a, b in SEGMENTS) - 2.5
                layers.append((WHITE, coverage(d, fpixel)))
            if 17 <= fx <= 47 and 46 <= fy <= 54:
                d = segment_distance(fx, fy, (22, 50), (42, 50)) - 2
                layers.append((ACCENT, coverage(d, fpixel)))
            layers.append((ACCENT, coverage(math.hypot(fx - 32, fy - 20) - 8, fpixel)))
            for paint, amount in layers:
                if amount:
                    colour = tuple(round(c * (1 - amount) + p * amount) for c, p in zip(colour, paint, strict=True))
            row += bytes((*colour, round(alpha * 255)))
        rows.append(bytes(row))
    return png(size, size, rows)


def main() -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        for maskable in (False, True):
            name = f"icon-{'maskable-' if maskable else ''}{size}.png"
            (ICONS / name).write_bytes(draw(size, maskable=maskable))
            print(f"wrote {ICONS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
