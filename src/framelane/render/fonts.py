"""Fonts: the bundled families, fonts given by URL, and the system's (fontconfig) fonts.

Lookup order for `font_family` (Decisions): fonts loaded from URLs, the bundled families, the
system's families; an unknown family falls back to the nearest bundled family (sans, serif,
mono, display) with a `font_substituted` warning.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import skia
from skia import textlayout

from framelane.render.errors import FontNotFound

FONT_DIR = Path(__file__).parent / "fonts"
DEFAULT_FAMILY = "Inter"
EMOJI_FAMILY = "Noto Color Emoji"

FALLBACKS = {
    "sans": "Inter",
    "serif": "Liberation Serif",
    "mono": "JetBrains Mono",
    "display": "Bebas Neue",
}
_NAMED = {
    "mono": ("courier", "consol", "menlo", "source code", "fira code", "inconsolata"),
    "serif": (
        "times",
        "georgia",
        "garamond",
        "playfair",
        "merriweather",
        "lora",
        "baskerville",
        "bodoni",
        "caslon",
        "cambria",
        "libre caslon",
        "crimson",
        "pt serif",
        "roboto slab",
    ),
    "display": (
        "bebas",
        "oswald",
        "anton",
        "impact",
        "lobster",
        "bangers",
        "alfa slab",
        "black ops",
        "bungee",
        "abril",
        "righteous",
        "pacifico",
        "poster",
    ),
}
_GENERIC = {
    "mono": ("mono", "code", "typewriter"),
    "serif": ("serif", "slab"),
    "display": ("display",),
}


def family_category(name: str) -> str:
    """The nearest generic category of a family name: known family names first, then generic
    words in the name; sans when nothing hints otherwise."""
    lowered = name.lower()
    for table in (_NAMED, _GENERIC):
        for category, hints in table.items():
            if any(hint in lowered for hint in hints) and not (
                category == "serif" and "sans" in lowered
            ):
                return category
    return "sans"


@dataclass(frozen=True, slots=True)
class FontChoice:
    family: str
    substituted_from: str | None = None


class FontLibrary:
    """One font provider + collection shared by every text element of a render."""

    def __init__(self, *, bundled: bool = True) -> None:
        self.provider = textlayout.TypefaceFontProvider()
        self._families: dict[str, str] = {}
        for path in sorted(FONT_DIR.glob("*.[ot]tf")) if bundled else []:
            self._register_file(path)
        self.bundled = sorted(set(self._families.values()))
        self.collection = textlayout.FontCollection()
        self.collection.setDefaultFontManager(self.provider)

    def _register_file(self, path: Path) -> str | None:
        typeface = skia.Typeface.MakeFromFile(str(path))
        if typeface is None and _is_woff2(path):
            typeface = skia.Typeface.MakeFromData(skia.Data.MakeWithCopy(_decompressed(path)))
        if typeface is None:
            return None
        family = str(typeface.getFamilyName())
        self.provider.registerTypeface(typeface)
        self._families[family.lower()] = family
        return family

    def load_url_font(self, path: Path, url: str) -> str:
        """Register a font file fetched from a URL; its family name is returned."""
        family = self._register_file(path)
        if family is None:
            raise FontNotFound(f"cannot parse font {url}", details={"url": url})
        return family

    def _from_system(self, name: str) -> str | None:
        system = skia.FontMgr()
        typeface = system.matchFamilyStyle(name, skia.FontStyle())
        if typeface is None or str(typeface.getFamilyName()).lower() != name.lower():
            return None
        self.provider.registerTypeface(typeface)
        family = str(typeface.getFamilyName())
        self._families[family.lower()] = family
        return family

    def choose(self, name: str) -> FontChoice:
        known = self._families.get(name.lower()) or self._from_system(name)
        if known is not None:
            return FontChoice(known)
        return FontChoice(FALLBACKS[family_category(name)], substituted_from=name)

    def families(self) -> list[str]:
        return sorted(set(self._families.values()))


@lru_cache(maxsize=1)
def _is_woff2(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"wOF2"


def font_read_errors() -> tuple[type[BaseException], ...]:
    """What fontTools raises on a damaged font file (Brotli's error for WOFF2)."""
    import brotli  # type: ignore[import-untyped]
    from fontTools.ttLib import TTLibError  # type: ignore[import-untyped]

    return (TTLibError, KeyError, struct.error, OSError, ValueError, AssertionError, brotli.error)


def _decompressed(path: Path) -> bytes:
    """A WOFF2 font as the plain OpenType it packs (skia's FreeType reads WOFF, not WOFF2);
    b"" when it cannot be unpacked."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path))
        font.flavor = None
        out = io.BytesIO()
        font.save(out)
    except font_read_errors():
        return b""
    return out.getvalue()


def bundled_families() -> tuple[str, ...]:
    return tuple(FontLibrary().bundled)
