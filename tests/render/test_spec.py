"""parse_spec: schema errors, cross-field rules, unknown fields, capabilities."""

from __future__ import annotations

from typing import Any

import pytest

from framelane.core.errors import CapabilityUnsupported, ValidationFailed
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.registry import Registry, Unsupported
from framelane.render.spec import RenderSpec, parse_spec
from framelane.render.spec.unknown import json_path
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS

VIDEO = {"type": "video", "id": "v", "source_url": "a.mp4"}
TEXT = {"type": "text", "id": "t", "text": "hi", "duration": 2}
IMAGE = {"type": "image", "id": "i", "source_url": "a.png", "duration": 2}


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

    def test_are_ignored_and_reported_as_json_paths(self) -> None:
        warnings = parse_spec(self.DATA).warnings
        assert set(warnings) == {"elements[0].colour", "elements[0].motion[0].speedy", "extra_top"}

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
    ({"elements": [VIDEO, {**TEXT, "id": "v"}]}, ("elements[1].id", "duplicate_element_id")),
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
        {"elements": [{"type": "image", "source_url": "a.png", "duration": 1}]},
        ("elements[0].id", "missing"),
    ),
    (
        {"elements": [{"type": "image", "id": "", "source_url": "a.png", "duration": 1}]},
        ("elements[0].id", "string_too_short"),
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
        {"elements": [{"type": "composition", "elements": [VIDEO, {**TEXT, "id": "v"}]}]},
        ("elements[0].elements[1].id", "duplicate_element_id"),
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
            "transitions": [{"type": "fade", "duration": 1, "from_id": "zz", "to_id": "zz"}],
        }
        assert violations(data) >= {
            ("height", "size_pair"),
            ("alpha", "alpha_unsupported_format"),
            ("elements[0].out_point", "out_point"),
            ("elements[1].id", "duplicate_element_id"),
            ("elements[1].stroke", "text_style_conflict"),
            ("elements[2].id", "missing"),
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
