"""Caption lines from timed words (pure)."""

from __future__ import annotations

from framelane.projects.captions import TimedWord, aligned, split_lines


def words(*items: tuple[str, float, float]) -> list[TimedWord]:
    return [TimedWord(*item) for item in items]


def test_lines_break_at_sentences_pauses_and_length() -> None:
    found = split_lines(
        words(
            ("Yes!", 0, 0.2),
            ("And", 0.3, 0.5),
            ("then", 0.6, 0.8),
            ("more", 1.7, 1.9),
            ("words", 2.0, 2.2),
            ("here", 2.3, 2.4),
        ),
        max_chars=10,
        pause=0.8,
    )
    assert [[w.text for w in line] for line in found] == [
        ["Yes!"],
        ["And", "then"],
        ["more", "words"],
        ["here"],
    ]


def test_a_pause_of_exactly_the_limit_does_not_break() -> None:
    assert len(split_lines(words(("a", 0, 0.2), ("b", 1.0, 1.2)), max_chars=40, pause=0.8)) == 1


def test_words_are_placed_where_the_trimmed_clip_plays() -> None:
    clip = {"time": 2, "in_point": 10, "out_point": 14, "speed": 2}
    placed = aligned(
        words(("cut", 9.0, 9.5), ("edge", 9.8, 10.4), ("in", 12, 13), ("late", 13.8, 15)), clip
    )
    assert placed == words(("edge", 2.0, 2.2), ("in", 3.0, 3.5), ("late", 3.9, 4.0))
