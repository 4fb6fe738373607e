"""``hutch system reset``: podman's question and answers, alike through the fast path
(cli/system_reset.py) and through typer (a global option the fast path does not take
sends the command there)."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch

# podman's list, less "all machines" (hutch has none)
ALL = ("all containers", "all pods", "all images", "all networks", "all build cache", "all volumes")


def test_reset_asks_as_podman_and_both_paths_answer_alike(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("create", "--name", "kept", base_image, "true")
    store = hutch("info", "--format", "{{.Store.GraphRoot}}|{{.Store.RunRoot}}").stdout
    graph_root, run_root = store.strip().split("|")
    question = (
        "WARNING! This will remove:\n"
        + "".join(f"        - {what}\n" for what in ALL)
        + f'        - the graphRoot directory: "{graph_root}"\n'
        + f'        - the runRoot directory: "{run_root}"\n'
        + "Are you sure you want to continue? [y/N] "
    )
    typer_path = ("--tmpdir", str(tmp_path))  # not a fast-path global: typer runs it
    for via in ((), typer_path):
        # podman reads the first letter; a line that is not a yes keeps everything
        for answer in ("n\n", "\n", "no way\n", "N\n"):
            said = hutch(*via, "system", "reset", input=answer, check=False)
            assert (said.returncode, said.stdout, said.stderr) == (0, question, ""), (via, said)
        # stdin at its end before a line: podman's reader's EOF, an error (exit 1)
        said = hutch(*via, "system", "reset", input="", check=False)
        assert (said.returncode, said.stderr) == (1, "Error: EOF\n"), (via, said)
        assert hutch("container", "exists", "kept", check=False).returncode == 0
    said = hutch("system", "reset", input="Yes\n")
    assert said.stdout == question
    assert hutch("container", "exists", "kept", check=False).returncode == 1
    assert hutch("images", "-q").stdout == ""
    # --force asks nothing, through either path, and an empty store is no error
    assert hutch("system", "reset", "--force").stdout == ""
    assert hutch(*typer_path, "system", "reset", "-f").stdout == ""
