"""``compose up`` and ``compose logs`` with services whose log driver keeps nothing
(``none``, ``passthrough``): docker compose's warning for each, no failed reader,
and the foreground ``up`` still sees their exits without waiting on them."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch

COMPOSE = """\
services:
  loud: {{image: {image}, command: echo hello}}
  quiet:
    image: {image}
    command: ["sh", "-c", "echo unseen; sleep 3; exit 2"]
    logging: {{driver: none}}
  pt:
    image: {image}
    command: ["sh", "-c", "echo straight-through"]
    logging: {{driver: passthrough}}
"""


def test_up_and_logs_pass_over_services_without_a_log(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image))
    compose = ("compose", "-p", "unl", "-f", str(tmp_path / "compose.yaml"))
    up = hutch(*compose, "up", "-t", "0", check=False, timeout=120)
    assert up.returncode == 0, up.stderr
    for name in ("unl-quiet-1", "unl-pt-1"):
        assert f'WARN: Can\'t retrieve logs for "{name}": this container is using' in up.stderr
    assert "Traceback" not in up.stderr and "Exception in thread" not in up.stderr
    out = up.stdout
    assert "loud-1   | hello\n" in out
    assert "unseen" not in out
    # the passthrough container wrote to up's own stdout, with no prefix
    assert "straight-through\n" in out.splitlines(keepends=True)
    # its exit is seen, after the others': nothing waited on it in the meantime
    assert "quiet-1 exited with code 2\n" in out and "pt-1 exited with code 0\n" in out
    assert out.index("loud-1 exited with code 0") < out.index("quiet-1 exited with code 2")
    logs = hutch(*compose, "logs", check=False)
    assert logs.returncode == 0, logs.stderr
    assert "loud-1   | hello\n" in logs.stdout
    assert 'Can\'t retrieve logs for "unl-quiet-1"' in logs.stderr
    assert "Traceback" not in logs.stderr
    hutch(*compose, "down", "-t", "0", timeout=60)
