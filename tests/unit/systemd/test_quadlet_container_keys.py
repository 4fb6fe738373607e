"""One test per [Container] key: the exact ``hutch run`` command line it makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from quadlet_helpers import HUTCH, RUN_PREFIX, exec_start, run, run_argv, service, values

IMAGE = "docker.io/library/busybox:1.36"

# key=value lines -> the flags they add between the prefix and the image.
CASES: list[tuple[str, list[str]]] = [
    ("AddCapability=CAP_NET_RAW CAP_SYS_TIME", ["--cap-add=CAP_NET_RAW", "--cap-add=CAP_SYS_TIME"]),
    ("AddDevice=/dev/fuse", ["--device=/dev/fuse"]),
    ("AddHost=db.local:10.0.0.2", ["--add-host=db.local:10.0.0.2"]),
    ('Annotation=a=1 "b=two words"', ["--annotation=a=1", "--annotation=b=two words"]),
    ("DNS=1.1.1.1\nDNS=9.9.9.9", ["--dns=1.1.1.1", "--dns=9.9.9.9"]),
    ("DNSOption=ndots:1", ["--dns-option=ndots:1"]),
    ("DNSSearch=example.com", ["--dns-search=example.com"]),
    ("DropCapability=all", ["--cap-drop=all"]),
    ("Entrypoint=/bin/sh", ["--entrypoint=/bin/sh"]),
    ("EnvironmentHost=true", ["--env-host"]),
    (
        "ExposeHostPort=8080\nExposeHostPort=9000-9001/udp",
        ["--expose=8080", "--expose=9000-9001/udp"],
    ),
    ("GIDMap=0:10000:10", ["--gidmap=0:10000:10"]),
    ("GroupAdd=wheel", ["--group-add=wheel"]),
    ("HealthCmd=test -e /ok", ["--health-cmd=test -e /ok"]),
    ("HealthInterval=2m", ["--health-interval=2m"]),
    ("HealthOnFailure=kill", ["--health-on-failure=kill"]),
    ("HealthRetries=5", ["--health-retries=5"]),
    ("HealthStartPeriod=1m", ["--health-start-period=1m"]),
    ("HealthStartupCmd=test -e /up", ["--health-startup-cmd=test -e /up"]),
    ("HealthStartupInterval=5s", ["--health-startup-interval=5s"]),
    ("HealthStartupRetries=4", ["--health-startup-retries=4"]),
    ("HealthStartupSuccess=2", ["--health-startup-success=2"]),
    ("HealthStartupTimeout=9s", ["--health-startup-timeout=9s"]),
    ("HealthTimeout=20s", ["--health-timeout=20s"]),
    ("HostName=web.example", ["--hostname=web.example"]),
    ("IP=10.89.0.5", ["--ip=10.89.0.5"]),
    ("IP6=fd00::5", ["--ip6=fd00::5"]),
    ("LogDriver=json-file", ["--log-driver=json-file"]),
    ("LogDriver=passthrough", ["--log-driver=passthrough"]),
    ("LogOpt=max-size=1m", ["--log-opt=max-size=1m"]),
    ("Mask=/proc/foo:/proc/bar", ["--security-opt=mask=/proc/foo:/proc/bar"]),
    ("Memory=64m", ["--memory=64m"]),
    ("NetworkAlias=web", ["--network-alias=web"]),
    ("NoNewPrivileges=true", ["--security-opt=no-new-privileges"]),
    ("NoNewPrivileges=no", []),
    ("PidsLimit=100", ["--pids-limit=100"]),
    (
        "PublishPort=8080:80 127.0.0.1:8443:443",
        ["--publish=8080:80", "--publish=127.0.0.1:8443:443"],
    ),
    ("Pull=never", ["--pull=never"]),
    ("ReadOnly=yes", ["--read-only"]),
    ("ReadOnlyTmpfs=false", ["--read-only-tmpfs=false"]),
    ("RunInit=true", ["--init"]),
    ("SeccompProfile=/etc/s.json", ["--security-opt=seccomp=/etc/s.json"]),
    ("SecurityLabelDisable=true", ["--security-opt=label=disable"]),
    ("SecurityLabelFileType=usr_t", ["--security-opt=label=filetype:usr_t"]),
    ("SecurityLabelLevel=s0:c1,c2", ["--security-opt=label=level:s0:c1,c2"]),
    ("SecurityLabelType=spc_t", ["--security-opt=label=type:spc_t"]),
    (
        "Secret=db-pass,type=env,target=PGPASSWORD\nSecret=tls",
        ["--secret=db-pass,type=env,target=PGPASSWORD", "--secret=tls"],
    ),
    ("StopSignal=SIGINT", ["--stop-signal=SIGINT"]),
    ("StopTimeout=20", ["--stop-timeout=20"]),
    ("SubGIDMap=gtest", ["--subgidname=gtest"]),
    ("SubUIDMap=utest", ["--subuidname=utest"]),
    ("Sysctl=net.ipv4.ip_forward=1", ["--sysctl=net.ipv4.ip_forward=1"]),
    ("Timezone=local", ["--tz=local"]),
    ("ShmSize=128m", ["--shm-size=128m"]),
    ("Tmpfs=/work", ["--tmpfs=/work"]),
    ("UIDMap=0:10000:10", ["--uidmap=0:10000:10"]),
    ("Ulimit=nofile=1000:10000", ["--ulimit=nofile=1000:10000"]),
    ("Unmask=ALL", ["--security-opt=unmask=ALL"]),
    ("UserNS=keep-id", ["--userns=keep-id"]),
    ("WorkingDir=/srv", ["--workdir=/srv"]),
    ("User=bin", ["--user=bin"]),
    ("User=1000\nGroup=100", ["--user=1000:100"]),
    ('Environment=A=1 "B=two words"', ["--env=A=1", "--env=B=two words"]),
    ("Label=a=b c=d", ["--label=a=b", "--label=c=d"]),
    ("AutoUpdate=registry", ["--label=io.containers.autoupdate=registry"]),
    ("AutoUpdate=local", ["--label=io.containers.autoupdate=local"]),
    ("Network=host", ["--network=host"]),
    ("Network=none", ["--network=none"]),
    ("Volume=/srv/data:/data:ro", ["--volume=/srv/data:/data:ro"]),
    ("Volume=/anon", ["--volume=/anon"]),
    ("Mount=type=tmpfs,destination=/t", ["--mount=type=tmpfs,destination=/t"]),
    ("PodmanArgs=--privileged --pids-limit 5", ["--privileged", "--pids-limit", "5"]),
    ("Notify=false", []),
]


@pytest.mark.parametrize(("body", "flags"), CASES, ids=[c[0].split("\n")[0] for c in CASES])
def test_each_key_becomes_its_run_flag(tmp_path: Path, body: str, flags: list[str]) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\n{body}")
    assert argv == [*RUN_PREFIX, *flags, IMAGE]


def test_exec_words_follow_the_image(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nExec=sh -c 'echo \"hi there\"' %i")
    assert argv == [*RUN_PREFIX, IMAGE, "sh", "-c", 'echo "hi there"', "%i"]


def test_notify_healthy_waits_for_the_health_check(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nNotify=healthy\nHealthCmd=test -e /ok")
    assert argv == [
        *RUN_PREFIX[:-1], "--sdnotify=healthy", "--health-cmd=test -e /ok", IMAGE,
    ]  # fmt: skip


@pytest.mark.parametrize("value", ["true", "yes", "1"])
def test_notify_true_passes_the_socket_in(tmp_path: Path, value: str) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nNotify={value}")
    assert argv == [*RUN_PREFIX[:-1], "--sdnotify=container", IMAGE]


def test_notify_of_another_word_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, {"web.container": f"[Container]\nImage={IMAGE}\nNotify=maybe\n"})
    assert result.units == ()
    (warning,) = result.warnings
    assert "web.container:3" in warning and "Notify=maybe" in warning


def test_container_name_replaces_the_default(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nContainerName=web1")
    assert argv[2] == "--name=web1"


def test_cgroups_mode_replaces_split(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nCgroupsMode=enabled")
    assert "--cgroups=split" not in argv and "--cgroups=enabled" in argv


def test_global_args_go_between_hutch_and_run(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nGlobalArgs=--log-level=debug")
    assert argv[:3] == [HUTCH, "--log-level=debug", "run"]


def test_containers_conf_modules_go_before_the_global_args(tmp_path: Path) -> None:
    # podman's Quadlet: a --module of each ContainersConfModule, then GlobalArgs (issue 19)
    unit = f"Image={IMAGE}\nContainersConfModule=/m/a.conf\nGlobalArgs=--log-level=debug\n"
    argv = run_argv(tmp_path, unit + "ContainersConfModule=b.conf")
    assert argv[:5] == [HUTCH, "--module=/m/a.conf", "--module=b.conf", "--log-level=debug", "run"]
    # an empty assignment resets the list, as for every list key
    argv = run_argv(
        tmp_path, f"Image={IMAGE}\nContainersConfModule=/m/a.conf\nContainersConfModule="
    )
    assert argv[:2] == [HUTCH, "run"]


def test_relative_paths_are_the_unit_files_directory(tmp_path: Path) -> None:
    argv = run_argv(tmp_path, f"Image={IMAGE}\nEnvironmentFile=env/web.env\nVolume=./www:/srv")
    assert f"--env-file={tmp_path}/env/web.env" in argv
    assert f"--volume={tmp_path}/www:/srv" in argv
    argv = run_argv(tmp_path, f"Image={IMAGE}\nEnvironmentFile=%h/web.env")
    assert "--env-file=%h/web.env" in argv  # a specifier is left to systemd


def test_reload_cmd_and_reload_signal(tmp_path: Path) -> None:
    files = {
        "a.container": f"[Container]\nImage={IMAGE}\nReloadCmd=/bin/reload now\n",
        "b.container": f"[Container]\nImage={IMAGE}\nReloadSignal=SIGHUP\n",
    }
    result = run(tmp_path, files)
    assert values(service(result, "a.service"), "Service", "ExecReload") == [
        f"{HUTCH} exec systemd-%N /bin/reload now"
    ]
    assert values(service(result, "b.service"), "Service", "ExecReload") == [
        f"{HUTCH} kill --signal=SIGHUP systemd-%N"
    ]


def test_service_section_of_a_container(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        {
            "web.container": (
                f"[Container]\nImage={IMAGE}\n[Service]\nRestart=always\nKillMode=none\n"
            )
        },
    )
    text = service(result, "web.service")
    assert values(text, "Service", "Type") == ["notify"]
    assert values(text, "Service", "ExecStop") == [f"{HUTCH} rm -v -f -i systemd-%N"]
    assert values(text, "Service", "ExecStopPost") == [f"-{HUTCH} rm -v -f -i systemd-%N"]
    assert values(text, "Service", "Environment") == ["PODMAN_SYSTEMD_UNIT=%n"]
    assert values(text, "Service", "Restart") == ["always"]
    # The user's [Service] comes after the defaults: their KillMode wins.
    assert values(text, "Service", "KillMode") == ["mixed", "none"]
    assert values(text, "X-Container", "Image") == [IMAGE]
    assert values(text, "Unit", "SourcePath") == [str(tmp_path / "web.container")]


def test_system_units_wait_for_the_network_unless_told_not_to(tmp_path: Path) -> None:
    result = run(tmp_path, {"a.container": f"[Container]\nImage={IMAGE}\n"}, user=False)
    assert values(service(result, "a.service"), "Unit", "Wants") == ["network-online.target"]
    result = run(
        tmp_path,
        {"a.container": f"[Container]\nImage={IMAGE}\n[Quadlet]\nDefaultDependencies=false\n"},
        user=False,
    )
    assert values(service(result, "a.service"), "Unit", "Wants") == []


def test_the_whole_service_text(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        {
            "web.container": (
                "[Unit]\nDescription=web\n\n[Container]\n"
                f"Image={IMAGE}\nPublishPort=8080:80\n\n[Install]\nWantedBy=default.target\n"
            )
        },
    )
    (g,) = result.units
    assert g.text == (
        "# Automatically generated by hutch-quadlet\n"
        f"# from {tmp_path}/web.container\n"
        "\n"
        "[X-Container]\n"
        f"Image={IMAGE}\n"
        "PublishPort=8080:80\n"
        "\n"
        "[Unit]\n"
        "Description=web\n"
        f"SourcePath={tmp_path}/web.container\n"
        "\n"
        "[Service]\n"
        "Environment=PODMAN_SYSTEMD_UNIT=%n\n"
        "KillMode=mixed\n"
        "Delegate=yes\n"
        "Type=notify\n"
        "NotifyAccess=all\n"
        "SyslogIdentifier=%N\n"
        f"ExecStart={HUTCH} run --name=systemd-%N --replace --rm --cgroups=split "
        f"--sdnotify=conmon --publish=8080:80 {IMAGE}\n"
        f"ExecStop={HUTCH} rm -v -f -i systemd-%N\n"
        f"ExecStopPost=-{HUTCH} rm -v -f -i systemd-%N\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )
    assert g.links == (("default.target.wants/web.service", "../web.service"),)
    assert exec_start(g.text)[-1] == IMAGE
