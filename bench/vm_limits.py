"""The cost of resource limits: container start with and without them, in the cgroup v2 guest.

    python bench/vm_limits.py [-n RUNS] [--json]

Boots the test lane's QEMU guest (tests/vm/guest.py: pure cgroup v2, the
user's subtree delegated) once and, inside it, times ``hutch run --rm
--network none base true`` with no limit flags (the default pids limit
only) and with ``--memory 64m --cpus 1 --pids-limit 100``, alternating the
two so that load on the machine hits both. Prints the medians and their
ratio. The guest runs under TCG, so absolute times are many times the
host's; the ratio is the figure that matters.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from vmguest import GuestFailed, guest_times

LIMITS = "--memory 64m --cpus 1 --pids-limit 100"

JOB = r"""
H={hutch}
export XDG_DATA_HOME=/tmp/d XDG_CONFIG_HOME=/tmp/c XDG_RUNTIME_DIR=/tmp/r
mkdir -p -m 700 /tmp/r
$H import /run/out/rootfs.tar base >/dev/null
$H run --rm --network none base true; $H run --rm --network none {limits} base true
ms() {{ echo $(( $(date +%s%N) / 1000000 )); }}
for i in $(seq {runs}); do
    for kind in plain limits; do
        flags=""; [ $kind = limits ] && flags="{limits}"
        t0=$(ms); $H run --rm --network none $flags base true; t1=$(ms)
        echo "$kind $((t1 - t0))" >> /run/out/times
    done
done
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    hutch = Path(sys.executable).parent / "hutch"
    try:
        times = guest_times(JOB.format(hutch=hutch, runs=args.runs, limits=LIMITS))
    except GuestFailed as exc:
        print(f"vm_limits: {exc}", file=sys.stderr)
        return exc.code
    samples: dict[str, list[int]] = {"plain": [], "limits": []}
    for line in times.splitlines():
        kind, ms = line.split()
        samples[kind].append(int(ms))
    plain = statistics.median(samples["plain"])
    limited = statistics.median(samples["limits"])
    report = {
        "runs": args.runs,
        "plain_ms": plain,
        "limits_ms": limited,
        "ratio": round(limited / plain, 3),
        "limits": LIMITS,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"run --rm true, no limits (median of {args.runs}): {plain:.0f} ms")
        print(f"run --rm true, {LIMITS}: {limited:.0f} ms")
        print(f"ratio: {report['ratio']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
