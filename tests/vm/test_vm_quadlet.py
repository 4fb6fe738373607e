"""Quadlet units under a real ``systemd --user`` in the guest (one boot).

hutch-quadlet is linked into a user generator directory of systemd
(/run/systemd/user-generators, which the guest's init lets the user write),
as the README says for /etc/systemd/user-generators; ``daemon-reload`` runs
it. Checked: the generated services exist and ``systemd-analyze verify``
accepts them; ``start`` brings the container up (Type=notify: READY=1 from
hutch) and its published port answers; killing the container makes systemd
restart the service (Restart=on-failure); ``stop`` removes the container; a
``.network``, a ``.volume`` and a ``.build`` are made by their own services
before the containers that use them; ``Notify=true`` (``--sdnotify=container``)
makes the unit active only when the container itself says READY=1 (5 s after it
starts); a ``.pod`` runs two ``.container`` units that share its localhost and
its ``/dev/shm`` (``ShmSize=``); a
``.kube`` unit plays its YAML and its stop takes the pod down; a ``generate
systemd --new`` unit runs its container as a service; ``auto-update`` against a
registry on loopback (Debian's docker-registry, from the host's root like every
other binary here) restarts a ``AutoUpdate=registry`` service on the image newly
pushed under its name, and rolls a broken one (its entrypoint missing, so the
restart fails) back to the image before. The services log to files in the
phase's directory (the guest has no journal), which the assertions show when
they fail. The ``t_*`` files time the parts (seconds since the epoch).
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
$H import -q /run/out/rootfs.tar base > /dev/null 2> $O/import_err

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

# Further units (issue 19's Tests): Notify=true, a .pod with two members, a
# .kube, and one auto-update follows; each container leaves on SIGTERM at
# once (trap) so that no stop waits out its timeout.
# the sender, built static on the host (conftest: gcc in the guest took minutes)
cp /run/out/sd_notify_send $O/sd_notify_send && chmod 755 $O/sd_notify_send
mkdir -p $O/late
cat > $U/late.container <<'EOF'
[Container]
Image=base
Notify=true
Network=none
Volume=/run/out/phases/quadlet/late:/w
Volume=/run/out/phases/quadlet/sd_notify_send:/sd_notify_send:ro
Exec=sh -c 'trap "exit 0" TERM; cat /proc/uptime > /w/started; sleep 5; \
    cat /proc/uptime > /w/ready; /sd_notify_send READY=1; sleep 1000 & wait'

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/late.log
StandardError=append:/run/out/phases/quadlet/late.log
EOF
cat > $U/duo.pod <<'EOF'
[Pod]
ShmSize=2m

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/duo.log
StandardError=append:/run/out/phases/quadlet/duo.log
EOF
cat > $U/duo-web.container <<'EOF'
[Container]
Image=base
Pod=duo.pod
Exec=sh -c 'trap "exit 0" TERM; mkdir /www; echo from the pod web > /www/index.html; \
    echo left by web > /dev/shm/note; httpd -f -p 127.0.0.1:8081 -h /www & wait'

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/duo.log
StandardError=append:/run/out/phases/quadlet/duo.log
EOF
cat > $U/duo-client.container <<'EOF'
[Container]
Image=base
Pod=duo.pod
Exec=sh -c 'trap "exit 0" TERM; sleep 1000 & wait'

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/duo.log
StandardError=append:/run/out/phases/quadlet/duo.log
EOF
cat > $U/kp.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: kp
spec:
  containers:
  - name: box
    image: localhost/base:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; echo from kube > /tmp/msg; sleep 1000 & wait"]
EOF
cat > $U/kp.kube <<'EOF'
[Kube]
Yaml=kp.yaml
Network=none

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/kp.log
StandardError=append:/run/out/phases/quadlet/kp.log
EOF
cat > $U/upd.container <<'EOF'
[Container]
Image=127.0.0.1:15000/quadlet/upd:latest
AutoUpdate=registry
Network=none
Exec=sh -c 'trap "exit 0" TERM; sleep 1000 & wait'

[Service]
TimeoutStartSec=600
StandardOutput=append:/run/out/phases/quadlet/upd.log
StandardError=append:/run/out/phases/quadlet/upd.log
EOF
# The keys of this session's round: [Volume] Copy=, User=, Group=, Driver=image
# with Image=; [Network] IPAMDriver=, InterfaceName=, DNS=.
cat > $U/owned.volume <<'EOF'
[Volume]
User=1000
Group=1000
Copy=false
EOF
cat > $U/imgvol.volume <<'EOF'
[Volume]
Driver=image
Image=base
EOF
cat > $U/bare.network <<'EOF'
[Network]
IPAMDriver=none
InterfaceName=qbare0
EOF
cat > $U/dnsnet.network <<'EOF'
[Network]
DNS=192.0.2.53
EOF
# generate systemd --new: a unit of the user's own, loaded by the same reload
mkdir -p $HOME/.config/systemd/user
$H create --name gen --network none base sh -c 'trap "exit 0" TERM; sleep 1000 & wait' \
    > $O/gen_created 2>&1
(cd $HOME/.config/systemd/user && $H generate systemd --new --name --files gen) \
    > $O/gen_files 2>&1
$H rm gen > /dev/null 2>&1

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
systemd-analyze --user verify $G/web.service $G/app.service $G/late.service \
    $G/duo-pod.service $G/duo-web.service $G/kp.service $G/upd.service > $O/verify 2>&1
echo $? > $O/verify_rc
# its Documentation= names hutch's man page, which man(1) cannot find uninstalled
systemd-analyze --user verify --man=no $HOME/.config/systemd/user/container-gen.service \
    > $O/gen_verify 2>&1
echo $? > $O/gen_verify_rc

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
systemctl --user start owned-volume.service imgvol-volume.service bare-network.service \
    dnsnet-network.service 2> $O/keys_start_err
echo $? > $O/keys_start_rc
$H volume inspect systemd-owned systemd-imgvol > $O/keys_volumes 2>&1
$H network inspect systemd-bare systemd-dnsnet > $O/keys_networks 2>&1
$H run --rm --network none -v systemd-owned:/o -v systemd-imgvol:/i base \
    sh -c 'stat -c "%u %g" /o; test -x /i/bin/sh && echo image' > $O/keys_run 2>&1
date +%s.%N > $O/t_more_start

# Notify=true (--sdnotify=container): active only once the container says READY=1,
# which it does 5 s after it starts.
systemctl --user start --no-block late.service 2> $O/late_start_err
n=0
until [ -s $O/late/started ]; do n=$((n + 1)); [ $n -gt 3000 ] && break; sleep 0.1; done
systemctl --user show -p ActiveState -p SubState late.service > $O/late_waiting
n=0
until [ "$(systemctl --user show -p ActiveState --value late.service)" = active ]; do
    n=$((n + 1)); [ $n -gt 1200 ] && break; sleep 0.2
done
systemctl --user show -p ActiveState -p Type -p InactiveExitTimestampMonotonic \
    -p ActiveEnterTimestampMonotonic late.service > $O/late_active
systemctl --user stop late.service
date +%s.%N > $O/t_late

# A .pod with two .container units: both run in it and share its localhost.
systemctl --user start duo-pod.service duo-web.service duo-client.service 2> $O/duo_start_err
echo $? > $O/duo_start_rc
systemctl --user show -p ActiveState duo-pod.service duo-web.service duo-client.service \
    > $O/duo_units 2>&1
$H pod inspect systemd-duo > $O/duo_pod 2>&1
$H exec systemd-duo-client sh -c \
    'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8081/ && break; sleep 1; done
     cat /dev/shm/note; df -k /dev/shm | tail -1' > $O/duo_fetch 2>&1
systemctl --user stop duo-pod.service
$H pod ps --format '{{{{.Name}}}}' > $O/pods_after_duo 2>&1
$H ps -a --format '{{{{.Names}}}}' > $O/ps_after_duo 2>&1
date +%s.%N > $O/t_duo

# A .kube unit: its YAML's pod runs; stop takes it down.
systemctl --user start kp.service 2> $O/kp_start_err
echo $? > $O/kp_start_rc
systemctl --user show -p ActiveState -p Type -p NotifyAccess kp.service > $O/kp_state
$H pod ps --format '{{{{.Name}}}} {{{{.Status}}}}' > $O/kp_pods 2>&1
$H exec kp-box cat /tmp/msg > $O/kp_msg 2>&1
systemctl --user stop kp.service
systemctl --user show -p ActiveState -p Result kp.service > $O/kp_after_stop
$H pod ps --format '{{{{.Name}}}}' > $O/pods_after_kp 2>&1
$H ps -a --format '{{{{.Names}}}}' > $O/ps_after_kp 2>&1
date +%s.%N > $O/t_kp

# generate systemd --new: the unit runs the container as a service; stop removes it.
systemctl --user start container-gen.service 2> $O/gen_start_err
echo $? > $O/gen_start_rc
systemctl --user show -p ActiveState -p Type container-gen.service > $O/gen_state
$H inspect --format '{{{{.State.Status}}}} {{{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}}}' \
    gen > $O/gen_inspect 2>&1
systemctl --user stop container-gen.service
$H ps -a --format '{{{{.Names}}}}' > $O/ps_after_gen 2>&1
date +%s.%N > $O/t_gen

# auto-update against a registry on loopback (Debian's docker-registry, from the
# host's root): a new image restarts the service on it, a broken one rolls back.
mkdir -p $HOME/reg $HOME/.config/containers
cat > $HOME/reg/config.yml <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $HOME/reg/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:15000
  secret: hutch-tests
EOF
printf '[[registry]]\nlocation = "127.0.0.1:15000"\ninsecure = true\n' \
    > $HOME/.config/containers/registries.conf
docker-registry serve $HOME/reg/config.yml > $O/registry.log 2>&1 &
REG=$!
R=127.0.0.1:15000/quadlet/upd:latest
digest() {{
    /usr/bin/python3 - <<'PY'
import urllib.request
req = urllib.request.Request(
    "http://127.0.0.1:15000/v2/quadlet/upd/manifests/latest", method="HEAD",
    headers={{"Accept": "application/vnd.oci.image.manifest.v1+json, "
                       "application/vnd.docker.distribution.manifest.v2+json"}},
)
print(urllib.request.urlopen(req, timeout=30).headers["Docker-Content-Digest"])
PY
}}
publish() {{  # publish TAG CHANGE: a new image under $R, in the registry only
    $H import --change "$2" /run/out/rootfs.tar localhost/upd:$1 > /dev/null
    $H push localhost/upd:$1 $R 2>> $O/push_err
    $H rmi localhost/upd:$1 > /dev/null
    digest > $O/digest_$1 2>&1
}}
n=0
until /bin/busybox wget -q -O /dev/null http://127.0.0.1:15000/v2/ 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 600 ] && break; sleep 0.1
done
publish v1 'ENV V=1'
F='{{{{.Id}}}} {{{{.Image}}}} {{{{.ImageDigest}}}}'
systemctl --user start upd.service 2> $O/upd_start_err
echo $? > $O/upd_start_rc
$H inspect --format "$F" systemd-upd > $O/upd_v1 2>&1
$H auto-update --format json > $O/au_none 2> $O/au_none_err
echo $? > $O/au_none_rc
publish v2 'ENV V=2'
$H auto-update --format json > $O/au_new 2> $O/au_new_err
echo $? > $O/au_new_rc
systemctl --user show -p ActiveState upd.service > $O/upd_state_v2
$H inspect --format "$F" systemd-upd > $O/upd_v2 2>&1
$H exec systemd-upd sh -c 'echo $V' > $O/upd_env_v2 2>&1
publish bad 'ENTRYPOINT ["/no/such/binary"]'
$H auto-update --format json > $O/au_bad 2> $O/au_bad_err
echo $? > $O/au_bad_rc
systemctl --user show -p ActiveState upd.service > $O/upd_state_bad
$H inspect --format "$F" systemd-upd > $O/upd_after_bad 2>&1
$H exec systemd-upd sh -c 'echo $V' > $O/upd_env_after_bad 2>&1
$H image inspect --format '{{{{.Id}}}}' $R > $O/upd_name_after_bad 2>&1
systemctl --user stop upd.service
kill $REG
date +%s.%N > $O/t_upd

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


def test_the_volume_and_network_keys_of_the_later_round(guest: GuestResult) -> None:
    # issue 19: Copy=, User=, Group=, Driver=image + Image=; IPAMDriver=, InterfaceName=, DNS=
    assert out(guest, "keys_start_rc") == "0", out(guest, "keys_start_err") + logs(guest)
    owned, image = json.loads(out(guest, "keys_volumes"))
    assert owned["Options"] == {
        "GID": "1000",
        "UID": "1000",
        "nocopy": "",
        "o": "uid=1000,gid=1000",
    }
    assert (image["Driver"], image["Options"]) == ("image", {"image": "base"})
    bare, dns = json.loads(out(guest, "keys_networks"))
    assert bare["ipam_options"] == {"driver": "none"}
    assert bare["network_interface"] == "qbare0"
    assert dns["network_dns_servers"] == ["192.0.2.53"]
    assert out(guest, "keys_run").splitlines() == ["1000 1000", "image"]


def floats(text: str) -> list[float]:
    return [float(w) for w in text.split()]


def test_notify_true_is_active_only_once_the_container_says_ready(guest: GuestResult) -> None:
    started, ready = floats(out(guest, "late/started"))[0], floats(out(guest, "late/ready"))[0]
    assert ready - started >= 5
    # the container ran, had not said READY=1 yet: the unit was still starting
    assert props(out(guest, "late_waiting")) == {
        "ActiveState": "activating",
        "SubState": "start",
    }, out(guest, "late_start_err") + logs(guest, "late.log")
    state = props(out(guest, "late_active"))
    assert (state["ActiveState"], state["Type"]) == ("active", "notify"), logs(guest, "late.log")
    # /proc/uptime (the container's) and systemd's monotonic stamps are one clock
    # here (the guest never suspends): active from READY=1 on, not before
    active_at = int(state["ActiveEnterTimestampMonotonic"]) / 1e6
    assert active_at >= ready - 0.02, (active_at, ready)
    assert active_at - int(state["InactiveExitTimestampMonotonic"]) / 1e6 >= 5


def test_a_pod_unit_runs_its_two_containers_on_one_localhost(guest: GuestResult) -> None:
    assert out(guest, "duo_start_rc") == "0", out(guest, "duo_start_err") + logs(guest, "duo.log")
    states = [line.split("=", 1)[1] for line in out(guest, "duo_units").split()]
    assert states == ["active", "active", "active"], out(guest, "duo_units")
    pod = json.loads(out(guest, "duo_pod"))  # one pod: an object, as podman 4's
    assert pod["Name"] == "systemd-duo"
    members = {c["Name"]: c["State"] for c in pod["Containers"]}
    assert members["systemd-duo-web"] == members["systemd-duo-client"] == "running", members
    fetched, note, shm = out(guest, "duo_fetch").splitlines()
    assert fetched == "from the pod web", logs(guest, "duo.log")
    # one /dev/shm for the pod (ShmSize=2m), the infra's: what one member left there
    assert note == "left by web" and shm.split()[1] == "2048", (note, shm)
    assert "systemd-duo" not in out(guest, "pods_after_duo").split()
    left = set(out(guest, "ps_after_duo").split())
    assert not left & {"systemd-duo-web", "systemd-duo-client"}, left


def test_a_kube_unit_plays_its_yaml_and_stop_takes_it_down(guest: GuestResult) -> None:
    assert out(guest, "kp_start_rc") == "0", out(guest, "kp_start_err") + logs(guest, "kp.log")
    state = props(out(guest, "kp_state"))
    # podman's shape: play --service-container says READY=1 and stays the main process
    assert (state["ActiveState"], state["Type"], state["NotifyAccess"]) == (
        "active",
        "notify",
        "all",
    ), state
    assert "kp Running" in out(guest, "kp_pods"), out(guest, "kp_pods")
    assert out(guest, "kp_msg") == "from kube"
    assert "kp" not in out(guest, "pods_after_kp").split()
    assert "kp-box" not in out(guest, "ps_after_kp").split()
    # stop ends play with 0 (SIGTERM to the main process): a clean stop, not a failure
    after = props(out(guest, "kp_after_stop"))
    assert (after["ActiveState"], after["Result"]) == ("inactive", "success"), after


def test_a_generate_systemd_new_unit_runs_as_a_service(guest: GuestResult) -> None:
    assert out(guest, "gen_files").endswith("/container-gen.service"), out(guest, "gen_files")
    assert out(guest, "gen_verify_rc") == "0", out(guest, "gen_verify")
    assert out(guest, "gen_start_rc") == "0", out(guest, "gen_start_err")
    state = props(out(guest, "gen_state"))
    assert (state["ActiveState"], state["Type"]) == ("active", "notify")
    assert out(guest, "gen_inspect") == "running container-gen.service"
    assert "gen" not in out(guest, "ps_after_gen").split()


def reports(guest: GuestResult, name: str) -> list[tuple[str, str, str, str]]:
    return [
        (r["Unit"], r["ContainerName"], r["Policy"], r["Updated"])
        for r in json.loads(out(guest, name))
    ]


def test_auto_update_restarts_on_the_new_digest_and_rolls_back_a_broken_one(
    guest: GuestResult,
) -> None:
    assert out(guest, "upd_start_rc") == "0", out(guest, "upd_start_err") + logs(guest, "upd.log")
    first_id, first_image, first_digest = out(guest, "upd_v1").split()
    assert first_digest == out(guest, "digest_v1")
    assert out(guest, "au_none_rc") == "0", out(guest, "au_none_err")
    assert reports(guest, "au_none") == [("upd.service", "systemd-upd", "registry", "false")]
    # a new image in the registry: pulled, the service restarted on it
    assert out(guest, "au_new_rc") == "0", out(guest, "au_new_err") + logs(guest, "upd.log")
    assert reports(guest, "au_new") == [("upd.service", "systemd-upd", "registry", "true")]
    assert props(out(guest, "upd_state_v2"))["ActiveState"] == "active"
    second_id, second_image, second_digest = out(guest, "upd_v2").split()
    assert second_id != first_id and second_image != first_image
    assert second_digest == out(guest, "digest_v2") != first_digest
    assert out(guest, "upd_env_v2") == "2"
    # a broken one (its entrypoint is missing): the restart fails, the old image
    # gets the name back and runs again
    assert out(guest, "au_bad_rc") == "0", out(guest, "au_bad_err") + logs(guest, "upd.log")
    assert reports(guest, "au_bad") == [("upd.service", "systemd-upd", "registry", "rolled back")]
    assert props(out(guest, "upd_state_bad"))["ActiveState"] == "active"
    third_id, third_image, _digest = out(guest, "upd_after_bad").split()
    assert third_id != second_id and third_image == second_image
    assert out(guest, "upd_env_after_bad") == "2"
    assert out(guest, "upd_name_after_bad") == second_image
