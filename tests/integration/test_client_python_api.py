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


def _script(hutch: Hutch, text: str) -> list[str]:
    """The lines a Python script (with hutch's interpreter and the test's store) printed."""
    python = hutch_binary().read_text().splitlines()[0].removeprefix("#!")
    done = subprocess.run(
        [python, "-c", text], env=hutch.env.environ(), capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_script_runs_a_container_through_the_python_api(hutch: Hutch, base_image: str) -> None:
    lines = _script(hutch, SCRIPT)
    assert lines[0] == "from-client"  # attached: the container's output is the script's
    out = json.loads(lines[-1])
    assert (out["exit"], out["status"], out["names"]) == (3, "exited", ["viaclient"])
    assert "".join(out["logs"]).strip() == "from-client"
    assert out["gone"] is True
    assert ["localhost/base:latest"] in out["images"]
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""  # the CLI sees the same store


MANY = """
import json, hutch
from hutch.api.errors import NoSuchObject
from hutch.client.containers import run_options

client = hutch.Client()
for name, tier in (("w1", "web"), ("w2", "web"), ("d1", "db")):
    client.containers.run(run_options(
        "base", ["sleep", "600"], name=name, labels={"tier": tier}, detach=True))
stopped = client.containers.select(filters=["label=tier=web"]).stop(timeout=0)
states = {c.name: c.status for c in client.containers.list(all=True)}
killed = client.containers.select(all=True).kill()
waited = client.containers.select("d1").wait()
mixed = client.containers.select("w1", "ghost").remove()
try:
    mixed.check()
    raised = ""
except NoSuchObject as exc:
    raised = str(exc)
gone = client.containers.select(all=True).remove(force=True)
print(json.dumps({
    "stopped": len(stopped.ids), "states": states, "killed": len(killed.ids),
    "d1_code": list(waited.exit_codes.values()), "mixed_ok": len(mixed.ids),
    "mixed_failed": [f.name for f in mixed.failures], "raised": raised,
    "gone": len(gone.ids), "left": [c.name for c in client.containers.list(all=True)],
}))
"""


def test_a_script_acts_on_many_containers_as_the_cli_verbs_on_many(
    hutch: Hutch, base_image: str
) -> None:
    out = json.loads(_script(hutch, MANY)[-1])
    assert out["stopped"] == 2  # the two the label filter matched, not d1
    assert out["states"] == {"w1": "exited", "w2": "exited", "d1": "running"}
    assert out["killed"] == 1  # kill --all: only the running one
    assert out["d1_code"] == [137]  # its KILL, as wait reports it
    # rm w1 ghost: ghost is reported, and check() raises it as missing; w1 stays, as
    # podman resolves every name before it acts (the CLI's rule too)
    assert (out["mixed_ok"], out["mixed_failed"]) == (0, ["ghost"])
    assert "ghost" in out["raised"]
    assert out["gone"] == 3 and out["left"] == []
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""


NETS_VOLUMES = """
import json, hutch
from hutch.api.errors import InvalidArgument
from hutch.client.containers import run_options

client = hutch.Client()
for name in ("n1", "n2"):
    client.networks.create(name)
for name in ("v1", "v2", "v3"):
    client.volumes.create(name)
client.containers.create(run_options("base", ["true"], name="user", network="n2",
                                     volumes=["v3:/d"]))

def shown(outcome):
    return {"ids": list(outcome.ids),
            "failed": [[f.name, f.error, f.exit_code] for f in outcome.failures]}

nets = shown(client.networks.remove_many(["n1", "ghostnet", "n2"]))
vols = shown(client.volumes.remove_many(["v1", "ghostvol", "v3"]))
refused = []
for kwargs in ({}, {"names": ["v2"], "all": True}):
    try:
        client.volumes.remove_many(**kwargs)
    except InvalidArgument as exc:
        refused.append(str(exc))
forced = client.networks.remove_many(["n2"], force=True, timeout=0).check()
every = client.volumes.remove_many(all=True, force=True).check()
print(json.dumps({"nets": nets, "vols": vols, "refused": refused, "forced": list(forced),
                  "every": sorted(every), "left": [v.name for v in client.volumes.list()]}))
"""


def test_a_script_removes_several_networks_and_volumes_in_one_call(
    hutch: Hutch, base_image: str
) -> None:
    """network rm / volume rm of several names: one report each, with the words and
    exit codes of the CLI (podman's: 1 for a missing one, 2 for one in use)."""
    out = json.loads(_script(hutch, NETS_VOLUMES)[-1])
    assert out["nets"]["ids"] == ["n1"]
    assert out["vols"]["ids"] == ["v1"]
    (ghostnet, busy_net) = out["nets"]["failed"]
    (ghostvol, busy_vol) = out["vols"]["failed"]
    assert (ghostnet[0], ghostnet[2], busy_net[0], busy_net[2]) == ("ghostnet", 1, "n2", 2)
    assert (ghostvol[0], ghostvol[2], busy_vol[0], busy_vol[2]) == ("ghostvol", 1, "v3", 2)
    assert busy_net[1] == (
        '"n2" has associated containers with it. Use -f to forcibly delete '
        "containers and pods: network is being used"
    )
    assert busy_vol[1].endswith("volume is being used")
    # the CLI says the same for the missing ones, with the same exit codes
    for noun, (name, words, code) in (("network", ghostnet), ("volume", ghostvol)):
        cli = hutch(noun, "rm", name, check=False)
        assert cli.returncode == code and cli.stderr.splitlines()[0] == f"Error: {words}"
    # podman's words for either mistake
    assert out["refused"] == ["choose either one or more volumes or all"] * 2
    assert out["forced"] == ["n2"]
    assert out["every"] == ["v2", "v3"] and out["left"] == []
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""  # -f took the user along
    assert hutch("network", "exists", "n2", check=False).returncode == 1
