"""``hutch run`` stdin and terminals: -i passes piped input, -t gives a pseudo-terminal."""

from __future__ import annotations

from harness import Hutch, run_in_pty


def test_interactive_passes_piped_stdin(hutch: Hutch, base_image: str) -> None:
    """With -i the container reads the caller's stdin: cat echoes it back."""
    result = hutch("run", "--rm", "-i", base_image, "cat", input="line one\nline two\n")
    assert result.stdout == "line one\nline two\n"


def test_without_interactive_stdin_is_empty(hutch: Hutch, base_image: str) -> None:
    """Without -i the container's stdin is empty even when the caller pipes data."""
    result = hutch(
        "run", "--rm", base_image, "sh", "-c", "cat; echo end", input="should not arrive\n"
    )
    assert result.stdout == "end\n"


def test_tty_gives_a_pseudo_terminal(hutch: Hutch, base_image: str) -> None:
    """-t under a terminal: the container has its own /dev/pts/0, with TERM set."""
    code, out = run_in_pty(
        hutch, ["run", "--rm", "-t", base_image, "sh", "-c", 'tty; echo "term=$TERM"']
    )
    assert code == 0, out
    lines = out.splitlines()
    assert "/dev/pts/0" in lines
    assert "term=xterm" in lines


def test_tty_window_size_follows_outer_terminal(hutch: Hutch, base_image: str) -> None:
    """The container's terminal gets the outer terminal's size (30 rows, 100 columns)."""
    code, out = run_in_pty(
        hutch,
        ["run", "--rm", "-t", base_image, "sh", "-c", "sleep 0.3; tty; stty size"],
        rows=30,
        cols=100,
    )
    assert code == 0, out
    assert out.splitlines() == ["/dev/pts/0", "30 100"]


def test_tty_window_size_is_set_before_the_command_starts(hutch: Hutch, base_image: str) -> None:
    """A command that asks for the window size first thing already sees 30x100."""
    # the gap is a race: five tries make a pass by luck very unlikely
    for _ in range(5):
        code, out = run_in_pty(
            hutch, ["run", "--rm", "-t", base_image, "stty", "size"], rows=30, cols=100
        )
        assert (code, out) == (0, "30 100\n")


def test_interactive_tty_passes_typed_input(hutch: Hutch, base_image: str) -> None:
    """-i -t: lines typed at the shell's prompt reach it, and its exit code comes back."""
    code, out = run_in_pty(
        hutch,
        ["run", "--rm", "-i", "-t", base_image, "sh"],
        steps=((b"# ", b"echo h''i\n"), (b"\nhi\r\n", b"exit 3\n")),
    )
    # the terminal echoes the typed `echo h''i`; only the shell's output is a bare "hi"
    assert "hi" in out.splitlines(), out
    assert code == 3, out


def test_interactive_tty_keeps_typeahead(hutch: Hutch, base_image: str) -> None:
    """Input typed while hutch is still starting reaches the container (is not flushed)."""
    # were "exit 3" lost, the shell would wait at its prompt: "exit 4" then ends it
    code, out = run_in_pty(
        hutch,
        ["run", "--rm", "-i", "-t", base_image, "sh"],
        typeahead=b"exit 3\n",
        steps=((b"# ", b"exit 4\n"),),
    )
    assert code == 3, out
