"""Quadlet units under a real ``systemd --user`` in the guest (one boot).

hutch-quadlet is linked into a user generator directory of systemd
(/run/systemd/user-generators, which the guest's init lets the user write),
as the README says for /etc/systemd/user-generators; ``daemon-reload`` runs
it. Checked: the generated services exist and ``systemd-analyze verify``
accepts them; ``start`` brings the container up (Type=notify: READY=1 from
hutch) and its published port answers; killing the container makes systemd
restart the service (Restart=on-failure); ``stop`` removes the container; a
``.network``, a ``.volume`` and a ``.build`` are made by their own services
before the containers that use them. The services log to files in the phase's
directory (the guest has no journal), which the assertions show when they fail.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from guest import GuestResult, out, phase_result

BIN = Path(sys.executable).parent
HUTCH = BIN / "hutch"
QUADLET = BIN / "hutch-quadlet"

JOB = r"""
O=/run/out/phases/quadlet  # a phase of the systemd boot
if [ -z "$IN_SCOPE" ]; then
    IN_SCOPE=1 exec systemd-run --user --scope --quiet --unit=quadlet-job sh "$0"
fi
H={hutch}
$H import /run/out/rootfs.tar base > /dev/null 2> $O/import_err

U=$HOME/.config/containers/systemd
mkdir -p $U/app
ln -s {quadlet} /run/systemd/user-generators/hutch-user-generator
cat > $U/web.container <<'EOF'
[Unit]
Description=web server of the quadlet test

[Container]
Image=base
Volume=site.volume:/www
PublishPort=127.0.0.1:18080:8080
Exec=sh -c 'echo hello from quadlet > /www/index.html; exec httpd -f -p 8080 -h /www'

[Service]
Restart=on-failure
RestartSec=1
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/web.log
StandardError=append:/run/out/phases/quadlet/web.log
EOF
cat > $U/site.volume <<'EOF'
[Volume]
Label=purpose=quadlet-test
EOF
cat > $U/app.network <<'EOF'
[Network]
Subnet=10.89.77.0/24
EOF
cat > $U/app.build <<'EOF'
[Build]
ImageTag=localhost/quadlet-app:latest
File=app/Containerfile

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/app-build.log
StandardError=append:/run/out/phases/quadlet/app-build.log
EOF
printf 'FROM base\nCOPY msg /msg\n' > $U/app/Containerfile
echo built by a build unit > $U/app/msg
cat > $U/app.container <<'EOF'
[Container]
Image=app.build
Network=app.network
Exec=sleep 1000

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/app.log
StandardError=append:/run/out/phases/quadlet/app.log
EOF
cat > $U/broken.container <<'EOF'
[Container]
Image=base
NoSuchKey=1
EOF

{quadlet} -user -dryrun > $O/dryrun 2> $O/dryrun_err
echo $? > $O/dryrun_rc
G=$XDG_RUNTIME_DIR/systemd/generator
# Under TCG the generators can outlast systemctl's bus timeout (25 s): the
# reload goes on in the manager, so wait for its result.
systemctl --user daemon-reload 2> $O/reload_err
n=0
until [ -e $G/web.service ] && \
        [ "$(systemctl --user show -p LoadState --value web.service)" = loaded ]; do
    n=$((n + 1)); [ $n -gt 1200 ] && break; sleep 0.5
done
echo $n > $O/reload_polls
ls $G > $O/generated 2>&1
systemd-analyze --user verify $G/web.service $G/app.service > $O/verify 2>&1
echo $? > $O/verify_rc

port() {{
    /usr/bin/python3 - "$1" <<'PY'
import sys, time, urllib.request
deadline = time.time() + float(sys.argv[1])
while True:
    try:
        print(urllib.request.urlopen("http://127.0.0.1:18080/", timeout=3).read().decode().strip())
        break
    except OSError as exc:
        if time.time() > deadline:
            print(f"no answer: {{exc}}")
            break
        time.sleep(0.3)
PY
}}
t0=$(date +%s.%N)
systemctl --user start web.service 2> $O/start_err
echo $? > $O/start_rc
t1=$(date +%s.%N)
port 120 > $O/port_first
t2=$(date +%s.%N)
echo "$t0 $t1 $t2" > $O/start_times
systemctl --user show -p ActiveState -p SubState -p NRestarts -p Type web.service > $O/web_started
$H inspect --format '{{{{.Id}}}} {{{{.State.Pid}}}}' systemd-web > $O/first 2>&1

kill -9 $(cut -d' ' -f2 $O/first)
n=0
while [ $n -lt 240 ]; do
    restarts=$(systemctl --user show -p NRestarts --value web.service)
    state=$(systemctl --user show -p ActiveState --value web.service)
    [ "$restarts" -ge 1 ] 2>/dev/null && [ "$state" = active ] && break
    n=$((n + 1)); sleep 0.5
done
port 120 > $O/port_again
systemctl --user show -p ActiveState -p NRestarts web.service > $O/web_restarted
$H inspect --format '{{{{.Id}}}} {{{{.State.Pid}}}}' systemd-web > $O/second 2>&1

systemctl --user stop web.service 2> $O/stop_err
echo $? > $O/stop_rc
systemctl --user show -p ActiveState web.service > $O/web_stopped
$H ps -a --format '{{{{.Names}}}}' > $O/ps_after_stop 2>&1
$H volume inspect systemd-site > $O/site_volume 2>&1

systemctl --user start app.service 2> $O/app_start_err
echo $? > $O/app_start_rc
systemctl --user show -p ActiveState app-build.service app-network.service app.service \
    > $O/app_units 2>&1
$H exec systemd-app cat /msg > $O/app_msg 2>&1
$H inspect systemd-app > $O/app_inspect 2>&1
$H images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' > $O/images 2>&1
systemctl --user stop app.service
$H ps -a --format '{{{{.Names}}}}' > $O/ps_after_app 2>&1
cat $HOME/.local/share/hutch/containers/*/userdata/monitor.err > $O/monitor_err 2>/dev/null
true
"""


# A phase of the boot with a user manager, after test_vm_systemd.py's job
# (conftest.guest_boot); its scope has a name of its own for that reason.
GUEST_BOOT = "systemd"
GUEST_PHASES = {"quadlet": ("", JOB.format(hutch=HUTCH, quadlet=QUADLET))}


@pytest.fixture(scope="module")
def guest(guest_boot: Callable[[str], GuestResult]) -> GuestResult:
    result = phase_result(guest_boot(GUEST_BOOT), "quadlet")
    assert result.rc == 0, result.console[-3000:] + result.stderr
    return result


def logs(guest: GuestResult, *names: str) -> str:
    parts = []
    for name in ("web.log", "app.log", "app-build.log", "monitor_err", "systemd.log", *names):
        path = guest.out / name
        if path.exists():
            parts.append(f"--- {name}\n{path.read_text(errors='replace')[-1500:]}")
    return "\n".join(parts)


def props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_the_generator_runs_at_daemon_reload(guest: GuestResult) -> None:
    assert out(guest, "import_err") == ""
    generated = out(guest, "generated").split()
    for name in ("web.service", "app.service", "site-volume.service"):
        assert name in generated, (generated, out(guest, "reload_err"))
    assert "app-network.service" in generated and "app-build.service" in generated
    assert "broken.service" not in generated


def test_dryrun_warns_about_the_broken_unit(guest: GuestResult) -> None:
    assert out(guest, "dryrun_rc") == "1"
    assert "broken.container:3: unknown key NoSuchKey in [Container]" in out(guest, "dryrun_err")
    assert "---web.service---" in out(guest, "dryrun")


def test_systemd_analyze_verify_accepts_the_services(guest: GuestResult) -> None:
    assert out(guest, "verify_rc") == "0", out(guest, "verify")


def test_start_brings_the_container_up_and_the_port_answers(guest: GuestResult) -> None:
    assert out(guest, "start_rc") == "0", out(guest, "start_err") + logs(guest)
    assert out(guest, "port_first") == "hello from quadlet", logs(guest)
    state = props(out(guest, "web_started"))
    assert (state["ActiveState"], state["SubState"], state["Type"]) == (
        "active",
        "running",
        "notify",
    )


def test_a_killed_container_is_restarted_by_systemd(guest: GuestResult) -> None:
    state = props(out(guest, "web_restarted"))
    assert state["ActiveState"] == "active", logs(guest)
    assert int(state["NRestarts"]) >= 1
    first, second = out(guest, "first").split(), out(guest, "second").split()
    assert first[0] != second[0], "the restarted service runs a new container"
    assert out(guest, "port_again") == "hello from quadlet", logs(guest)


def test_stop_removes_the_container_and_keeps_the_volume(guest: GuestResult) -> None:
    assert out(guest, "stop_rc") == "0", out(guest, "stop_err")
    assert props(out(guest, "web_stopped"))["ActiveState"] in ("inactive", "failed")
    assert "systemd-web" not in out(guest, "ps_after_stop").split()
    (volume,) = json.loads(out(guest, "site_volume"))
    assert volume["Labels"] == {"purpose": "quadlet-test"}


def test_network_volume_and_build_units_come_first(guest: GuestResult) -> None:
    assert out(guest, "app_start_rc") == "0", out(guest, "app_start_err") + logs(guest)
    states = [v for k, v in (line.split("=", 1) for line in out(guest, "app_units").split())]
    assert states == ["active", "active", "active"], out(guest, "app_units")
    assert out(guest, "app_msg") == "built by a build unit"
    assert "localhost/quadlet-app:latest" in out(guest, "images").split()
    (info,) = json.loads(out(guest, "app_inspect"))
    assert list(info["NetworkSettings"]["Networks"]) == ["systemd-app"]
    assert info["Config"]["Image"].endswith("quadlet-app:latest")
    assert "systemd-app" not in out(guest, "ps_after_app").split()
