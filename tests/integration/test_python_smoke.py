"""One pass over hutch's main paths, run on every Python the CI matrix covers.

contrib/test.sh runs this file again with the venvs of Python 3.10 and 3.13
(the suite itself runs on Debian's 3.11): import, run, build, push and pull
through a loopback registry, exec and logs, with the hutch of that venv.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from build_helpers import build, write_context
from harness import Hutch, hutch_binary
from registry_helpers import running_registry

CONTAINERFILE = """\
FROM base
RUN echo "built on $(uname -s)" > /built
CMD ["cat", "/built"]
"""


def test_hutch_runs_on_the_interpreter_of_the_tests() -> None:
    # The console script of this venv starts the same Python as pytest does.
    shebang = hutch_binary().read_text().splitlines()[0].removeprefix("#!")
    code = "import sys; print(sys.version_info[:2])"
    out = subprocess.run([shebang, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(sys.version_info[:2])


def test_the_installed_command_starts_without_re() -> None:
    # hutch's own launcher (contrib/launcher/hutch), not pip's entry-point wrapper,
    # which imports ``re`` and with it ``enum``: 4 ms of the 8 of ``--version``.
    binary = hutch_binary()
    shebang = binary.read_text().splitlines()[0].removeprefix("#!")
    out = subprocess.run(
        [shebang, "-X", "importtime", str(binary), "--version"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.startswith("hutch version ")
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}
    assert "hutch.cli.main" in imported
    assert not imported & {"re", "enum"}


def test_import_run_build_pull_exec_logs(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    assert hutch("run", "--rm", base_image, "echo", "hi").stdout == "hi\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=CONTAINERFILE)
    build(hutch, context, "-t", "smoke")
    assert hutch("run", "--rm", "smoke").stdout == "built on Linux\n"
    with running_registry(tmp_path / "registry", "plain") as registry:
        ref = registry.ref("smoke/app:1")
        hutch("push", "--tls-verify=false", "smoke", ref)
        hutch("rmi", "smoke")
        hutch("pull", "--tls-verify=false", ref)
    cid = hutch("run", "-d", ref, "sh", "-c", "cat /built; echo ready; sleep 60").stdout.strip()
    assert hutch("exec", cid, "cat", "/built").stdout == "built on Linux\n"
    deadline = time.monotonic() + 20  # a loaded machine may be slow to flush
    while "ready" not in (logs := hutch("logs", cid).stdout) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert logs == "built on Linux\nready\n"
    hutch("rm", "-f", "-t", "0", cid)
