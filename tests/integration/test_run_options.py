"""``hutch run`` options that shape the process: environment, working dir, user,
entrypoint, and container names."""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
from pathlib import Path

from harness import Hutch


def _env_of(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_image_path_is_in_the_environment(hutch: Hutch, rootfs_tar: Path) -> None:
    """The image's PATH (from its config) is the container's PATH; an image without
    one (an imported one, as podman's) gets the default."""
    hutch("import", "-q", "--change", "ENV PATH=/opt/x:/bin:/usr/bin", str(rootfs_tar), "withpath")
    inspect = json.loads(hutch("image", "inspect", "withpath").stdout)
    assert inspect[0]["Config"]["Env"] == ["PATH=/opt/x:/bin:/usr/bin"]
    assert _env_of(hutch("run", "--rm", "withpath", "env").stdout)["PATH"] == "/opt/x:/bin:/usr/bin"
    hutch("import", "-q", str(rootfs_tar), "nopath")
    assert "Env" not in json.loads(hutch("image", "inspect", "nopath").stdout)[0]["Config"]
    env = _env_of(hutch("run", "--rm", "nopath", "env").stdout)
    assert env["PATH"] == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def test_env_flags(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """-e NAME=VALUE sets, -e NAME copies the caller's value, --env-file reads a file,
    and a later -e wins over the file."""
    env_file = tmp_path / "vars.env"
    env_file.write_text("# a comment\nFROM_FILE=file value\nOVERRIDDEN=from file\n\n")
    out = hutch(
        "run",
        "--rm",
        "-e",
        "A=1",
        "-e",
        "IT_FROM_HOST",
        "--env-file",
        str(env_file),
        "-e",
        "OVERRIDDEN=from flag",
        base_image,
        "env",
        env={"IT_FROM_HOST": "host value"},
    ).stdout
    env = _env_of(out)
    assert env["A"] == "1"
    assert env["IT_FROM_HOST"] == "host value"
    assert env["FROM_FILE"] == "file value"
    assert env["OVERRIDDEN"] == "from flag"
    assert "# a comment" not in out


def test_workdir_rules(hutch: Hutch, base_image: str, rootfs_tar: Path) -> None:
    """As current podman (and 4.3.1): the image's WORKDIR is created when missing; a
    --workdir must exist (exit 126, podman's words, root or not) unless it lies under a
    mount; a --workdir that is a file is refused too."""
    hutch("import", "-q", "--change", "WORKDIR /some/dir", str(rootfs_tar), "wdimg")
    out = hutch("run", "--rm", "wdimg", "sh", "-c", "pwd; test -d /some/dir && echo exists")
    assert out.stdout == "/some/dir\nexists\n"
    assert hutch(
        "run", "--rm", "-v", "wdvol:/data", "-w", "/data/sub", base_image, "pwd"
    ).stdout == ("/data/sub\n")
    missing = hutch("run", "--name", "wd", "-w", "/some/dir", base_image, "pwd", check=False)
    cid = hutch("inspect", "--format", "{{.Id}}", "wd").stdout.strip()
    assert missing.returncode == 126 and missing.stdout == ""
    assert missing.stderr.splitlines()[0] == (
        f'Error: workdir "/some/dir" does not exist on container {cid}'
    )
    a_file = hutch("run", "--rm", "-w", "/etc/passwd", base_image, "pwd", check=False)
    assert a_file.returncode == 126
    assert 'workdir "/etc/passwd" exists on container ' in a_file.stderr
    assert "but is not a directory" in a_file.stderr


def test_user_by_name(hutch: Hutch, base_image: str) -> None:
    """-u user runs as the image's user 1000 with its primary group and home."""
    out = hutch(
        "run", "--rm", "-u", "user", base_image, "sh", "-c", 'id -u; id -g; echo "$HOME"'
    ).stdout
    assert out == "1000\n1000\n/home/user\n"


def test_user_and_group_by_number(hutch: Hutch, base_image: str) -> None:
    """-u 1000:5 runs with uid 1000 and gid 5."""
    out = hutch("run", "--rm", "-u", "1000:5", base_image, "sh", "-c", "id -u; id -g").stdout
    assert out == "1000\n5\n"


def test_unknown_user_is_refused(hutch: Hutch, base_image: str) -> None:
    """-u nosuchuser fails with 126 (podman's runtime refuses it at start) and an error
    naming the user; the command never runs."""
    result = hutch("run", "--rm", "-u", "nosuchuser", base_image, "echo", "ran", check=False)
    assert result.returncode == 126
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nosuchuser" in lines[0]


def test_entrypoint_string(hutch: Hutch, base_image: str) -> None:
    """--entrypoint as a string is the program; the arguments after the image follow it."""
    out = hutch("run", "--rm", "--entrypoint", "echo", base_image, "a", "b").stdout
    assert out == "a b\n"


def test_entrypoint_json_array(hutch: Hutch, base_image: str) -> None:
    """--entrypoint as a JSON array gives program and leading arguments."""
    out = hutch("run", "--rm", "--entrypoint", '["echo", "first"]', base_image, "second").stdout
    assert out == "first second\n"


def test_entrypoint_alone_runs_without_arguments(hutch: Hutch, base_image: str) -> None:
    """--entrypoint with no command runs the entrypoint with no arguments at all."""
    out = hutch("run", "--rm", "--entrypoint", '["sh", "-c", "echo args=$#"]', base_image).stdout
    assert out == "args=0\n"


def test_no_command_and_no_image_cmd_is_an_error(hutch: Hutch, base_image: str) -> None:
    """An image without Entrypoint and Cmd needs a command: 125 and a clear message."""
    result = hutch("run", "--rm", base_image, check=False)
    assert result.returncode == 125
    assert "no command" in result.stderr


def test_name_conflict(hutch: Hutch, base_image: str) -> None:
    """A second container with a name in use is refused with 125 and a clear error."""
    hutch("run", "--name", "web", base_image, "true")
    result = hutch("run", "--name", "web", base_image, "echo", "ran", check=False)
    assert result.returncode == 125
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "web" in lines[0] and "already in use" in lines[0]
    containers = hutch.env.data_home / "hutch" / "storage" / "containers"
    assert len(list(containers.iterdir())) == 1


def test_podman_process_flags(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """One run for issue 15's process flags: --umask reaches the process (podman's
    default 0022 otherwise), --env-merge expands the image's PATH, --unsetenv drops a
    default, --env-host passes the caller's variables, --label-file, --annotation and
    --expose show in inspect."""
    labels = tmp_path / "labels"
    labels.write_text("# labels\nfrom.file=yes\n")
    out = hutch(
        "run",
        "--name",
        "procflags",
        "--umask",
        "077",
        "--env-merge",
        "PATH=/opt/x:${PATH}",
        "--unsetenv",
        "container",
        "--env-host",
        "--label-file",
        str(labels),
        "--annotation",
        "it.note=kept",
        "--expose",
        "9000/udp",
        base_image,
        "sh",
        "-c",
        "umask; touch /tmp/f; stat -c %a /tmp/f; env",
        env={"IT_HOST_VAR": "from host"},
    ).stdout
    lines = out.splitlines()
    assert lines[:2] == ["0077", "600"]
    env = _env_of(out)
    assert env["PATH"].startswith("/opt/x:/") and env["PATH"] != "/opt/x:"
    assert "container" not in env
    assert env["IT_HOST_VAR"] == "from host"
    data = json.loads(hutch("inspect", "procflags").stdout)[0]
    assert data["Config"]["Umask"] == "077"
    assert data["Config"]["Labels"]["from.file"] == "yes"
    assert data["Config"]["Annotations"]["it.note"] == "kept"
    assert data["HostConfig"]["PortBindings"]["9000/udp"] is None
    hutch("rm", "procflags")
    assert hutch("run", "--rm", base_image, "sh", "-c", "umask").stdout == "0022\n"


def test_namespace_modes_and_kernel_flags(hutch: Hutch, base_image: str) -> None:
    """One run with the host's UTS and cgroup namespaces, a 10m /dev/shm, no
    /etc/hostname, LINUX32, an OOM score and systemd mode, in the host's PID namespace; --ipc none
    has no /dev/shm; a second container joins a running one's IPC, UTS and PID
    namespaces (issue 15)."""
    script = (
        "df -k /dev/shm | tail -1; hostname; cat /etc/hostname 2>/dev/null || echo none; "
        "uname -m; cat /proc/self/oom_score_adj; readlink /proc/self/ns/uts; "
        "readlink /proc/self/ns/pid; df -k /run/lock | tail -1; echo $container_uuid"
    )
    out = hutch(
        "run", "--rm", "--shm-size", "10m", "--no-hostname", "--uts", "host", "--pid", "host",
        "--cgroupns", "host", "--personality", "LINUX32", "--oom-score-adj", "100",
        "--systemd", "always", "--shm-size-systemd", "8m",
        base_image, "sh", "-c", script,
    ).stdout.splitlines()  # fmt: skip
    assert out[0].split()[1] == "10240", out
    assert out[1] == socket.gethostname()
    assert out[2] == "none"  # the image has none, and none was written
    assert out[3] == "i686"
    assert out[4] == "100"
    assert out[5] == os.readlink("/proc/self/ns/uts")
    assert out[6] == os.readlink("/proc/self/ns/pid")  # and its /proc is the host's
    assert out[7].split()[1] == "8192"  # --systemd's tmpfs, --shm-size-systemd's size
    assert len(out[8]) == 32
    me = pwd.getpwuid(os.getuid())
    entries = hutch(
        "run", "--rm", "--user", "1234:555", "--hostuser", me.pw_name, "--chrootdirs",
        "/srv/jail", base_image, "sh", "-c",
        "tail -2 /etc/passwd; tail -1 /etc/group; cmp /etc/hosts /srv/jail/etc/hosts && echo same",
    ).stdout  # fmt: skip
    assert entries == (
        f"{me.pw_name}:*:{me.pw_uid}:{me.pw_gid}:{me.pw_gecos}:/:/bin/sh\n"
        "1234:*:1234:555:container user:/:/bin/sh\n555:x:555:1234\nsame\n"
    )
    none = hutch("run", "--rm", "--ipc", "none", base_image, "ls", "/dev/shm", check=False)
    assert none.returncode != 0, none.stdout
    hutch("run", "-d", "--name", "nsowner", "--hostname", "owner", base_image, "sleep", "60")
    try:
        theirs = hutch(
            "exec", "nsowner", "sh", "-c",
            "touch /dev/shm/mark; readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid",
        ).stdout  # fmt: skip
        ours = hutch(
            "run", "--rm", "--ipc", "container:nsowner", "--uts", "container:nsowner",
            "--pid", "container:nsowner", base_image, "sh", "-c",
            "readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid; hostname; ls /dev/shm; "
            "echo $(tr '\\0' ' ' < /proc/1/cmdline)",
        ).stdout  # fmt: skip
        assert ours == f"{theirs}owner\nmark\nsleep 60\n"
    finally:
        hutch("rm", "-f", "-t", "0", "nsowner")


def test_init_path_runs_that_init(hutch: Hutch, base_image: str) -> None:
    """--init --init-path: podman's catatonit (installed with podman on the test hosts)
    is PID 1 at /run/podman-init and runs the command."""
    out = hutch(
        "run", "--rm", "--init", "--init-path", "/usr/libexec/podman/catatonit", base_image,
        "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline",
    ).stdout  # fmt: skip
    assert out.startswith("/run/podman-init -- sh -c ")


def test_attach_relays_only_the_streams_named(hutch: Hutch, base_image: str) -> None:
    """run -a stderr: stdout is not relayed (it still goes to the log), stderr is."""
    result = hutch("run", "--rm", "-a", "stderr", base_image, "sh", "-c", "echo out; echo err >&2")
    assert (result.stdout, result.stderr) == ("", "err\n")


def test_rootfs_directory_domainname_and_systemd_copyup(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path
) -> None:
    """--rootfs DIR:O runs on an overlay that leaves DIR as it was; --systemd's /run
    tmpfs starts with DIR's /run (tmpcopyup); --domainname sets the UTS domain name.
    --rootfs DIR writes into DIR itself; inspect shows the directory, no image; rm
    leaves DIR; --tmpfs copies the image's content up unless notmpcopyup (issue 15)."""
    root = tmp_path / "root"
    root.mkdir()
    subprocess.run(["tar", "-xf", str(rootfs_tar), "-C", str(root)], check=True)
    (root / "run").mkdir(exist_ok=True)
    (root / "run" / "marker").write_text("from the image\n")
    out = hutch(
        "run", "--rm", "--rootfs", "--domainname", "example.org", "--systemd", "always",
        f"{root}:O", "sh", "-c",
        "cat /proc/sys/kernel/domainname /run/marker; grep -c ' /run tmpfs' /proc/mounts; "
        "touch /new",
    ).stdout.splitlines()  # fmt: skip
    assert out == ["example.org", "from the image", "1"]
    assert not (root / "new").exists()
    # --read-only's tmpfs mounts copy up too; one the image lacks keeps its 1777
    ro = hutch(
        "run", "--rm", "--read-only", "--rootfs", f"{root}:O", "sh", "-c",
        "cat /run/marker; stat -c %a /var/tmp",
    ).stdout  # fmt: skip
    assert ro == "from the image\n1777\n"
    hutch(
        "create", "--name", "onrootfs", "--tmpfs", "/run", "--tmpfs", "/tmp:notmpcopyup",
        "--rootfs", str(root), "sh", "-c", "echo hi > /written; cat /run/marker; ls -A /tmp",
    )  # fmt: skip
    (root / "tmp" / "left").write_text("")
    info = json.loads(hutch("inspect", "onrootfs").stdout)[0]
    assert (info["Rootfs"], info["Image"], info["ImageName"]) == (str(root), "", "")
    # --tmpfs starts with the image's /run (tmpcopyup, podman's default), not with /tmp's
    assert hutch("start", "-a", "onrootfs").stdout == "from the image\n"
    assert (root / "written").read_text() == "hi\n"
    hutch("rm", "onrootfs")
    assert (root / "written").exists()
