"""``hutch build --no-hosts`` and ``--http-proxy`` (issue 15): RUN's /etc/hosts and
proxy variables, seen from inside real steps and in the image they make."""

from __future__ import annotations

from pathlib import Path

from build_helpers import build, inspect, write_context
from harness import Hutch

OWN_HOSTS = """\
FROM base
RUN echo "10.9.8.7 own-host" > /etc/hosts
RUN cat /etc/hosts > /seen
"""

PROXY = """\
FROM base
RUN (env | grep -i _proxy | sort) > /proxy; true
"""


def test_no_hosts_steps_see_the_images_own_hosts_file(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """With --no-hosts a step's /etc/hosts is the rootfs's file: one step's write is
    in its layer and the next step reads it; without, hutch's file is mounted over
    it (localhost, and the write goes to the mount, not to the image)."""
    context = write_context(tmp_path / "ctx", {}, containerfile=OWN_HOSTS)
    build(hutch, context, "--no-hosts", "-t", "own-hosts")
    out = hutch("run", "--rm", "own-hosts", "cat", "/seen").stdout
    assert out == "10.9.8.7 own-host\n"
    build(hutch, context, "--no-cache", "-t", "made-hosts")
    seen = hutch("run", "--rm", "made-hosts", "cat", "/seen").stdout
    assert "own-host" not in seen and "localhost" in seen
    refused = build(hutch, context, "--no-hosts", "--add-host", "a:1.2.3.4", check=False)
    assert refused.returncode == 125
    assert "--no-hosts and --add-host conflict, can not be used together" in refused.stderr


def test_http_proxy_reaches_run_but_not_the_image(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=PROXY)
    env = {"http_proxy": "http://proxy.test:3128", "NO_PROXY": "x.test", "OTHER_VAR": "no"}
    build(hutch, context, "-t", "proxied", env=env)
    out = hutch("run", "--rm", "proxied", "cat", "/proxy").stdout
    assert out == "NO_PROXY=x.test\nhttp_proxy=http://proxy.test:3128\n"
    config_env = inspect(hutch, "proxied")["Config"].get("Env") or []
    assert not [item for item in config_env if "proxy" in item.lower()]
    build(hutch, context, "--no-cache", "--http-proxy=false", "-t", "unproxied", env=env)
    assert hutch("run", "--rm", "unproxied", "cat", "/proxy").stdout == ""
