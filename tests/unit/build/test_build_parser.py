"""The structure of a Containerfile: directives, lines, heredocs, stages, errors."""

from __future__ import annotations

import textwrap

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.instructions import (
    Arg,
    ArgDecl,
    Containerfile,
    Copy,
    From,
    Heredoc,
    Instruction,
    Run,
    Stage,
    Workdir,
)
from hutch.build.parser import parse


def cf(text: str) -> Containerfile:
    return parse(textwrap.dedent(text).lstrip("\n"), "Dockerfile")


def only(text: str) -> Instruction:
    """The single instruction after ``FROM scratch``."""
    parsed = cf("FROM scratch\n" + textwrap.dedent(text).lstrip("\n"))
    (instruction,) = parsed.stages[0].instructions
    return instruction


def fails(text: str, line: int, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        cf(text)
    assert str(info.value).startswith(f"Dockerfile:{line}: ")
    assert message in str(info.value)


# --- golden file -------------------------------------------------------------------


def test_golden_multi_stage_file() -> None:
    parsed = cf(
        """
        # syntax=docker/dockerfile:1
        ARG BASE=alpine:3.19
        ARG VERSION
        FROM --platform=$BUILDPLATFORM ${BASE} AS Builder
        WORKDIR /src
        RUN make \\
            all

        from builder as final
        COPY --from=builder /src/out /out
        """
    )
    assert parsed == Containerfile(
        filename="Dockerfile",
        directives={"syntax": "docker/dockerfile:1"},
        escape="\\",
        global_args=(
            Arg(line=2, original="ARG BASE=alpine:3.19", args=(ArgDecl("BASE", "alpine:3.19"),)),
            Arg(line=3, original="ARG VERSION", args=(ArgDecl("VERSION", None),)),
        ),
        stages=(
            Stage(
                index=0,
                name="builder",
                base="${BASE}",
                platform="$BUILDPLATFORM",
                from_instruction=From(
                    line=4,
                    original="FROM --platform=$BUILDPLATFORM ${BASE} AS Builder",
                    image="${BASE}",
                    name="builder",
                    platform="$BUILDPLATFORM",
                ),
                instructions=(
                    Workdir(line=5, original="WORKDIR /src", path="/src"),
                    Run(
                        line=6,
                        original="RUN make     all",
                        args=("make     all",),
                        shell_form=True,
                    ),
                ),
            ),
            Stage(
                index=1,
                name="final",
                base="builder",
                platform=None,
                from_instruction=From(
                    line=9, original="from builder as final", image="builder", name="final"
                ),
                instructions=(
                    Copy(
                        line=10,
                        original="COPY --from=builder /src/out /out",
                        sources=("/src/out",),
                        dest="/out",
                        from_="builder",
                    ),
                ),
            ),
        ),
    )
    assert parsed.stage("BUILDER").index == 0
    assert parsed.stage(1).name == "final"
    with pytest.raises(KeyError):
        parsed.stage("missing")


def test_instruction_names_in_any_case() -> None:
    parsed = cf("fRoM scratch\nWorkDir /a\nrun true\n")
    assert [type(i).__name__ for i in parsed.stages[0].instructions] == ["Workdir", "Run"]


def test_stage_without_name_and_several_stages_indexed() -> None:
    parsed = cf("FROM a\nFROM b AS x\nFROM c\n")
    assert [(s.index, s.name, s.base) for s in parsed.stages] == [
        (0, None, "a"),
        (1, "x", "b"),
        (2, None, "c"),
    ]


# --- directives --------------------------------------------------------------------


def test_directives_are_read_case_insensitively() -> None:
    parsed = cf("# SYNTAX = docker/dockerfile:1.7\n#escape=`\nFROM scratch\n")
    assert parsed.directives == {"syntax": "docker/dockerfile:1.7", "escape": "`"}
    assert parsed.escape == "`"


def test_directive_after_comment_is_a_comment() -> None:
    parsed = cf("# a comment\n# escape=`\nFROM scratch\nRUN echo \\\n  more\n")
    assert parsed.directives == {}
    run = parsed.stages[0].instructions[0]
    assert isinstance(run, Run)
    assert run.args == ("echo   more",)


def test_directive_after_blank_line_is_a_comment() -> None:
    assert parse("\n# escape=`\nFROM scratch\n").directives == {}


def test_unknown_directive_ends_directives() -> None:
    assert cf("# foo=bar\n# escape=`\nFROM scratch\n").directives == {}


def test_directive_after_instruction_is_a_comment() -> None:
    assert cf("FROM scratch\n# escape=`\n").escape == "\\"


def test_backtick_escape_for_continuations() -> None:
    run = only_with_escape("RUN dir c:\\ `\n  && echo done\n")
    assert isinstance(run, Run)
    assert run.args == ("dir c:\\   && echo done",)


def only_with_escape(body: str) -> Instruction:
    parsed = parse("# escape=`\nFROM scratch\n" + body, "Dockerfile")
    return parsed.stages[0].instructions[0]


def test_backslash_at_end_is_not_a_continuation_with_backtick_escape() -> None:
    parsed = parse("# escape=`\nFROM scratch\nWORKDIR c:\\\nRUN x\n", "Dockerfile")
    assert len(parsed.stages[0].instructions) == 2


def test_bad_escape_directive() -> None:
    fails("# escape=x\nFROM scratch\n", 1, "invalid escape token")


def test_duplicate_directive() -> None:
    fails("# escape=\\\n# escape=`\nFROM scratch\n", 2, "only one escape parser directive")


def test_byte_order_mark_and_crlf() -> None:
    parsed = parse("\ufeff# syntax=x\r\nFROM scratch\r\nRUN a \\\r\n b\r\n")
    assert parsed.directives == {"syntax": "x"}
    run = parsed.stages[0].instructions[0]
    assert isinstance(run, Run)
    assert run.args == ("a  b",)


# --- comments and continuations -----------------------------------------------------


def test_comments_and_blank_lines_between_instructions() -> None:
    parsed = cf("# c\n\nFROM scratch\n   # indented comment\n\nRUN a # not a comment\n")
    run = parsed.stages[0].instructions[0]
    assert isinstance(run, Run)
    assert run.line == 6
    assert run.args == ("a # not a comment",)


def test_continuation_drops_empty_and_comment_lines_and_keeps_first_line_number() -> None:
    parsed = cf(
        """
        FROM scratch
        RUN apt-get update && \\
            # install the tools

            apt-get install -y \\
              curl  \\
            git
        USER nobody
        """
    )
    run, user = parsed.stages[0].instructions
    assert isinstance(run, Run)
    assert run.line == 2
    assert run.args == ("apt-get update &&     apt-get install -y       curl      git",)
    assert run.original == "RUN " + run.args[0]
    assert user.line == 8


def test_continuation_with_trailing_whitespace_after_escape() -> None:
    run = only("RUN a \\   \n  b\n")
    assert isinstance(run, Run)
    assert run.args == ("a   b",)


def test_continuation_at_end_of_file() -> None:
    run = only("RUN a \\\n")
    assert isinstance(run, Run)
    assert run.args == ("a",)


# --- heredocs ------------------------------------------------------------------------


def test_run_heredoc_expanding() -> None:
    run = only(
        """
        RUN <<EOF
        echo $HOME
          indented
        EOF
        """
    )
    assert isinstance(run, Run)
    assert run.args == ("<<EOF",)
    assert run.heredocs == (
        Heredoc("EOF", "echo $HOME\n  indented\n", expand=True, chomp_tabs=False),
    )


@pytest.mark.parametrize("delimiter", ['"EOF"', "'EOF'", "E'O'F", "\\EOF"])
def test_quoted_heredoc_delimiter_disables_expansion(delimiter: str) -> None:
    run = only(f"RUN <<{delimiter}\necho $HOME\nEOF\n")
    assert isinstance(run, Run)
    assert run.heredocs == (Heredoc("EOF", "echo $HOME\n", expand=False, chomp_tabs=False),)


def test_heredoc_with_dash_strips_leading_tabs() -> None:
    run = only("RUN <<-EOF\n\techo a\n\t\techo b\n  spaces stay\n\tEOF\n")
    assert isinstance(run, Run)
    assert run.heredocs == (
        Heredoc("EOF", "echo a\necho b\n  spaces stay\n", expand=True, chomp_tabs=True),
    )


def test_heredoc_without_dash_needs_exact_delimiter_line() -> None:
    run = only("RUN <<EOF\n\tEOF\nEOF\n")
    assert isinstance(run, Run)
    assert run.heredocs[0].content == "\tEOF\n"


def test_several_heredocs_in_one_copy() -> None:
    parsed = cf(
        """
        FROM scratch
        COPY <<a.txt <<b.txt /dst/
        first
        a.txt
        second
        b.txt
        RUN true
        """
    )
    copy, run = parsed.stages[0].instructions
    assert isinstance(copy, Copy)
    assert copy.sources == ("<<a.txt", "<<b.txt")
    assert copy.dest == "/dst/"
    assert copy.heredocs == (
        Heredoc("a.txt", "first\n", expand=True, chomp_tabs=False),
        Heredoc("b.txt", "second\n", expand=True, chomp_tabs=False),
    )
    assert run.line == 7


def test_heredoc_with_command_and_file_descriptor() -> None:
    run = only("RUN python3 3<<PY\nprint(1)\nPY\n")
    assert isinstance(run, Run)
    assert run.args == ("python3 3<<PY",)
    assert run.heredocs == (Heredoc("PY", "print(1)\n", expand=True, chomp_tabs=False, fd=3),)


def test_heredoc_lines_are_not_comments_or_continuations() -> None:
    run = only("RUN <<EOF\n# kept\nline \\\n\nEOF\n")
    assert isinstance(run, Run)
    assert run.heredocs[0].content == "# kept\nline \\\n\n"


def test_empty_heredoc() -> None:
    run = only("RUN cat <<EOF\nEOF\n")
    assert isinstance(run, Run)
    assert run.heredocs[0].content == ""


def test_heredoc_marker_inside_quotes_is_not_a_heredoc() -> None:
    run = only("RUN echo '<<EOF'\n")
    assert isinstance(run, Run)
    assert run.heredocs == ()


def test_heredoc_not_read_for_exec_form_or_other_instructions() -> None:
    parsed = cf('FROM scratch\nRUN ["sh", "-c", "cat <<EOF"]\nENV A=<<EOF\n')
    run, env = parsed.stages[0].instructions
    assert isinstance(run, Run)
    assert run.heredocs == ()
    assert not run.shell_form
    assert env.line == 3


def test_unterminated_heredoc() -> None:
    fails("FROM scratch\nRUN <<EOF\necho hi\n", 2, "unterminated heredoc <<EOF")


# --- stages and structural errors --------------------------------------------------


def test_arg_before_from_is_global() -> None:
    parsed = cf("ARG A=1 B\nFROM img:$A\nARG A\n")
    assert parsed.global_args == (
        Arg(line=1, original="ARG A=1 B", args=(ArgDecl("A", "1"), ArgDecl("B"))),
    )
    assert parsed.stages[0].base == "img:$A"
    assert parsed.stages[0].instructions == (Arg(line=3, original="ARG A", args=(ArgDecl("A"),)),)


def test_empty_file() -> None:
    fails("", 1, "no instructions")


def test_comments_only() -> None:
    fails("# just a comment\n\n", 1, "no instructions")


def test_only_args_no_from() -> None:
    fails("# c\nARG A\n", 2, "no FROM")


def test_instruction_before_from() -> None:
    fails("ARG A\nRUN true\nFROM scratch\n", 2, "no FROM statement found: RUN before the first")
    fails("FROM scratch\nnosuch x\n", 2, 'Unknown instruction: "NOSUCH"')


def test_unknown_instruction() -> None:
    fails("FROM scratch\nRUNN true\n", 2, 'Unknown instruction: "RUNN"')


def test_duplicate_stage_name() -> None:
    fails("FROM a AS x\nFROM b AS X\n", 2, "duplicate stage name 'x'")


@pytest.mark.parametrize("name", ["1abc", "a b!", "-x", "a$b"])
def test_invalid_stage_name(name: str) -> None:
    fails(f"FROM a AS {name}\n", 1, "")


@pytest.mark.parametrize("rest", ["a b", "a AS", "a AS x y", "a FOR x", ""])
def test_from_argument_count(rest: str) -> None:
    fails(f"FROM {rest}\n", 1, "FROM requires")


def test_error_line_counts_heredoc_and_continuation_lines() -> None:
    fails("FROM scratch\nRUN <<EOF\na\nEOF\nRUN a \\\n b\nBOGUS\n", 7, "Unknown instruction")


def test_error_uses_given_filename() -> None:
    with pytest.raises(InvalidArgument, match=r"^ctx/Containerfile\.dev:1: "):
        parse("NOPE\n", "ctx/Containerfile.dev")


def test_default_filename() -> None:
    with pytest.raises(InvalidArgument, match=r"^Containerfile:1: "):
        parse("NOPE\n")


def test_here_string_is_not_a_heredoc() -> None:
    run = only('RUN cat <<<"hello"\n')
    assert isinstance(run, Run)
    assert run.heredocs == ()
