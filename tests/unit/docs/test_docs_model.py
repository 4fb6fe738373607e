"""What the docs tests share: hutch's command tree and a small reader of its man pages.

The other test_docs_* modules import this one (pytest puts this directory on
sys.path). Everything is discovered from the typer app, so a new command is
checked as soon as it exists: it needs its man page and a regenerated
completion (contrib/gen-completions.py), and no change here.

The tests at the bottom pin the reader itself, so that a parsing slip cannot
make the page checks pass vacuously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import typer

from hutch.cli.app import build_app
from hutch.cli.clicknames import Command

REPO = Path(__file__).resolve().parents[3]
MAN_DIR = REPO / "man"
COMPLETIONS_DIR = REPO / "completions"

# A .TP tag naming an option: \fB\-\-env\fR or \fB\-e\fR (roff escapes each hyphen).
_OPTION_IN_TAG = re.compile(r"\\fB((?:\\-){1,2}[A-Za-z0-9](?:[A-Za-z0-9]|\\-)*)\\f[RP]")
_SO_LINK = re.compile(r"^\.so man1/(\S+\.1)\s*$")


@dataclass(frozen=True)
class CommandInfo:
    path: tuple[str, ...]  # () is hutch itself
    command: Command

    @property
    def label(self) -> str:
        return " ".join(("hutch", *self.path))

    @property
    def page(self) -> str:
        """podman's naming: hutch-image-inspect.1 for ``hutch image inspect``."""
        return "-".join(("hutch", *self.path)) + ".1"

    @property
    def subcommands(self) -> list[str]:
        subs: dict[str, Command] = getattr(self.command, "commands", {})
        return [name for name, sub in subs.items() if not sub.hidden]

    @property
    def options(self) -> set[str]:
        """Every long and short name of the command's visible options.

        ``--help`` is left out: every command has it, and only hutch(1) documents it.
        """
        names: set[str] = set()
        for param in self.command.params:
            if isinstance(param, typer.core.TyperOption) and not param.hidden:
                names.update(param.opts, param.secondary_opts)
        if not self.path:
            names.add("--help")
        return names


def all_commands() -> list[CommandInfo]:
    """hutch, its groups and their commands, depth first, hidden ones left out."""
    found: list[CommandInfo] = []

    def walk(command: Command, path: tuple[str, ...]) -> None:
        found.append(CommandInfo(path, command))
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                walk(sub, (*path, name))

    walk(typer.main.get_command(build_app()), ())
    return found


def so_target(text: str) -> str | None:
    """The page a ``.so man1/PAGE`` link page points to, or None for a full page."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and (m := _SO_LINK.match(lines[0])):
        return m.group(1)
    return None


def resolve_page(name: str) -> tuple[str, str]:
    """(name of the page holding the text, its text), following one .so link."""
    text = (MAN_DIR / name).read_text()
    target = so_target(text)
    if target is None:
        return name, text
    return target, (MAN_DIR / target).read_text()


def sections(text: str) -> dict[str, str]:
    """Section name (``.SH``) -> its roff source."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith(".SH "):
            current = line[4:].strip().strip('"')
            found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
    return found


def tags(section: str) -> list[str]:
    """The tag lines of a section's ``.TP`` paragraphs (the line after each .TP)."""
    lines = section.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.strip() == ".TP"]


def documented_options(text: str) -> set[str]:
    """Option names in the tags of the OPTIONS section, unescaped (--env, -e)."""
    names: set[str] = set()
    for tag in tags(sections(text).get("OPTIONS", "")):
        names.update(m.replace("\\-", "-") for m in _OPTION_IN_TAG.findall(tag))
    return names


def unescape(roff: str) -> str:
    """Roff source as plain text, enough to search it for command names."""
    text = re.sub(r"\\f[BIRP]", "", roff).replace("\\-", "-").replace("\\(aq", "'")
    return re.sub(r"^\.[A-Z]+ ?", "", text, flags=re.MULTILINE)


# ---- the reader itself --------------------------------------------------------

SAMPLE = r""".TH "HUTCH-DEMO" "1" "November 2025" "hutch" "User Commands"
.SH NAME
hutch\-demo \- a demo
.SH OPTIONS
.TP
\fB\-\-env\fR, \fB\-e\fR=\fINAME\fR[=\fIvalue\fR]
Text that mentions \fB\-\-not\-an\-option\fR outside a tag.
.TP
\fB\-\-no\-trunc\fR
Text.
.SH EXIT STATUS
.TP
\fB\-\-exit\fR
Not in OPTIONS.
"""


def test_documented_options_reads_tags_of_options_only() -> None:
    assert documented_options(SAMPLE) == {"--env", "-e", "--no-trunc"}


def test_sections_split_at_sh() -> None:
    assert list(sections(SAMPLE)) == ["NAME", "OPTIONS", "EXIT STATUS"]
    assert "hutch\\-demo" in sections(SAMPLE)["NAME"]


def test_so_target_only_for_one_line_link_pages() -> None:
    assert so_target(".so man1/hutch-images.1\n") == "hutch-images.1"
    assert so_target(SAMPLE) is None


def test_unescape_gives_searchable_text() -> None:
    assert unescape(r".B hutch image ls" + "\n" + r"\fBhutch\-rmi\fR(1)") == (
        "hutch image ls\nhutch-rmi(1)"
    )


def test_command_walk_finds_nested_commands_and_skips_hidden_ones() -> None:
    labels = [c.label for c in all_commands()]
    assert labels[0] == "hutch"
    assert "hutch image inspect" in labels
    assert "hutch system migrate" in labels
    assert "hutch image list" not in labels  # hidden alias of image ls


def test_command_options_include_short_and_secondary_names() -> None:
    run = next(c for c in all_commands() if c.path == ("run",))
    assert {"--network", "--net", "--env", "-e", "--rm"} <= run.options
    assert "--help" not in run.options
    assert CommandInfo((), all_commands()[0].command).page == "hutch.1"
