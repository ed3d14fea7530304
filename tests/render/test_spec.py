"""parse_spec: schema errors, cross-field rules, unknown fields, capabilities."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from framelane.core.errors import CapabilityUnsupported, ValidationFailed
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.registry import Registry, Unsupported
from framelane.render.spec import RenderSpec, parse_spec
from framelane.render.spec.unknown import json_path, unknown_fields
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS

VIDEO = {"type": "video", "id": "v", "source_url": "a.mp4"}
TEXT = {"type": "text", "id": "t", "text": "hi", "duration": 2}
IMAGE = {"type": "image", "id": "i", "source_url": "a.png", "duration": 2}


def unknown_warning(data: dict[str, Any], field: str) -> dict[str, str]:
    """The warning of the unknown `field` (the request may be invalid otherwise)."""
    with contextlib.suppress(ValidationFailed):
        return next(w for w in parse_spec(data).warnings if w["path"].endswith(field))
    found = unknown_fields(data, RenderSpec)
    assert len(found) == 1
    return {"suggestion": found[0].suggestion or "", "message": found[0].hint}


def violations(data: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_spec(data)
    assert caught.value.code == "validation_error"
    return {(json_path(tuple(v["loc"])), v["type"]) for v in caught.value.details}


class TestValidSpecs:
    def test_minimal_body_gets_defaults_declared_once(self) -> None:
        parsed = parse_spec({"width": 1920, "height": 1080, "elements": [VIDEO]})
        spec = parsed.spec
        assert isinstance(spec, RenderSpec)
        assert (spec.frame_rate, spec.output_format, spec.alpha) == (30, "mp4", False)
        video = spec.elements[0]
        assert (video.x, video.width, video.opacity, video.speed) == ("50%", "100%", 100, 1)
        assert parsed.warnings == []

    def test_size_defaults_to_full_hd_when_both_omitted(self) -> None:
        assert parse_spec({"elements": [TEXT]}).spec.canvas_size == (1920, 1080)

    def test_fade_is_an_alias_of_cross_dissolve(self) -> None:
        data = {
            "elements": [VIDEO, TEXT],
            "transitions": [{"type": "fade", "duration": 1, "from_id": "v", "to_id": "t"}],
        }
        assert parse_spec(data).spec.transitions[0].type == "fade"

    def test_nested_composition_is_supported(self) -> None:
        data = {"elements": [{"type": "composition", "id": "c", "elements": [TEXT]}]}
        assert parse_spec(data).spec.elements[0].type == "composition"


class TestUnknownFields:
    DATA = {
        "elements": [
            {
                **VIDEO,
                "colour": 1,
                "motion": [{"type": "fade", "time": 0, "duration": 1, "speedy": True}],
            }
        ],
        "extra_top": {},
    }

    def test_are_ignored_and_reported_with_their_json_paths(self) -> None:
        warnings = parse_spec(self.DATA).warnings
        assert {w["path"] for w in warnings} == {
            "elements[0].colour",
            "elements[0].motion[0].speedy",
            "extra_top",
        }
        assert {w["code"] for w in warnings} == {"unknown_field"}

    @pytest.mark.parametrize(
        ("element", "field", "meant"),
        [
            (TEXT, "fontsize", "font_size"),
            (TEXT, "colour", "text_color"),
            (TEXT, "fontWeight", "font_weight"),
            (TEXT, "bacground_color", "background_color"),
            (VIDEO, "volumne", "volume"),
            ({"type": "image", "duration": 1}, "src", "source_url"),
        ],
    )
    def test_name_the_closest_valid_field(
        self, element: dict[str, Any], field: str, meant: str
    ) -> None:
        body = {"elements": [{**element, field: "a.png"}]}
        warning = unknown_warning(body, field)
        assert warning["suggestion"] == meant
        assert f"did you mean `{meant}`?" in warning["message"]
        with pytest.raises(ValidationFailed) as caught:
            parse_spec(body, strict=True)
        extra = [d for d in caught.value.details if d["type"] == "extra_forbidden"]
        assert f"did you mean `{meant}`?" in extra[0]["msg"]
        assert extra[0]["suggestion"] == meant

    def test_a_name_far_from_every_field_gets_no_guess(self) -> None:
        [warning] = parse_spec({"elements": [{**TEXT, "zzqx": 1}]}).warnings
        assert "suggestion" not in warning and "did you mean" not in warning["message"]

    def test_are_violations_in_strict_mode(self) -> None:
        with pytest.raises(ValidationFailed) as caught:
            parse_spec(self.DATA, strict=True)
        types = {(json_path(tuple(v["loc"])), v["type"]) for v in caught.value.details}
        assert ("extra_top", "extra_forbidden") in types
        assert ("elements[0].motion[0].speedy", "extra_forbidden") in types


RULES = [
    ({"width": 640}, ("height", "size_pair")),
    ({"height": 640}, ("width", "size_pair")),
    ({"alpha": True}, ("alpha", "alpha_unsupported_format")),
    ({"alpha": True, "output_format": "gif"}, ("alpha", "alpha_unsupported_format")),
    (
        {"elements": [{**VIDEO, "in_point": 3, "out_point": 2}]},
        ("elements[0].out_point", "out_point"),
    ),
    (
        {"elements": [{**VIDEO, "in_point": 2, "out_point": 2}]},
        ("elements[0].out_point", "out_point"),
    ),
    (
        {"elements": [{**TEXT, "background": True, "shadow": True}]},
        ("elements[0].shadow", "text_style_conflict"),
    ),
    (
        {
            "elements": [VIDEO, {**TEXT, "id": "v"}, IMAGE],
            "transitions": [{"type": "fade", "duration": 1, "from_id": "v", "to_id": "i"}],
        },
        ("transitions[0].from_id", "ambiguous_transition"),
    ),
    (
        {
            "elements": [VIDEO],
            "transitions": [{"type": "wipe_left", "duration": 1, "from_id": "v", "to_id": "v"}],
        },
        ("transitions[0].to_id", "transition_self"),
    ),
    (
        {
            "elements": [VIDEO],
            "transitions": [{"type": "wipe_left", "duration": 1, "from_id": "v", "to_id": "x"}],
        },
        ("transitions[0].to_id", "dangling_transition"),
    ),
    (
        {"elements": [{"type": "image", "id": "i", "source_url": "a.png"}]},
        ("elements[0].duration", "missing"),
    ),
    ({"elements": [{"type": "text", "text": "x"}]}, ("elements[0].duration", "missing")),
    (
        {"elements": [{"type": "audio", "source_url": "a.wav", "volume": 0}]},
        ("elements[0].volume", "greater_than"),
    ),
    ({"elements": [{**VIDEO, "speed": 5}]}, ("elements[0].speed", "less_than_equal")),
    ({"elements": [{**VIDEO, "x": "fifty"}]}, ("elements[0].x", "value_error")),
    ({"background_color": "red"}, ("background_color", "string_pattern_mismatch")),
    ({"frame_rate": 500}, ("frame_rate", "less_than_equal")),
    ({"output_format": "avi"}, ("output_format", "literal_error")),
    (
        {"elements": [{**VIDEO, "effects": [{"type": "sparkles"}]}]},
        ("elements[0].effects[0].type", "value_error"),
    ),
    (
        {"elements": [{**TEXT, "word_animation": {"style": "box", "words": []}}]},
        ("elements[0].word_animation.words", "too_short"),
    ),
    (
        {
            "elements": [
                {
                    **TEXT,
                    "word_animation": {
                        "style": "box",
                        "words": [{"text": "hi", "start": 1, "end": 0.5}],
                    },
                }
            ]
        },
        ("elements[0].word_animation.words[0].end", "word_end"),
    ),
    (
        {
            "elements": [
                {
                    "type": "composition",
                    "elements": [VIDEO, {**TEXT, "id": "v"}, IMAGE],
                    "transitions": [{"type": "fade", "duration": 1, "from_id": "i", "to_id": "v"}],
                }
            ]
        },
        ("elements[0].transitions[0].to_id", "ambiguous_transition"),
    ),
    ({"elements": [{"type": "hologram"}]}, ("elements[0].type", "union_tag_invalid")),
]


class TestRules:
    @pytest.mark.parametrize(("data", "expected"), RULES)
    def test_each_rule_is_reported_with_its_path(
        self, data: dict[str, Any], expected: tuple[str, str]
    ) -> None:
        assert expected in violations(data)

    def test_every_violation_is_reported_at_once(self) -> None:
        data = {
            "width": 640,
            "alpha": True,
            "elements": [
                {**VIDEO, "in_point": 3, "out_point": 1},
                {**TEXT, "id": "v", "background": True, "stroke": True},
                {"type": "image", "source_url": "a.png"},
            ],
            "output_format": "webp",
            "transitions": [{"type": "fade", "duration": 1, "from_id": "zz", "to_id": "zz"}],
        }
        assert violations(data) >= {
            ("height", "size_pair"),
            ("alpha", "alpha_unsupported_format"),
            ("elements[0].out_point", "out_point"),
            ("output_format", "literal_error"),
            ("elements[1].stroke", "text_style_conflict"),
            ("elements[2].duration", "missing"),
            ("transitions[0].to_id", "transition_self"),
            ("transitions[0].from_id", "dangling_transition"),
        }

    def test_a_non_object_body_is_a_validation_error(self) -> None:
        with pytest.raises(ValidationFailed):
            parse_spec([])  # type: ignore[arg-type]


def first_unsupported(registry: Registry[Any], monkeypatch: pytest.MonkeyPatch) -> str:
    """A name the registry lists as not supported: a real one if the catalog still has one,
    otherwise the first entry, flagged unsupported for this test only."""
    names = [name for name in registry if not registry.is_supported(name)]
    if names:
        return names[0]
    name = next(iter(registry))
    monkeypatch.setitem(registry._entries, name, Unsupported(name, "flagged by the test"))
    return name


def words(style: str) -> dict[str, Any]:
    return {"style": style, "words": [{"text": "hi", "start": 0, "end": 1}]}


UNSUPPORTED: list[tuple[Registry[Any], Any, str]] = [
    (EFFECTS, lambda n: {**VIDEO, "effects": [{"type": n}]}, "elements[0].effects[0].type"),
    (
        MOTIONS,
        lambda n: {**VIDEO, "motion": [{"type": n, "time": 0, "duration": 1}]},
        "elements[0].motion[0].type",
    ),
    (
        WORD_ANIMATIONS,
        lambda n: {**TEXT, "word_animation": words(n)},
        "elements[0].word_animation.style",
    ),
]


class TestCapabilities:
    @pytest.mark.parametrize(("registry", "element", "path"), UNSUPPORTED)
    def test_unsupported_entries_are_rejected_by_name(
        self, registry: Registry[Any], element: Any, path: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        name, kind = first_unsupported(registry, monkeypatch), registry.kind
        with pytest.raises(CapabilityUnsupported) as caught:
            parse_spec({"elements": [element(name)]})
        assert caught.value.code == "capability_unsupported"
        detail = caught.value.details[0]
        assert (detail["kind"], detail["name"], json_path(tuple(detail["loc"]))) == (
            kind,
            name,
            path,
        )

    @pytest.mark.parametrize(
        ("element", "kind", "name", "path"),
        [
            (
                {
                    **TEXT,
                    "motion": [
                        {"type": "wipe_left", "time": 0, "duration": 1, "scope": "character"}
                    ],
                },
                "motion_scope",
                "character",
                "elements[0].motion[0].scope",
            ),
            (
                {
                    **TEXT,
                    "word_animation": {
                        "style": "box",
                        "words": [{"text": "Hi", "start": 0, "end": 1}],
                    },
                    "motion": [{"type": "fade", "time": 0, "duration": 1, "scope": "character"}],
                },
                "motion_scope",
                "character",
                "elements[0].motion[0].scope",
            ),
            (
                {
                    "type": "image",
                    "id": "i",
                    "source_url": "https://example.com/a.png",
                    "duration": 2,
                    "motion": [{"type": "fade", "time": 0, "duration": 1, "scope": "character"}],
                },
                "motion_scope",
                "character",
                "elements[0].motion[0].scope",
            ),
            (
                {**TEXT, "animation_preset": "typewriter"},
                "animation_preset",
                "typewriter",
                "elements[0].animation_preset",
            ),
        ],
    )
    def test_unsupported_fields_are_rejected_by_name(
        self, element: dict[str, Any], kind: str, name: str, path: str
    ) -> None:
        with pytest.raises(CapabilityUnsupported) as caught:
            parse_spec({"elements": [element]})
        detail = caught.value.details[0]
        assert (detail["kind"], detail["name"], json_path(tuple(detail["loc"]))) == (
            kind,
            name,
            path,
        )

    def test_unsupported_transition_is_rejected(self, monkeypatch: pytest.MonkeyPatch) -> None:
        name = first_unsupported(TRANSITIONS, monkeypatch)
        data = {
            "elements": [VIDEO, TEXT],
            "transitions": [{"type": name, "duration": 1, "from_id": "v", "to_id": "t"}],
        }
        with pytest.raises(CapabilityUnsupported) as caught:
            parse_spec(data)
        assert caught.value.details[0]["name"] == name

    def test_supported_effects_pass(self) -> None:
        parse_spec({"elements": [{**VIDEO, "effects": [{"type": "sepia"}, {"type": "invert"}]}]})


class TestTransitionZIndex:
    def test_setting_z_index_is_refused_not_ignored(self) -> None:
        data = {
            "elements": [VIDEO, TEXT],
            "transitions": [
                {
                    "type": "cross_dissolve",
                    "duration": 1,
                    "from_id": "v",
                    "to_id": "t",
                    "z_index": 3,
                }
            ],
        }
        with pytest.raises(CapabilityUnsupported) as caught:
            parse_spec(data)
        assert caught.value.details[0]["name"] == "z_index"
        del data["transitions"][0]["z_index"]  # type: ignore[attr-defined]
        parse_spec(data)


class TestFriendlierRequests:
    def codes(self, data: dict[str, Any]) -> dict[str, str]:
        return {w["path"]: w["code"] for w in parse_spec(data).warnings}

    def test_fractions_of_a_percentage_are_flagged_with_the_unit(self) -> None:
        data = {"elements": [{**TEXT, "opacity": 0.5, "x_scale": 1.5, "y_scale": "150%"}]}
        warnings = {w["path"]: w["message"] for w in parse_spec(data).warnings}
        assert set(warnings) == {"elements[0].opacity", "elements[0].x_scale"}
        assert "percent" in warnings["elements[0].opacity"]
        assert "write 50" in warnings["elements[0].opacity"]
        assert '"150%"' in warnings["elements[0].x_scale"]

    def test_plain_percentages_are_not_flagged(self) -> None:
        data = {"elements": [{**TEXT, "opacity": 50, "x_scale": 150, "y_scale": 0}]}
        assert parse_spec(data).warnings == []

    def test_an_odd_canvas_says_it_is_padded(self) -> None:
        warnings = parse_spec({"width": 641, "height": 361, "elements": [TEXT]}).warnings
        assert [w["code"] for w in warnings] == ["canvas_padded"]
        assert "642x362" in warnings[0]["message"]
        assert parse_spec({"width": 641, "height": 361, "output_format": "gif"}).warnings == []

    def test_shared_ids_no_transition_names_are_accepted_with_a_warning(self) -> None:
        captions = [{**TEXT, "id": "caption", "time": t} for t in (0, 2, 4)]
        assert self.codes({"elements": captions}) == {"elements[1].id": "duplicate_element_id"}

    def test_duration_and_loop_on_timed_media_and_images_without_id(self) -> None:
        image = {k: v for k, v in IMAGE.items() if k != "id"}
        music = {"type": "audio", "source_url": "a.mp3", "loop": True, "duration": 9}
        spec = parse_spec({"elements": [{**VIDEO, "duration": 3, "loop": True}, image, music]})
        assert spec.warnings == []
        video, still, audio = spec.spec.elements
        assert (video.duration, video.loop, still.id, audio.loop) == (3, True, "", True)

    def test_tokens_are_part_of_the_schema(self) -> None:
        spec = parse_spec({"elements": [TEXT], "tokens": {"tokenset_id": "ts_1", "mode": "dark"}})
        assert spec.warnings == [] and spec.spec.tokens is not None
