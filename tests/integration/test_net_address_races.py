"""Addresses on a user-defined network taken by commands running at once, for real
(issue 18): real hutch processes launched together, rootless.

Two creates of one static --ip: the store checks and inserts in one transaction,
so one gets it and the other is refused in podman's IPAM words (exit 125).
Dynamic addresses picked at once beside static ones are all distinct. A pod and
its clone hold one static address in turn (engine/address_claim.py): started at
once, one runs with it and the other is refused, never both; a start held after
its claim keeps the other start waiting on the address's lock until it runs.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from harness import Hutch
from pausepoint import Paused

WORDS = "IPAM error: requested ip address {} is already allocated to container ID {}"
ROUNDS = 5


def _at_once(hutch: Hutch, *commands: Sequence[str]) -> list[tuple[int, str, str]]:
    """Each command as its own hutch process, all launched before any is waited for."""
    processes = [hutch.popen(*argv) for argv in commands]
    done = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        done.append((process.returncode, out, err))
    return done


def _address(hutch: Hutch, container: str, network: str) -> str:
    data = json.loads(hutch("inspect", container).stdout)[0]
    return str(data["NetworkSettings"]["Networks"][network]["IPAddress"])


def test_two_creates_of_one_static_address_at_once_give_it_to_one(
    hutch: Hutch, base_image: str
) -> None:
    hutch("network", "create", "--subnet", "10.89.81.0/24", "racenet")
    for n in range(ROUNDS):
        address = f"10.89.81.{10 + n}"
        sleeper = (base_image, "sleep", "1000")
        on_it = ("--network", "racenet", "--ip", address, *sleeper)
        results = _at_once(hutch, *(("create", "--name", f"r{n}{x}", *on_it) for x in "ab"))
        made = [r for r in results if r[0] == 0]
        refused = [r for r in results if r[0] != 0]
        assert len(made) == 1 and len(refused) == 1, (n, results)
        winner = made[0][1].strip()
        assert refused[0][0] == 125, refused
        assert WORDS.format(address, winner) in refused[0][2], refused
        # the one made holds it, the other left nothing behind
        names = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
        assert len([x for x in names if x.startswith(f"r{n}")]) == 1, names
    listed = json.loads(hutch("network", "inspect", "racenet").stdout)[0]["containers"]
    assert len(listed) == ROUNDS, listed
    hutch("rm", "-a", "-f", "-t", "0")


def test_parallel_detached_runs_get_distinct_addresses_beside_static_ones(
    hutch: Hutch, base_image: str
) -> None:
    """Eight ``run -d`` at once, two of them asking for the addresses the dynamic
    ones pick first: every container made has an address of its own (in inspect and
    in its namespace), and a static one is refused only when another holds it."""
    hutch("network", "create", "--subnet", "10.89.82.0/24", "crowdnet")
    statics = {0: "10.89.82.2", 1: "10.89.82.3"}
    sleeper = (base_image, "sleep", "1000")
    head = ("run", "-d", "--network", "crowdnet")
    static = {i: ("--ip", address) for i, address in statics.items()}
    commands = [(*head, "--name", f"p{i}", *static.get(i, ()), *sleeper) for i in range(8)]
    results = _at_once(hutch, *commands)
    made = [i for i, r in enumerate(results) if r[0] == 0]
    for i, (code, _out, err) in enumerate(results):
        if code != 0:
            # only a static address can be taken already (by a dynamic pick)
            assert i in statics and code == 125, (i, code, err)
            assert f"IPAM error: requested ip address {statics[i]} is already allocated" in err
    assert len(made) >= 6, results
    addresses = {i: _address(hutch, f"p{i}", "crowdnet") for i in made}
    assert len(set(addresses.values())) == len(made), addresses
    for i in made:
        if i in statics:
            assert addresses[i] == statics[i]
        inside = hutch("exec", f"p{i}", "ip", "-o", "-4", "addr", "show", "eth0").stdout
        assert f"{addresses[i]}/24" in inside, (i, inside)
    hutch("rm", "-a", "-f", "-t", "0")


def _pod_with_clone(hutch: Hutch, address: str) -> tuple[str, str]:
    """Pod ``orig`` with a static address and its clone ``copy``, neither started:
    the infra ids."""
    hutch("network", "create", "--subnet", address.rsplit(".", 1)[0] + ".0/24", "podnet")
    hutch("pod", "create", "--name", "orig", "--network", "podnet", "--ip", address)
    hutch("pod", "clone", "orig", "copy")
    return tuple(  # type: ignore[return-value]
        hutch("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).stdout.strip()
        for pod in ("orig", "copy")
    )


def _running(hutch: Hutch, container: str) -> bool:
    return hutch("inspect", "--format", "{{.State.Running}}", container).stdout.strip() == "true"


def test_a_pod_and_its_clone_started_at_once_run_one_with_the_address(
    hutch: Hutch, base_image: str
) -> None:
    address = "10.89.83.9"
    infras = dict(zip(("orig", "copy"), _pod_with_clone(hutch, address), strict=True))
    for n in range(ROUNDS):
        starts = _at_once(hutch, *(("pod", "start", p) for p in infras))
        results = dict(zip(infras, starts, strict=True))
        started = [p for p, r in results.items() if r[0] == 0]
        assert len(started) == 1, (n, results)
        (winner,) = started
        (loser,) = set(infras) - {winner}
        code, _out, err = results[loser]
        assert code == 125 and WORDS.format(address, infras[winner]) in err, (n, results)
        assert _running(hutch, infras[winner]) and not _running(hutch, infras[loser])
        member = hutch("run", "--rm", "--pod", winner, base_image, "ip", "-4", "-o", "addr")
        assert f"{address}/24" in member.stdout, member.stdout
        hutch("pod", "stop", "-t", "0", winner)
    hutch("pod", "rm", "-f", "-t", "0", "orig", "copy")


def _waits_on(lock: Path, process: subprocess.Popen[str]) -> bool:
    """Whether ``process`` waits for the flock of ``lock`` (a ``->`` line of
    /proc/locks names the file's inode), or False once it has ended."""
    inode = f":{lock.stat().st_ino} "
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        with open("/proc/locks") as locks:
            if any("->" in line and inode in line for line in locks):
                return True
        time.sleep(0.05)  # polling the kernel's lock table, not waiting for time to pass
    return False


def test_a_start_held_after_its_claim_keeps_the_other_waiting_then_refused(
    hutch: Hutch, tmp_path: Path
) -> None:
    """The original's start stops after its claim, before its command runs (not
    running yet): the clone's start must not take the address then. It waits on the
    address's lock, and once the original runs it is refused."""
    address = "10.89.84.9"
    orig, _copy = _pod_with_clone(hutch, address)
    held = Paused(hutch, "start-before-go", tmp_path / "gate", "pod", "start", "orig")
    (lock,) = hutch.env.runtime_dir.rglob(f"claims/{address}")
    other = subprocess.Popen(
        [str(hutch.binary), "pod", "start", "copy"],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waiting = _waits_on(lock, other)
    code, _out, err = held.release()
    assert code == 0, err
    out, err = other.communicate(timeout=120)
    assert waiting, (other.returncode, out, err)
    assert other.returncode == 125 and WORDS.format(address, orig) in err, err
    assert _running(hutch, orig)
    hutch("pod", "rm", "-f", "-t", "0", "orig", "copy")
