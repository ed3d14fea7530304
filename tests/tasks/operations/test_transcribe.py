"""transcribe: espeak-ng speech in, AssemblyAI-shaped JSON plus SRT/VTT out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tasks_media
from numpy.typing import NDArray

from framelane.tasks.operations.base import TaskContext
from framelane.tasks.operations.errors import LanguageUnsupported, UnsupportedMedia
from framelane.tasks.operations.transcribe import Transcribe, TranscribeParams

from .conftest import ProgressLog

OP = Transcribe()
pytestmark = pytest.mark.slow


def _params(**kw: Any) -> TranscribeParams:
    return TranscribeParams.model_validate({"source_url": "https://example.com/a.wav", **kw})


def _run(path: Path, ctx: TaskContext, **kw: Any) -> dict[str, Any]:
    result = OP.run(path, _params(**kw), ctx)
    assert result.content_type == "application/json"
    return dict(json.loads(result.output_path.read_text()))


def test_speech_gives_words_with_ms_times_and_captions(
    speech_wav: Path, ctx: TaskContext, progress: ProgressLog
) -> None:
    result = OP.run(speech_wav, _params(), ctx)
    doc = json.loads(result.output_path.read_text())
    text = doc["text"].lower()
    for word in ("lovely", "upload", "video", "meeting"):
        assert word in text
    words = doc["words"]
    assert len(words) >= 10
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and all(w["end"] >= w["start"] for w in words)
    assert words[-1]["end"] <= doc["audio_duration"] * 1000 + 100
    assert all(0.0 <= w["confidence"] <= 1.0 and w["speaker"] is None for w in words)
    assert doc["utterances"] and doc["utterances"][0]["start"] == words[0]["start"]
    srt = result.extra_outputs["srt"].read_text()
    vtt = result.extra_outputs["vtt"].read_text()
    assert srt.startswith("1\n00:00:0") and " --> " in srt and "upload" in srt
    assert vtt.startswith("WEBVTT\n\n00:00:0") and "upload" in vtt
    assert progress.percents == sorted(progress.percents) and progress.percents[-1] == 100.0


def test_word_boost_steers_the_spelling(tmp_path: Path, ctx: TaskContext) -> None:
    wav = tasks_media.speak(
        "Welcome to Framelane. We render videos with Framelane every day.", tmp_path / "b.wav"
    )
    plain = _run(wav, ctx)["text"]
    boosted = _run(wav, ctx, word_boost=["Framelane"])["text"]
    assert "Framelane" not in plain
    assert boosted.count("Framelane") == 2


def test_silence_is_an_empty_transcript(tmp_path: Path, ctx: TaskContext) -> None:
    wav = tasks_media.silence_wav(tmp_path / "quiet.wav", 4.0)
    result = OP.run(wav, _params(), ctx)
    doc = json.loads(result.output_path.read_text())
    assert (doc["text"], doc["words"], doc["utterances"]) == ("", [], [])
    assert result.extra_outputs["srt"].read_text() == ""


def test_video_audio_track_is_transcribed(
    person_video: tuple[Path, list[NDArray[np.float32]]], ctx: TaskContext
) -> None:
    assert "upload" in _run(person_video[0], ctx)["text"].lower()


def test_word_timings_off_leaves_words_out(speech_wav: Path, ctx: TaskContext) -> None:
    doc = _run(speech_wav, ctx, word_timings=False)
    assert doc["words"] == [] and "upload" in doc["text"].lower()


def test_video_without_audio_is_an_empty_transcript(faceless_video: Path, ctx: TaskContext) -> None:
    doc = _run(faceless_video, ctx)
    assert (doc["text"], doc["words"], doc["utterances"]) == ("", [], [])


def test_image_is_unsupported(
    person_still: tuple[Path, NDArray[np.float32]], ctx: TaskContext
) -> None:
    with pytest.raises(UnsupportedMedia):
        OP.run(person_still[0], _params(), ctx)


def test_run_refuses_other_languages_too(speech_wav: Path, ctx: TaskContext) -> None:
    with pytest.raises(LanguageUnsupported):
        OP.run(speech_wav, _params(language="de"), ctx)


def test_cancel_is_checked_between_segments(speech_wav: Path, tmp_path: Path) -> None:
    from framelane.tasks.operations.errors import TaskCancelled

    from .conftest import cancel_after

    answers = cancel_after(0)
    ctx = TaskContext(workdir=tmp_path, should_cancel=lambda: next(answers))
    with pytest.raises(TaskCancelled):
        OP.run(speech_wav, _params(), ctx)
    assert not (tmp_path / "transcript.json").exists()
