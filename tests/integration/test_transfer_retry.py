"""``pull`` and ``push`` with ``--retry N --retry-delay DURATION`` (podman's, issue 15):
a registry that cannot be reached is tried again, each retry announced, until it
comes up or the tries run out; an answer of the registry's own (no such image) and
refused values are not retried. The registry is a small real server started late
on a port chosen first (stalling_registry.py, here serving in full)."""

from __future__ import annotations

import time

from harness import Hutch
from ports import free_port
from stalling_registry import stalling_registry

INSECURE = "--tls-verify=false"


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARN: ")]


def test_pull_retries_until_the_registry_comes_up(hutch: Hutch) -> None:
    port = free_port()
    ref = f"127.0.0.1:{port}/stall/pull:1"
    process = hutch.popen("pull", INSECURE, "--retry", "8", "--retry-delay", "500ms", ref)
    try:
        # refused twice (nothing listens yet) before the registry starts: read as it is
        # said (a sleep of 1.2 s saw one refusal only on a loaded machine)
        assert process.stderr is not None
        said = []
        while sum(line.startswith("WARN: Failed") for line in said) < 2:
            line = process.stderr.readline()
            assert line, said
            said.append(line)
        with stalling_registry(port=port, stall=False):
            out, rest = process.communicate(timeout=120)
        err = "".join(said) + rest
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, err
    warned = _warnings(err)
    assert len(warned) >= 2, err
    assert warned[0].startswith("WARN: Failed, retrying in 500ms ... (1/8). Error: ")
    assert "connection refused" in warned[0]
    assert err.count("Trying to pull") == 1  # said once, as podman's
    assert len(out.split()) == 1  # the image's id
    assert hutch("image", "exists", ref, check=False).returncode == 0


def test_pull_and_push_give_up_after_the_retries(hutch: Hutch, base_image: str) -> None:
    down = f"127.0.0.1:{free_port()}/gone/image:1"  # nothing listens there
    quick = ("--retry", "2", "--retry-delay", "50ms")
    pulled = hutch("pull", INSECURE, *quick, down, check=False)
    assert pulled.returncode == 125, pulled.stderr
    counts = [line.split(" ... ")[1].split(")")[0] for line in _warnings(pulled.stderr)]
    assert counts == ["(1/2", "(2/2"]
    assert "Traceback" not in pulled.stderr

    once = hutch("pull", INSECURE, "--retry", "0", down, check=False)
    assert once.returncode == 125 and _warnings(once.stderr) == []

    hutch("tag", base_image, down)
    pushed = hutch("push", INSECURE, *quick, down, check=False)
    assert pushed.returncode == 125
    assert pushed.stderr.count("WARN: Failed, retrying in 50ms") == 2


def test_the_registrys_own_answer_and_bad_values_are_not_retried(hutch: Hutch) -> None:
    with stalling_registry(stall=False) as reg:
        missing = f"127.0.0.1:{reg.port}/stall/none:1"
        started = time.monotonic()
        answer = hutch("pull", INSECURE, "--retry", "3", missing, check=False)
        assert answer.returncode == 125 and _warnings(answer.stderr) == [], answer.stderr
        assert time.monotonic() - started < 2  # no pause of 2 s before a retry
    for flags, words in (
        (("--retry-delay", "foobar"), 'Error: time: invalid duration "foobar"\n'),
        (
            ("--retry", "-1"),
            'Error: invalid argument "-1" for "--retry" flag: '
            'strconv.ParseUint: parsing "-1": invalid syntax\n',
        ),
    ):
        for verb in ("pull", "push"):
            refused = hutch(verb, INSECURE, *flags, "127.0.0.1:1/x:1", check=False)
            assert (refused.returncode, refused.stderr) == (125, words), (verb, flags)
