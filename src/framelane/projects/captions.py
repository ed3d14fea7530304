"""Caption lines from timed words: split at sentence ends, at pauses, and at a line length.

Pure functions on `Word`s in timeline seconds; `add_captions` (ops.py) turns the lines into
text elements whose `word_animation` carries the same word times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SENTENCE_ENDS = (".", "!", "?", "…")


@dataclass(frozen=True, slots=True)
class TimedWord:
    text: str
    start: float
    end: float


def from_transcript(words: Iterable[Mapping[str, Any]], *, milliseconds: bool) -> list[TimedWord]:
    """Transcript words (`start`/`end` in ms for a transcribe task, seconds for `words[]`)."""
    scale = 1000.0 if milliseconds else 1.0
    found = []
    for word in words:
        text = str(word.get("text", "")).strip()
        if text:
            found.append(TimedWord(text, float(word["start"]) / scale, float(word["end"]) / scale))
    return found


def aligned(words: Sequence[TimedWord], element: Mapping[str, Any]) -> list[TimedWord]:
    """Words of a source clip placed where the clip plays: source seconds → timeline seconds
    through the element's `time`, `in_point`, `out_point` and `speed`; words outside the trim
    are dropped, words cut by it are clipped to it."""
    time = float(element.get("time", 0) or 0)
    in_point = float(element.get("in_point", 0) or 0)
    out_point = element.get("out_point")
    speed = float(element.get("speed", 1) or 1)
    last = float(out_point) if out_point is not None else float("inf")
    placed = []
    for word in words:
        start, end = max(word.start, in_point), min(word.end, last)
        if end > start:
            placed.append(
                TimedWord(
                    word.text,
                    round(time + (start - in_point) / speed, 6),
                    round(time + (end - in_point) / speed, 6),
                )
            )
    return placed


def shifted(words: Sequence[TimedWord], offset: float) -> list[TimedWord]:
    return [TimedWord(w.text, max(0.0, w.start + offset), w.end + offset) for w in words]


def split_lines(
    words: Sequence[TimedWord], *, max_chars: int, pause: float
) -> list[list[TimedWord]]:
    """Consecutive words grouped into lines: a line ends after a sentence end, before a pause
    longer than `pause` seconds, or before a word that would make it longer than `max_chars`
    (a single longer word gets a line of its own)."""
    lines: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for word in words:
        if current and _breaks_before(current, word, max_chars, pause):
            lines.append(current)
            current = []
        current.append(word)
    if current:
        lines.append(current)
    return lines


def _breaks_before(line: list[TimedWord], word: TimedWord, max_chars: int, pause: float) -> bool:
    previous = line[-1]
    if previous.text.endswith(SENTENCE_ENDS):
        return True
    if word.start - previous.end > pause:
        return True
    return len(line_text(line)) + 1 + len(word.text) > max_chars


def line_text(line: Sequence[TimedWord]) -> str:
    return " ".join(word.text for word in line)
