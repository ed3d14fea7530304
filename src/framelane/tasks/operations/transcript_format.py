"""Transcript shapes: the AssemblyAI-style JSON, SRT and WebVTT captions, and render captions.

Feeding a transcript into a render's animated captions (`word_animation`, §11.4 of the API
spec): transcript words carry **milliseconds**; render words carry **absolute timeline
seconds**. `words_to_word_animation` converts and offsets them:

>>> transcript_words = [
...     {"text": "Hello", "start": 0, "end": 420, "confidence": 0.98, "speaker": None},
...     {"text": "world.", "start": 480, "end": 900, "confidence": 0.95, "speaker": None},
... ]
>>> words_to_word_animation(transcript_words, offset_s=2.0)
[{'text': 'Hello', 'start': 2.0, 'end': 2.42}, {'text': 'world.', 'start': 2.48, 'end': 2.9}]

so a text element placed at `start: 2` on the timeline gets
`"word_animation": {"style": "box", "words": <that list>}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_MAX_LINE = 42
_MAX_CUE_CHARS = 2 * _MAX_LINE
_MAX_CUE_MS = 6000


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its times in milliseconds."""

    text: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class Utterance:
    """A stretch of speech (one recogniser segment) with its words."""

    text: str
    start: int
    end: int
    confidence: float
    words: tuple[Word, ...]


def word_dict(word: Word) -> dict[str, Any]:
    """A word as in AssemblyAI's `words[]`; `speaker` is null as diarisation is not supported."""
    return {
        "text": word.text,
        "start": word.start,
        "end": word.end,
        "confidence": round(word.confidence, 4),
        "speaker": None,
    }


def transcript_json(
    utterances: Sequence[Utterance], audio_duration_s: float, include_words: bool = True
) -> dict[str, Any]:
    """The AssemblyAI-shaped transcript document."""
    words = [w for u in utterances for w in u.words]
    confidence = sum(w.confidence for w in words) / len(words) if words else None
    return {
        "status": "completed",
        "language_code": "en",
        "audio_duration": round(audio_duration_s, 3),
        "text": " ".join(u.text for u in utterances).strip(),
        "confidence": None if confidence is None else round(confidence, 4),
        "words": [word_dict(w) for w in words] if include_words else [],
        "utterances": [
            {
                "speaker": None,
                "text": u.text,
                "start": u.start,
                "end": u.end,
                "confidence": round(u.confidence, 4),
                "words": [word_dict(w) for w in u.words] if include_words else [],
            }
            for u in utterances
        ],
    }


def words_to_word_animation(
    words: Iterable[Mapping[str, Any]], offset_s: float = 0.0
) -> list[dict[str, Any]]:
    """Transcript words (ms) → render `word_animation.words` (seconds, shifted by `offset_s`)."""
    out = []
    for word in words:
        start = max(0.0, offset_s + float(word["start"]) / 1000.0)
        end = max(start + 0.001, offset_s + float(word["end"]) / 1000.0)
        out.append(
            {"text": str(word["text"]).strip(), "start": round(start, 3), "end": round(end, 3)}
        )
    return out


def _timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(max(0, ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _wrap(text: str) -> str:
    if len(text) <= _MAX_LINE:
        return text
    middle = len(text) // 2
    split = min(
        (i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle), default=-1
    )
    return text if split < 0 else text[:split] + "\n" + text[split + 1 :]


def caption_cues(utterances: Sequence[Utterance]) -> list[tuple[int, int, str]]:
    """Split utterances into cues of at most two 42-character lines and 6 seconds."""
    cues: list[tuple[int, int, str]] = []
    for utterance in utterances:
        if not utterance.words:
            if utterance.text.strip():
                cues.append((utterance.start, utterance.end, _wrap(utterance.text.strip())))
            continue
        current: list[Word] = []
        for word in utterance.words:
            candidate = " ".join(w.text.strip() for w in [*current, word])
            too_long = len(candidate) > _MAX_CUE_CHARS
            if current and (too_long or word.end - current[0].start > _MAX_CUE_MS):
                cues.append(_cue(current))
                current = []
            current.append(word)
        if current:
            cues.append(_cue(current))
    return cues


def _cue(words: Sequence[Word]) -> tuple[int, int, str]:
    return words[0].start, words[-1].end, _wrap(" ".join(w.text.strip() for w in words))


def to_srt(utterances: Sequence[Utterance]) -> str:
    """SubRip captions."""
    blocks = [
        f"{i}\n{_timestamp(start, ',')} --> {_timestamp(end, ',')}\n{text}\n"
        for i, (start, end, text) in enumerate(caption_cues(utterances), start=1)
    ]
    return "\n".join(blocks)


def to_vtt(utterances: Sequence[Utterance]) -> str:
    """WebVTT captions."""
    blocks = [
        f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n{text}\n"
        for start, end, text in caption_cues(utterances)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
