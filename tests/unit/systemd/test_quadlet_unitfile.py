"""systemd's unit-file syntax as hutch.systemd.unitfile reads and writes it."""

from __future__ import annotations

import pytest

from hutch.systemd.unitfile import UnitSyntaxError, join_words, parse, split_words


def test_sections_keys_comments_and_whitespace() -> None:
    f = parse("# top\n[Unit]\n  Description = a b  \n; semi\n\n[Container]\nImage=x\n", "f")
    assert f.sections == ("Unit", "Container")
    assert [(e.section, e.key, e.value, e.line) for e in f.entries] == [
        ("Unit", "Description", "a b", 3),
        ("Container", "Image", "x", 7),
    ]


def test_continuation_lines_join_with_a_space_and_skip_comments() -> None:
    f = parse("[C]\nExec=a \\\n# note\n  b \\\n c\nNext=1\n", "f")
    assert f.last("C", "Exec") == "a  b  c"
    assert f.entries[0].line == 2 and f.entries[1].line == 6


def test_a_continuation_at_the_end_of_the_file_is_kept() -> None:
    assert parse("[C]\nExec=a \\", "f").last("C", "Exec") == "a"


def test_list_values_reset_by_an_empty_assignment() -> None:
    f = parse("[C]\nVolume=a\nVolume=\nVolume=b\nVolume=c\n", "f")
    assert f.values("C", "Volume") == ["b", "c"]
    assert f.last("C", "Volume") == "c"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[C]\nno equals here\n", 2, "missing '='"),
        ("Image=x\n", 1, "outside of a section"),
        ("[C]\n[]\n", 2, "invalid section header"),
        ("[C]\nbad key=1\n", 2, "invalid key"),
    ],
)
def test_syntax_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(UnitSyntaxError) as info:
        parse(text, "/x/web.container")
    assert info.value.line == line
    assert str(info.value).startswith(f"/x/web.container:{line}: ")
    assert message in str(info.value)


def test_drop_in_entries_follow_the_file() -> None:
    base = parse("[C]\nImage=a\n", "base")
    merged = base.merged(parse("[C]\nImage=b\n[Service]\nRestart=always\n", "drop"))
    assert merged.last("C", "Image") == "b"
    assert merged.sections == ("C", "Service")
    assert merged.entries[1].where == "drop:2"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("a b  c", ["a", "b", "c"]),
        ('"a b" c', ["a b", "c"]),
        ("'a \"b' c", ['a "b', "c"]),
        (r"a\ b", ["a b"]),
        (r'"tab\there" \x41\101\u00e9\s', ["tab\there", "AA\u00e9 "]),
        ('a"b c"', ['a"b', 'c"']),  # a quote opens a word only at its start
        ("", []),
    ],
)
def test_words_are_split_as_systemd_does(value: str, words: list[str]) -> None:
    assert split_words(value) == words


@pytest.mark.parametrize("value", ['"open', "a\\", r"\q", r"\x4", '"a"b'])
def test_bad_words_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        split_words(value)


def test_words_written_for_exec_lines_read_back_the_same() -> None:
    words = ["/usr/bin/hutch", "--env=B=two words", 'say "hi"', "back\\slash", "%N", "$HOME", ""]
    line = join_words(words)
    assert line.split(" ", 1)[0] == "/usr/bin/hutch"
    assert "%N" in line.split() and "$HOME" in line.split()
    assert split_words(line) == words
