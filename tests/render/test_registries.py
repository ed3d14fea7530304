"""Registries and the capabilities catalog read from the same tables."""

from __future__ import annotations

import pytest

from framelane.core.errors import CapabilityUnsupported
from framelane.render.catalog import build_catalog
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.registry import Unsupported
from framelane.render.spec import parse_spec
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS


def supported(registry: object) -> set[str]:
    return {row["name"] for row in registry.catalog() if row["supported"]}  # type: ignore[attr-defined]


class TestRegistries:
    def test_every_catalog_name_is_registered(self) -> None:
        assert len(list(EFFECTS)) == 46
        assert len(list(MOTIONS)) == 43
        assert len(list(TRANSITIONS)) == 31 and "fade" in TRANSITIONS
        assert set(WORD_ANIMATIONS) == {"glow", "box", "scale_pop", "slide_up", "fly_in", "color"}

    def test_required_entries_are_supported(self) -> None:
        assert supported(MOTIONS) >= {
            "fade",
            "slide_up",
            "slide_down",
            "slide_left",
            "slide_right",
            "zoom_in",
            "zoom_out",
        }
        assert supported(TRANSITIONS) >= {
            "cross_dissolve",
            "fade",
            "dip_to_black",
            "dip_to_white",
            "wipe_left",
            "wipe_right",
            "wipe_up",
            "wipe_down",
        }
        assert supported(WORD_ANIMATIONS) >= {"box", "color"}
        assert supported(EFFECTS) >= {"sepia", "invert"}

    def test_every_unsupported_effect_and_motion_is_rejected_by_validation(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Flag one entry of each registry unsupported (the real catalog may have none left).
        effect, motion = next(iter(EFFECTS)), next(iter(MOTIONS))
        monkeypatch.setitem(EFFECTS._entries, effect, Unsupported(effect, "flagged"))
        monkeypatch.setitem(MOTIONS._entries, motion, Unsupported(motion, "flagged"))
        unsupported_effects = [n for n in EFFECTS if not EFFECTS.is_supported(n)]
        unsupported_motions = [n for n in MOTIONS if not MOTIONS.is_supported(n)]
        assert effect in unsupported_effects and motion in unsupported_motions
        for name in unsupported_effects:
            video = {"type": "video", "source_url": "a.mp4", "effects": [{"type": name}]}
            with pytest.raises(CapabilityUnsupported):
                parse_spec({"elements": [video]})
        for name in unsupported_motions:
            motion_spec = {"type": name, "time": 0, "duration": 1}
            with pytest.raises(CapabilityUnsupported):
                parse_spec(
                    {
                        "elements": [
                            {"type": "text", "text": "x", "duration": 1, "motion": [motion_spec]}
                        ]
                    }
                )


class TestCatalog:
    catalog = build_catalog()

    def test_lists_entries_with_supported_flags_from_the_registries(self) -> None:
        for key, registry in (
            ("effects", EFFECTS),
            ("motions", MOTIONS),
            ("transitions", TRANSITIONS),
            ("word_animations", WORD_ANIMATIONS),
        ):
            rows = {row["name"]: row["supported"] for row in self.catalog[key]}
            assert rows == {row["name"]: row["supported"] for row in registry.catalog()}  # type: ignore[attr-defined]

    def test_element_types_carry_their_fields_with_descriptions(self) -> None:
        types = {row["name"]: row for row in self.catalog["element_types"]}
        assert set(types) == {"video", "image", "text", "audio", "composition"}
        video = types["video"]["fields"]
        assert video["source_url"]["required"] is True
        assert video["speed"]["schema"]["maximum"] == 4
        assert video["opacity"]["description"]
        assert types["image"]["fields"]["duration"]["required"] is True

    def test_enums_formats_fonts_and_limits(self) -> None:
        assert len(self.catalog["blend_modes"]) == 10
        assert {e["name"] for e in self.catalog["easings"]} == {
            "linear",
            "ease_in",
            "ease_out",
            "ease_in_out",
        }
        formats = {f["name"]: f for f in self.catalog["output_formats"]}
        assert formats["webm"]["alpha"] and not formats["mp4"]["alpha"]
        categories = {f["category"] for f in self.catalog["fonts"]}
        families = {f["family"] for f in self.catalog["fonts"]}
        assert categories >= {"sans", "serif", "mono", "display"}
        assert {"Inter", "Noto Color Emoji"} <= families
        assert self.catalog["limits"]["ranges"]["frame_rate"] == {"minimum": 1, "maximum": 240}
        assert self.catalog["limits"]["render"]["max_image_pixels"] > 0
