"""Variable substitution as Docker's shell-word lexer does it."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.substitute import check_word, expand_words, split_raw, substitute

ENV = {"NAME": "world", "EMPTY": "", "SPACED": "a  b", "DIR": "/usr/local/bin"}


def sub(word: str, escape: str = "\\") -> str:
    return substitute(word, ENV, filename="Dockerfile", line=7, escape=escape)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("plain", "plain"),
        ("$NAME", "world"),
        ("${NAME}", "world"),
        ("hello-$NAME!", "hello-world!"),
        ("${NAME}s", "worlds"),
        ("$NAMEs", ""),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        ("$1", ""),
        ("a $ b", "a $ b"),
        ("cost$", "cost$"),
        ("$NAME $NAME", "world world"),
    ],
)
def test_plain_variables(word: str, expected: str) -> None:
    assert sub(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("${NAME:-x}", "world"),
        ("${EMPTY:-x}", "x"),
        ("${UNSET:-x}", "x"),
        ("${NAME-x}", "world"),
        ("${EMPTY-x}", ""),
        ("${UNSET-x}", "x"),
        ("${NAME:+x}", "x"),
        ("${EMPTY:+x}", ""),
        ("${UNSET:+x}", ""),
        ("${NAME+x}", "x"),
        ("${EMPTY+x}", "x"),
        ("${UNSET+x}", ""),
        ("${UNSET:-$NAME}", "world"),
        ("${UNSET:-${EMPTY:-deep}}", "deep"),
        ("${UNSET:-two words}", "two words"),
        ("${UNSET:-'q}'}", "q}"),
        ("${NAME:?must be set}", "world"),
        ("${EMPTY?must be set}", ""),
    ],
)
def test_modifiers(word: str, expected: str) -> None:
    assert sub(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("${DIR#*/}", "usr/local/bin"),
        ("${DIR##*/}", "bin"),
        ("${DIR%/*}", "/usr/local"),
        ("${DIR%%/l*}", "/usr"),
        ("${DIR#nomatch}", "/usr/local/bin"),
    ],
)
def test_pattern_removal(word: str, expected: str) -> None:
    assert sub(word) == expected


def test_required_with_message_names_file_and_line() -> None:
    with pytest.raises(InvalidArgument, match=r"^Dockerfile:7: UNSET: give a version$"):
        sub("${UNSET:?give a version}")


def test_required_colon_rejects_empty() -> None:
    with pytest.raises(InvalidArgument, match=r"^Dockerfile:7: EMPTY: is not allowed"):
        sub("${EMPTY:?}")


def test_required_without_colon_rejects_only_unset() -> None:
    with pytest.raises(InvalidArgument, match=r"^Dockerfile:7: UNSET: is not allowed to be unset"):
        sub("${UNSET?}")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (r"\$NAME", "$NAME"),
        (r"\${NAME}", "${NAME}"),
        (r"a\ b", "a b"),
        ("'$NAME'", "$NAME"),
        ('"$NAME"', "world"),
        ('"a \\"q\\" b"', 'a "q" b'),
        ('"\\$NAME"', "$NAME"),
        ('"back\\slash"', "back\\slash"),
        ("'it'\"'\"'s'", "it's"),
        ('""', ""),
        ("trailing\\", "trailing"),
        ("mixed'$NAME'\"$NAME\"$NAME", "mixed$NAMEworldworld"),
    ],
)
def test_quotes_and_escapes(word: str, expected: str) -> None:
    assert sub(word) == expected


def test_backtick_escape_token() -> None:
    assert sub("`$NAME", escape="`") == "$NAME"
    assert sub(r"C:\path\$NAME", escape="`") == r"C:\path\world"


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("'open", "single-quote"),
        ('"open', "double-quote"),
        ("${NAME", "missing '}'"),
        ("${UNSET:-x", "missing '}'"),
        ("${}", "bad substitution"),
        ("${NAME:3}", "unsupported modifier"),
        ("${NAME/a/b}", "unsupported modifier"),
    ],
)
def test_syntax_errors(word: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=r"^Dockerfile:7: .*" + message):
        sub(word)


def test_check_word_reports_syntax_but_not_required_values() -> None:
    check_word("${UNSET:?needed}", filename="F", line=3)
    with pytest.raises(InvalidArgument, match=r"^F:3: "):
        check_word('"open', filename="F", line=3)


def test_expand_words_splits_unquoted_expansions_only() -> None:
    assert expand_words("80 $SPACED '$SPACED' \"$SPACED\"", ENV) == (
        "80",
        "a",
        "b",
        "$SPACED",
        "a  b",
    )


def test_expand_words_keeps_empty_quoted_words_and_drops_empty_expansions() -> None:
    assert expand_words('a "" $EMPTY b', ENV) == ("a", "", "b")


def test_expand_words_escaped_space_joins() -> None:
    assert expand_words(r"a\ b c", ENV) == ("a b", "c")


def test_split_raw_keeps_quotes_and_escapes() -> None:
    assert split_raw("A=1 B=\"two words\" C='x y' D=a\\ b") == (
        "A=1",
        'B="two words"',
        "C='x y'",
        "D=a\\ b",
    )


def test_split_raw_escaped_quote_inside_double_quotes() -> None:
    assert split_raw('K="a \\" b" L') == ('K="a \\" b"', "L")


def test_split_raw_with_backtick_escape() -> None:
    assert split_raw("A=a` b C", escape="`") == ("A=a` b", "C")
