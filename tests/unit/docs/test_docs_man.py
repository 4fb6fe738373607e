"""Every command has a man page in podman's style, and the pages match the commands.

A page is ``man/hutch-<path>.1``; an alias (``hutch image ls`` for ``hutch
images``) may be a one-line ``.so man1/<page>`` link, as podman ships them,
and is then checked against the page it links to.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_docs_model import (
    MAN_DIR,
    CommandInfo,
    all_commands,
    documented_options,
    resolve_page,
    sections,
    so_target,
    unescape,
)

from hutch.api import pod_flags
from hutch.api.container_flags import flags_of
from hutch.cli.update import OWN_OPTIONS

COMMANDS = all_commands()
IDS = [c.label for c in COMMANDS]
PAGES = sorted(p.name for p in MAN_DIR.glob("*.1"))
FULL_PAGES = [p for p in PAGES if so_target((MAN_DIR / p).read_text()) is None]

ALWAYS = ("NAME", "SYNOPSIS", "DESCRIPTION", "SEE ALSO")
FOR_COMMANDS = ("EXIT STATUS", "EXAMPLES")  # commands that do something, not groups
PAGE_REF = re.compile(r"\\fB(hutch(?:\\-[a-z]+)*)\\fR\(1\)")


@pytest.mark.parametrize("cmd", COMMANDS, ids=IDS)
def test_each_command_has_a_page(cmd: CommandInfo) -> None:
    assert (MAN_DIR / cmd.page).is_file(), f"{cmd.label}: write man/{cmd.page}"


@pytest.mark.parametrize("cmd", COMMANDS, ids=IDS)
def test_page_documents_exactly_the_command_options(cmd: CommandInfo) -> None:
    page, text = resolve_page(cmd.page)
    documented = documented_options(text)
    missing = cmd.options - documented
    stale = documented - cmd.options
    assert not missing, f"{page} does not document {sorted(missing)} of {cmd.label}"
    assert not stale, f"{page} documents {sorted(stale)}, which {cmd.label} does not have"


@pytest.mark.parametrize("command", ["run", "create", "update"])
def test_page_documents_exactly_the_flag_table(command: str) -> None:
    # The option list of these pages is checked against the table itself
    # (api/container_flags.py), not only against the typer command built from it.
    page, text = resolve_page(f"hutch-{command}.1")
    table = {name for flag in flags_of(command) for name in flag.names}
    own = OWN_OPTIONS if command == "update" else frozenset()  # update's --restart
    assert documented_options(text) == table | own, page


@pytest.mark.parametrize("command", ["pod create", "pod clone"])
def test_pod_page_documents_exactly_the_pod_flag_table(command: str) -> None:
    # pod create and pod clone share their declarations (api/pod_flags.py)
    page, text = resolve_page(f"hutch-{command.replace(' ', '-')}.1")
    table = {name for flag in pod_flags.flags_of(command) for name in flag.names}
    own = {"--pod-id-file"} if command == "pod create" else set()
    assert documented_options(text) == table | own, page


@pytest.mark.parametrize("cmd", COMMANDS, ids=IDS)
def test_page_has_podman_sections(cmd: CommandInfo) -> None:
    page, text = resolve_page(cmd.page)
    found = sections(text)
    wanted = list(ALWAYS)
    if not cmd.subcommands or not cmd.path:
        wanted += FOR_COMMANDS
    if cmd.options:
        wanted.append("OPTIONS")
    if cmd.subcommands:
        wanted.append("COMMANDS")
    assert not [s for s in wanted if s not in found], f"{page} lacks sections"
    if "OPTIONS" in found:
        assert cmd.options, f"{page}: OPTIONS section for a command without options"


@pytest.mark.parametrize("cmd", COMMANDS, ids=IDS)
def test_synopsis_shows_how_the_command_is_typed(cmd: CommandInfo) -> None:
    page, text = resolve_page(cmd.page)
    synopsis = unescape(sections(text)["SYNOPSIS"])
    assert cmd.label in " ".join(synopsis.split()), f"{page}: SYNOPSIS lacks `{cmd.label}`"


@pytest.mark.parametrize("cmd", [c for c in COMMANDS if c.subcommands], ids=lambda c: c.label)
def test_group_page_lists_its_commands(cmd: CommandInfo) -> None:
    page, text = resolve_page(cmd.page)
    listed = unescape(sections(text)["COMMANDS"])
    for name in cmd.subcommands:
        sub_page = "-".join(("hutch", *cmd.path, name))
        assert re.search(rf"^({re.escape(name)}|{re.escape(sub_page)}\(1\))$", listed, re.M), (
            f"{page}: COMMANDS does not list {name}"
        )


def test_no_page_for_a_command_that_does_not_exist() -> None:
    expected = {c.page for c in COMMANDS}
    assert sorted(set(PAGES) - expected) == []


@pytest.mark.parametrize("page", FULL_PAGES)
def test_header_and_name_match_the_file(page: str) -> None:
    text = (MAN_DIR / page).read_text()
    stem = page.removesuffix(".1")
    assert text.startswith(f'.TH "{stem.upper()}" "1" '), f"{page}: .TH header"
    name = sections(text)["NAME"].strip()
    assert name.startswith(stem.replace("-", "\\-") + " \\- "), f"{page}: NAME line"


@pytest.mark.parametrize("page", PAGES)
def test_references_to_hutch_pages_resolve(page: str) -> None:
    text = (MAN_DIR / page).read_text()
    target = so_target(text)
    if target is not None:
        assert target in FULL_PAGES, f"{page} links to {target}, which is not a full page"
        return
    for ref in PAGE_REF.findall(text):
        assert ref.replace("\\-", "-") + ".1" in PAGES, f"{page} refers to {ref}(1)"


@pytest.mark.parametrize("page", ["hutch.1", "hutch-run.1", "hutch-unshare.1"])
def test_exit_status_of_run_like_commands_follows_podman(page: str) -> None:
    status = sections((MAN_DIR / page).read_text())["EXIT STATUS"]
    for code in ("125", "126", "127"):
        assert f"\\fB{code}\\fR" in status, f"{page}: exit status {code}"


def test_rmi_page_documents_its_exit_codes() -> None:
    status = sections((MAN_DIR / "hutch-rmi.1").read_text())["EXIT STATUS"]
    assert re.findall(r"\\fB(\d+)\\fR", status)[:4] == ["0", "1", "2", "125"]


def test_run_page_states_the_defaults() -> None:
    text = unescape((MAN_DIR / "hutch-run.1").read_text())
    flat = " ".join(text.split())
    assert "private (the default" in flat
    for cap in ("CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT"):
        assert cap in flat
    assert "/proc/kcore" in flat and "/proc/sysrq-trigger" in flat


def _groff() -> str:
    path = shutil.which("groff")
    # Debian's groff-base (pulled in by man-db) provides it; CI must install it.
    assert path, "groff is missing: apt-get install groff-base"
    return path


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_warnings(page: str, tmp_path: Path) -> None:
    # .so links name man1/PAGE, relative to the manual's root, as once installed.
    (tmp_path / "man1").symlink_to(MAN_DIR)
    result = subprocess.run(
        [_groff(), "-man", "-ww", "-z", f"man1/{page}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
