"""``hutch.Client`` rootless: a script (a Python process of its own, as a user's
would be) runs a container, reads its logs, inspects and removes it."""

from __future__ import annotations

import json
import subprocess

from harness import Hutch, hutch_binary

SCRIPT = """
import json, hutch
from hutch.client.containers import run_options

client = hutch.Client()
report = client.containers.run(
    run_options("base", ["sh", "-c", "echo from-client; exit 3"], name="viaclient")
)
state = client.containers.inspect("viaclient").state
names = [c.name for c in client.containers.list(all=True)]
logs = [line.text.decode() for line in client.containers.logs("viaclient")]
client.containers.remove("viaclient")
print(json.dumps({
    "exit": report.exit_code, "status": state.status, "names": names, "logs": logs,
    "gone": not client.containers.exists("viaclient"),
    "images": [i.names for i in client.images.list()],
}))
"""


def test_a_script_runs_a_container_through_the_python_api(hutch: Hutch, base_image: str) -> None:
    python = hutch_binary().read_text().splitlines()[0].removeprefix("#!")
    done = subprocess.run(
        [python, "-c", SCRIPT], env=hutch.env.environ(), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "from-client"  # attached: the container's output is the script's
    out = json.loads(lines[-1])
    assert (out["exit"], out["status"], out["names"]) == (3, "exited", ["viaclient"])
    assert "".join(out["logs"]).strip() == "from-client"
    assert out["gone"] is True
    assert ["localhost/base:latest"] in out["images"]
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""  # the CLI sees the same store
