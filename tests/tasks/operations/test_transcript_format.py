"""Transcript JSON, captions and the word_animation helper (pure functions)."""

from __future__ import annotations

import doctest

from framelane.tasks.operations import transcript_format
from framelane.tasks.operations.transcript_format import (
    Utterance,
    Word,
    caption_cues,
    to_srt,
    to_vtt,
    transcript_json,
    words_to_word_animation,
)


def _utterance(words: list[tuple[str, int, int]]) -> Utterance:
    items = tuple(Word(text, start, end, 0.9) for text, start, end in words)
    text = " ".join(w.text for w in items)
    return Utterance(text, items[0].start, items[-1].end, 0.9, items)


HELLO = _utterance([("Hello", 0, 400), ("world.", 450, 900)])


def test_module_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(transcript_format)
    assert tried >= 2 and failures == 0


def test_word_animation_converts_ms_to_offset_seconds() -> None:
    words = transcript_json([HELLO], 1.0)["words"]
    assert words_to_word_animation(words, offset_s=1.5) == [
        {"text": "Hello", "start": 1.5, "end": 1.9},
        {"text": "world.", "start": 1.95, "end": 2.4},
    ]


def test_word_animation_never_gives_empty_or_negative_spans() -> None:
    out = words_to_word_animation([{"text": " a ", "start": 100, "end": 100}], offset_s=-1.0)
    assert out == [{"text": "a", "start": 0.0, "end": 0.001}]


def test_json_has_the_assemblyai_shape() -> None:
    doc = transcript_json([HELLO], 1.25)
    assert doc["text"] == "Hello world."
    assert doc["audio_duration"] == 1.25
    assert doc["words"][0] == {
        "text": "Hello",
        "start": 0,
        "end": 400,
        "confidence": 0.9,
        "speaker": None,
    }
    utterance = doc["utterances"][0]
    assert (utterance["text"], utterance["start"], utterance["end"]) == ("Hello world.", 0, 900)


def test_empty_transcript_is_valid() -> None:
    doc = transcript_json([], 3.0)
    assert (doc["text"], doc["words"], doc["utterances"], doc["confidence"]) == ("", [], [], None)
    assert to_srt([]) == ""
    assert to_vtt([]) == "WEBVTT\n\n"


def test_srt_and_vtt_timestamps() -> None:
    long = _utterance([("x", 3_723_004, 3_723_500)])
    assert to_srt([long]) == "1\n01:02:03,004 --> 01:02:03,500\nx\n"
    assert to_vtt([HELLO]) == "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nHello world.\n"


def test_long_utterances_split_into_short_two_line_cues() -> None:
    words = [(f"word{i:02d}", i * 400, i * 400 + 300) for i in range(40)]
    cues = caption_cues([_utterance(words)])
    assert len(cues) > 3
    for start, end, text in cues:
        lines = text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 48 for line in lines)
        assert end - start <= 6000
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)
