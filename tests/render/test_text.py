"""Text: the requested font is used (checked against a reference raster), fallbacks, stroke,
background box, emoji, caption word styles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import skia

from framelane.render.errors import FontNotFound
from framelane.render.fonts import FONT_DIR, FontLibrary, family_category
from tests.render.conftest import H, W, canvas, frame_rgba, timeline_of

SIZE = 40


def text(value: str = "Hg", **fields: Any) -> dict[str, Any]:
    return {"type": "text", "id": "t", "text": value, "duration": 1, "font_size": SIZE, **fields}


def ink(gray: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(gray > 60)
    return gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(float)


def reference(font_file: str, value: str = "Hg") -> np.ndarray:
    surface = skia.Surface(W, H)
    c = surface.getCanvas()
    c.clear(skia.ColorBLACK)
    font = skia.Font(skia.Typeface.MakeFromFile(str(FONT_DIR / font_file)), SIZE)
    font.setSubpixel(True)
    c.drawString(value, 10, 60, font, skia.Paint(AntiAlias=True, Color=skia.ColorWHITE))
    return surface.toarray()[..., 0]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two ink crops, slightly blurred, at the best ±1 px shift
    (sub-pixel glyph placement differs between a paragraph and drawString); inf when the
    ink boxes differ in size by more than 1 px."""
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return float("inf")
    h, w = max(a.shape[0], b.shape[0]) + 2, max(a.shape[1], b.shape[1]) + 2
    pa, pb = np.zeros((h, w)), np.zeros((h, w))
    pa[1 : 1 + a.shape[0], 1 : 1 + a.shape[1]] = a
    pb[1 : 1 + b.shape[0], 1 : 1 + b.shape[1]] = b
    pa, pb = cv2.GaussianBlur(pa, (0, 0), 1.0), cv2.GaussianBlur(pb, (0, 0), 1.0)
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    return min(float(np.abs(np.roll(pa, s, axis=(0, 1)) - pb).mean()) for s in shifts)


class TestFonts:
    def test_text_renders_in_the_requested_font(self, tmp_path: Path) -> None:
        got = ink(frame_rgba(canvas([text(font_family="Inter")]), tmp_path)[..., 0])
        assert similarity(got, ink(reference("Inter-Regular.otf"))) < 8
        assert similarity(got, ink(reference("LiberationSerif-Regular.ttf"))) > 25
        assert similarity(got, ink(reference("Inter-Bold.otf"))) > 12

    def test_serif_and_mono_families_differ_from_the_default(self, tmp_path: Path) -> None:
        serif = ink(frame_rgba(canvas([text(font_family="Liberation Serif")]), tmp_path)[..., 0])
        mono = ink(frame_rgba(canvas([text(font_family="JetBrains Mono")]), tmp_path)[..., 0])
        assert similarity(serif, ink(reference("LiberationSerif-Regular.ttf"))) < 16
        assert similarity(mono, ink(reference("JetBrainsMono-Regular.ttf"))) < 16

    def test_unknown_family_falls_back_by_category_with_a_warning(self, tmp_path: Path) -> None:
        timeline, _ = timeline_of(canvas([text(font_family="Playfair Display")]), tmp_path)
        assert timeline.layers[0].text is not None
        assert timeline.layers[0].text.family == "Liberation Serif"
        assert timeline.warnings[0]["code"] == "font_substituted"
        assert "Playfair Display" in timeline.warnings[0]["message"]

    @pytest.mark.parametrize(
        ("name", "category"),
        [
            ("Roboto Mono", "mono"),
            ("Alfa Slab One", "display"),
            ("Arimo", "sans"),
            ("Merriweather", "serif"),
            ("Noto Sans", "sans"),
        ],
    )
    def test_family_categories(self, name: str, category: str) -> None:
        assert family_category(name) == category

    def test_bundled_families(self) -> None:
        assert {
            "Inter",
            "Liberation Serif",
            "JetBrains Mono",
            "Bebas Neue",
            "Noto Color Emoji",
        } <= set(FontLibrary().bundled)

    def test_a_font_url_that_cannot_be_fetched_fails_with_font_not_found(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(FontNotFound) as caught:
            timeline_of(canvas([text(font_family="missing-font.ttf")]), tmp_path)
        assert caught.value.code == "font_not_found"

    def test_a_font_file_that_cannot_be_parsed_fails_with_font_not_found(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "broken.ttf").write_bytes(b"not a font")
        with pytest.raises(FontNotFound):
            timeline_of(canvas([text(font_family="broken.ttf")]), tmp_path)

    def test_a_font_given_by_path_is_used(self, tmp_path: Path) -> None:
        (tmp_path / "mono.ttf").write_bytes((FONT_DIR / "JetBrainsMono-Regular.ttf").read_bytes())
        timeline, _ = timeline_of(canvas([text(font_family="mono.ttf")]), tmp_path)
        assert timeline.layers[0].text is not None
        assert timeline.layers[0].text.family == "JetBrains Mono"

    @pytest.mark.parametrize("flavor", ["woff", "woff2"])
    def test_a_web_font_draws_the_same_glyphs_as_the_font_it_packs(
        self, tmp_path: Path, flavor: str
    ) -> None:
        """WOFF2 is Brotli-compressed OpenType that skia's FreeType does not read: it is
        unpacked when loaded."""
        from fontTools.ttLib import TTFont

        font = TTFont(str(FONT_DIR / "JetBrainsMono-Regular.ttf"))
        font.flavor = flavor
        font.save(str(tmp_path / f"mono.{flavor}"))
        (tmp_path / "mono.ttf").write_bytes((FONT_DIR / "JetBrainsMono-Regular.ttf").read_bytes())
        web = frame_rgba(canvas([text("Hg", font_family=f"mono.{flavor}")]), tmp_path)
        plain = frame_rgba(canvas([text("Hg", font_family="mono.ttf")]), tmp_path)
        assert (web[..., 0] > 128).sum() > 100
        assert np.array_equal(web, plain)

    def test_workspace_fonts_are_found_by_family_name(self, tmp_path: Path) -> None:
        from framelane.render.build import BuildContext, build_timeline
        from framelane.render.limits import DEFAULT_LIMITS
        from framelane.render.sources.resolve import DefaultResolver
        from framelane.render.spec import parse_spec

        (tmp_path / "brand.otf").write_bytes((FONT_DIR / "BebasNeue-Regular.otf").read_bytes())

        class WorkspaceResolver(DefaultResolver):
            def workspace_fonts(self) -> list[Path]:
                return [tmp_path / "brand.otf"]

        fonts = FontLibrary()
        fonts.provider = type(
            fonts.provider
        )()  # no bundled fonts: the family must come from the workspace
        fonts._families.clear()
        fonts.collection.setDefaultFontManager(fonts.provider)
        spec = parse_spec(canvas([text(font_family="bebas neue")])).spec
        timeline = build_timeline(
            spec, BuildContext(WorkspaceResolver(base_dir=tmp_path), DEFAULT_LIMITS, fonts)
        )
        assert timeline.layers[0].text is not None
        assert timeline.layers[0].text.family == "Bebas Neue" and timeline.warnings == ()


class TestStyling:
    def test_outline_only_stroke_has_less_ink_than_fill(self, tmp_path: Path) -> None:
        fill = frame_rgba(canvas([text("H", font_size=80)]), tmp_path)[..., 0]
        outline = frame_rgba(
            canvas([text("H", font_size=80, stroke=True, stroke_color="#ffffff", stroke_width=2)]),
            tmp_path,
        )[..., 0]
        assert 0 < (outline > 128).sum() < 0.8 * (fill > 128).sum()

    def test_fill_with_outline_adds_the_stroke_colour(self, tmp_path: Path) -> None:
        frame = frame_rgba(
            canvas([text("H", font_size=80, stroke_color="#ff0000", stroke_width=4)]), tmp_path
        )
        reds = (frame[..., 0] > 200) & (frame[..., 1] < 60)
        whites = (frame[..., 0] > 200) & (frame[..., 1] > 200)
        assert reds.sum() > 50 and whites.sum() > 50

    def test_background_box_with_padding_and_opacity(self, tmp_path: Path) -> None:
        element = text(
            "Hi",
            background=True,
            background_color="#0000ff",
            background_opacity=100,
            x_padding=10,
            y_padding=4,
        )
        frame = frame_rgba(canvas([element]), tmp_path)
        blue = (frame[..., 2] > 200) & (frame[..., 0] < 50)
        _ys, xs = np.nonzero(blue)
        assert blue.sum() > 300 and xs.min() > 5 and xs.max() < W - 5

    def test_text_colour_and_shadow(self, tmp_path: Path) -> None:
        element = text(
            "H",
            font_size=80,
            text_color="#00ff00",
            shadow=True,
            shadow_x=6,
            shadow_y=6,
            shadow_blur=0,
            shadow_color="#ff0000",
        )
        frame = frame_rgba(canvas([element]), tmp_path)
        assert ((frame[..., 1] > 200) & (frame[..., 0] < 60)).sum() > 100
        assert ((frame[..., 0] > 150) & (frame[..., 1] < 60)).sum() > 20

    def test_colour_emoji_renders_in_colour(self, tmp_path: Path) -> None:
        frame = frame_rgba(canvas([text("😀", font_size=60)]), tmp_path)
        rgb = frame[..., :3].astype(int)
        saturated = (rgb.max(axis=2) - rgb.min(axis=2)) > 80
        assert saturated.sum() > 100

    def test_wrap_breaks_lines_within_width_and_nowrap_does_not(self, tmp_path: Path) -> None:
        words = "aaa bbb ccc ddd"
        wrapped, _ = timeline_of(canvas([text(words, font_size=20, width=60)]), tmp_path)
        single, _ = timeline_of(
            canvas([text(words, font_size=20, width=60, text_wrap="nowrap")]), tmp_path
        )
        assert wrapped.layers[0].placement.height > 2 * single.layers[0].placement.height

    def test_tracking_leading_and_decoration_change_the_layout(self, tmp_path: Path) -> None:
        def ink_box(**fields: Any) -> tuple[int, int, int, int]:
            frame = frame_rgba(canvas([text("Hi", font_size=24, **fields)]), tmp_path)
            ys, xs = np.nonzero(frame[..., 0] > 100)
            return xs.min(), xs.max(), ys.min(), ys.max()

        plain = ink_box()
        tracked = ink_box(tracking=10)
        assert (tracked[1] - tracked[0]) >= (plain[1] - plain[0]) + 8
        underlined = ink_box(text_decoration="underline")
        assert underlined[3] > plain[3]
        timeline, _ = timeline_of(canvas([text("a\nb", font_size=20)]), tmp_path)
        spaced, _ = timeline_of(canvas([text("a\nb", font_size=20, leading=3)]), tmp_path)
        assert spaced.layers[0].placement.height > 1.8 * timeline.layers[0].placement.height

    def test_alignment_and_italic(self, tmp_path: Path) -> None:
        def columns(**fields: Any) -> np.ndarray:
            frame = frame_rgba(canvas([text("Hi", font_size=24, **fields)]), tmp_path)
            return np.nonzero(frame[..., 0] > 100)[1]

        assert columns(text_align="left").max() < W / 2 < columns(text_align="right").min()
        upright = frame_rgba(canvas([text("l", font_size=60)]), tmp_path)[..., 0]
        slanted = frame_rgba(canvas([text("l", font_size=60, font_style="italic")]), tmp_path)[
            ..., 0
        ]
        upright_cols = np.nonzero(upright > 100)[1]
        slanted_cols = np.nonzero(slanted > 100)[1]
        assert np.ptp(slanted_cols) > np.ptp(upright_cols) + 3

    def test_complex_script_is_shaped(self, tmp_path: Path) -> None:
        frame = frame_rgba(canvas([text("office", font_size=30)]), tmp_path)
        assert (frame[..., 0] > 128).sum() > 100


class TestWordAnimation:
    WORDS = [{"text": "one", "start": 0, "end": 0.5}, {"text": "two", "start": 0.5, "end": 1}]

    def test_box_style_draws_the_box_behind_the_active_word_only(self, tmp_path: Path) -> None:
        element = text(
            "one two",
            font_size=30,
            background_color="#ff0000",
            word_animation={"style": "box", "words": self.WORDS},
        )
        first = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=0)
        second = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=6)
        red_first = np.nonzero((first[..., 0] > 200) & (first[..., 1] < 60))[1]
        red_second = np.nonzero((second[..., 0] > 200) & (second[..., 1] < 60))[1]
        assert red_first.size > 50 and red_second.size > 50
        assert red_first.mean() < W / 2 < red_second.mean()

    def test_color_style_recolours_the_active_word(self, tmp_path: Path) -> None:
        element = text(
            "one two",
            font_size=30,
            word_animation={"style": "color", "words": self.WORDS, "highlight_color": "#00ff00"},
        )
        frame = frame_rgba(canvas([element], frame_rate=10), tmp_path, index=7)
        green = np.nonzero((frame[..., 1] > 200) & (frame[..., 0] < 60))[1]
        white = np.nonzero((frame[..., 0] > 200) & (frame[..., 1] > 200))[1]
        assert green.size > 30 and white.size > 30 and green.mean() > white.mean()


class TestCharacterScope:
    """`scope: "character"`: each non-space glyph plays the motion for half its duration,
    the starts spread evenly, so glyphs arrive left to right."""

    @staticmethod
    def frames(tmp_path: Path, motion: dict[str, Any], *indices: int) -> list[np.ndarray]:
        element = text(
            "ABCD",
            font_size=30,
            duration=2,
            motion=[{"time": 0, "duration": 1, "easing": "linear", "scope": "character", **motion}],
        )
        data = canvas([element], frame_rate=10, duration=2)
        return [frame_rgba(data, tmp_path, index=i)[..., 0].astype(int) for i in indices]

    @staticmethod
    def columns(gray: np.ndarray) -> np.ndarray:
        return np.nonzero((gray > 100).any(axis=0))[0]

    def test_a_fade_reaches_the_glyphs_one_after_another(self, tmp_path: Path) -> None:
        before, early, late, after = self.frames(tmp_path, {"type": "fade"}, 0, 3, 7, 15)
        plain = frame_rgba(
            canvas([text("ABCD", font_size=30, duration=2)], frame_rate=10, duration=2),
            tmp_path,
            index=15,
        )[..., 0].astype(int)
        assert before.max() < 30  # every glyph still transparent at t = 0
        shown = self.columns(plain)
        left, right = shown.min(), shown.max()
        middle = (left + right) // 2
        # t = 0.3 s: the first glyph (its 0.5 s from 0) is 60% in, the last (from 0.5 s) not yet.
        assert early[:, left:middle].max() > 100 and early[:, middle + 10 :].max() < 30
        # t = 0.7 s: the first glyph done, the last 40% in.
        assert late[:, left:middle].max() >= plain[:, left:middle].max() - 2
        assert 30 < late[:, right - 12 : right + 1].max() < plain[:, right - 12 : right + 1].max()
        assert np.array_equal(after, plain)  # settled: exactly the plain text

    def test_a_slide_moves_each_glyph_one_em_at_most(self, tmp_path: Path) -> None:
        start, done = self.frames(tmp_path, {"type": "slide_up"}, 2, 15)
        rows_start = np.nonzero((start > 30).any(axis=1))[0]
        rows_done = np.nonzero((done > 100).any(axis=1))[0]
        # Early on the first glyph is below its place (sliding up), by less than an em (30 px).
        assert rows_start.size and rows_start.max() > rows_done.max()
        assert rows_start.max() - rows_done.max() < 30

    def test_an_explode_flings_each_glyph_its_own_way_and_brings_it_back(
        self, tmp_path: Path
    ) -> None:
        flying, done = self.frames(tmp_path, {"type": "explode"}, 3, 15)
        plain = frame_rgba(
            canvas([text("ABCD", font_size=30, duration=2)], frame_rate=10, duration=2),
            tmp_path,
            index=15,
        )[..., 0].astype(int)
        rows, columns = np.nonzero(plain > 100)
        box = np.zeros(plain.shape, bool)
        box[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1] = True
        # t = 0.3 s: the first glyphs are on their way in, from around the text.
        assert ((flying > 60) & ~box).sum() > 30
        assert np.array_equal(done, plain)

    def test_too_many_moving_glyphs_are_refused_before_any_pixel_work(self, tmp_path: Path) -> None:
        from framelane.core.errors import LimitExceeded

        long = text(
            "x" * 201, motion=[{"type": "slide_up", "time": 0, "duration": 1, "scope": "character"}]
        )
        with pytest.raises(LimitExceeded) as refused:
            timeline_of(canvas([long]), tmp_path)
        assert refused.value.code == "limit_exceeded"
        assert refused.value.details[0]["limit"] == "max_glyph_motions"
        spaced = {**long, "text": "x " * 200}  # spaces do not move: 200 glyphs are allowed
        timeline_of(canvas([spaced]), tmp_path)

    def test_a_character_motion_leaves_the_element_itself_still(self, tmp_path: Path) -> None:
        from framelane.render.evaluate import frame_state

        element = text(
            "ABCD", motion=[{"type": "slide_up", "time": 0, "duration": 1, "scope": "character"}]
        )
        timeline, _ = timeline_of(canvas([element]), tmp_path)
        state = frame_state(timeline, 3).layers[0]
        assert (state.motion.dx, state.motion.dy, state.motion.opacity) == (0.0, 0.0, 1.0)
