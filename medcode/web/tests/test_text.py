"""The one list of characters no field may hold (claims, assistant questions, logs)."""

from __future__ import annotations

from medcode.web.text import unsafe_character, what_it_is


def test_it_names_the_first_character_no_field_may_hold() -> None:
    assert unsafe_character("99213 plain text") is None
    for text, char in [("a\x1bb", "\x1b"), ("a\u202eb", "\u202e"), ("a\ud800b", "\ud800")]:
        found = unsafe_character(text)
        assert found is not None and found.group() == char and found.start() == 1
    assert what_it_is("\ud800") == "half of a UTF-16 surrogate pair, not a character"
    assert what_it_is("\x1b") == "a control or text-direction character"


def test_line_breaks_and_tabs_are_allowed_only_when_asked() -> None:
    assert unsafe_character("what is\n\t99213?", line_breaks=True) is None
    assert unsafe_character("what is\n99213?") is not None
    found = unsafe_character("line\nbreak \x07", line_breaks=True)
    assert found is not None and found.group() == "\x07"
