"""``hutch build``: stages, instructions, contexts and the built image, rootless."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from build_helpers import build, image_id, inspect, stored_config, write_context
from harness import Hutch

MULTI_STAGE = """\
FROM base AS builder
RUN <<EOF
mkdir -p /out
echo built > /out/result
EOF
RUN cat <<'END' > /out/two
x $HOME
END

FROM base AS unused
RUN echo unused-stage-ran && exit 3

FROM base
LABEL org.example.kind="multi stage"
COPY --from=builder /out/ /data/
EXPOSE 8080 53/udp
ENV GREETING=hello
USER 1000
WORKDIR /home/user
STOPSIGNAL SIGINT
CMD ["sh", "-c", "cat /data/result /data/two; echo $GREETING; id -u"]
"""


def test_multi_stage_builds_needed_stages_and_the_image_runs(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=MULTI_STAGE)
    result = build(hutch, context, "-t", "multi")
    assert "unused-stage-ran" not in result.stdout + result.stderr
    assert "[1/2] STEP 1/3: FROM base AS builder" in result.stdout
    assert "[2/2] STEP 9/9: CMD" in result.stdout
    assert "COMMIT multi\n" in result.stdout  # the name as given, as podman
    assert len(image_id(result)) == 64
    out = hutch("run", "--rm", "multi").stdout
    assert out == "built\nx $HOME\nhello\n1000\n"
    data = inspect(hutch, "multi")
    config = data["Config"]
    assert config["Labels"] == {"org.example.kind": "multi stage"}
    assert set(config["ExposedPorts"]) == {"8080/tcp", "53/udp"}
    assert config["User"] == "1000"
    assert config["WorkingDir"] == "/home/user"
    assert config["StopSignal"] == "SIGINT"
    created_by = [h.get("created_by", "") for h in data["History"]]
    assert any("COPY --from=builder" in c for c in created_by)


def test_target_builds_only_up_to_that_stage(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=MULTI_STAGE)
    build(hutch, context, "--target", "builder", "-t", "onlybuilder")
    out = hutch("run", "--rm", "onlybuilder", "cat", "/out/result").stdout
    assert out == "built\n"
    result = build(hutch, context, "--target", "nosuch", check=False)
    assert result.returncode == 125
    assert "nosuch" in result.stderr


def test_failing_run_stops_with_its_exit_code_and_tags_nothing(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx",
        {},
        containerfile="FROM base\nRUN echo before\nRUN exit 7\nRUN echo after\n",
    )
    result = build(hutch, context, "-t", "broken", check=False)
    assert result.returncode == 7
    assert 'building at STEP "RUN exit 7"' in result.stderr
    assert "after" not in result.stdout
    assert "broken" not in hutch("images").stdout
    assert hutch("ps", "-a", "-q").stdout == ""
    tmp = hutch.env.data_home / "hutch" / "storage" / "tmp"
    assert not tmp.exists() or not any(tmp.iterdir())


def test_malformed_file_refused_with_file_and_line(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx", {}, containerfile="FROM base\nRUN echo ran-anyway\nNOSUCH thing\n"
    )
    result = build(hutch, context, check=False)
    assert result.returncode == 125
    assert "Containerfile:3:" in result.stderr
    assert "ran-anyway" not in result.stdout


def test_onbuild_triggers_run_in_the_child(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    parent = write_context(
        tmp_path / "parent",
        {},
        containerfile="FROM base\nONBUILD RUN echo triggered > /onbuild.txt\n",
    )
    build(hutch, parent, "-t", "parent", "--format", "docker")  # OCI has no OnBuild
    stored = stored_config(hutch, "parent", tmp_path)  # image inspect shows OCI's keys only
    assert stored["OnBuild"] == ["RUN echo triggered > /onbuild.txt"]
    assert hutch("run", "--rm", "parent", "ls", "/onbuild.txt", check=False).returncode != 0
    child = write_context(tmp_path / "child", {}, containerfile="FROM parent\nRUN true\n")
    build(hutch, child, "-t", "child")
    assert hutch("run", "--rm", "child", "cat", "/onbuild.txt").stdout == "triggered\n"
    assert not stored_config(hutch, "child", tmp_path).get("OnBuild")


def test_heredoc_copy_and_chown_chmod(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    containerfile = """\
FROM base
ARG WHO=world
COPY <<A <<B /docs/
hello $WHO
A
second
B
COPY --chown=1000:1000 --chmod=640 sub /sub/
COPY --chown=user one.txt /owned/one.txt
"""
    context = write_context(
        tmp_path / "ctx",
        {"sub/a.txt": "a\n", "sub/deep/b.txt": "b\n", "one.txt": "1\n"},
        containerfile=containerfile,
    )
    build(hutch, context, "-t", "copied")
    script = "cat /docs/A /docs/B; stat -c '%u:%g %a %n' /sub/a.txt /sub/deep/b.txt /owned/one.txt"
    out = hutch("run", "--rm", "copied", "sh", "-c", script).stdout
    assert out.splitlines() == [
        "hello world",
        "second",
        "1000:1000 640 /sub/a.txt",
        "1000:1000 640 /sub/deep/b.txt",
        "1000:1000 644 /owned/one.txt",
    ]


def test_copy_directory_and_glob_semantics(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    containerfile = """\
FROM base
COPY dir /target
COPY *.txt /texts/
COPY one.txt /renamed
"""
    context = write_context(
        tmp_path / "ctx",
        {"dir/inner/x": "x\n", "one.txt": "1\n", "two.txt": "2\n", "other.md": "m\n"},
        containerfile=containerfile,
    )
    build(hutch, context, "-t", "globbed")
    out = hutch("run", "--rm", "globbed", "sh", "-c", "ls /target /texts; cat /renamed").stdout
    assert out.split() == ["/target:", "inner", "/texts:", "one.txt", "two.txt", "1"]
    bad = write_context(
        tmp_path / "bad", {"a": "a", "b": "b"}, containerfile="FROM base\nCOPY a b /notadir\n"
    )
    result = build(hutch, bad, check=False)
    assert result.returncode == 125
    assert "must be a directory" in result.stderr


def test_copy_outside_the_context_is_refused(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside\n")
    context = write_context(
        tmp_path / "ctx", {}, containerfile="FROM base\nCOPY ../secret.txt /s\n"
    )
    result = build(hutch, context, check=False)
    assert result.returncode == 125
    assert "outside the build context" in result.stderr


def test_containerignore_excludes_files(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(
        tmp_path / "ctx",
        {
            "keep.txt": "keep\n",
            "skip.log": "skip\n",
            "logs/a.log": "a\n",
            "logs/important.log": "i\n",
            ".containerignore": "*.log\nlogs\n!logs/important.log\n",
        },
        containerfile="FROM base\nCOPY . /ctx/\n",
    )
    build(hutch, context, "-t", "ignoring")
    out = hutch("run", "--rm", "ignoring", "find", "/ctx", "-type", "f").stdout
    assert sorted(out.split()) == [
        "/ctx/.containerignore",
        "/ctx/Containerfile",
        "/ctx/keep.txt",
        "/ctx/logs/important.log",
    ]


def test_context_from_stdin_tar(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in (
            ("Containerfile", b"FROM base\nCOPY msg.txt /msg.txt\n"),
            ("msg.txt", b"from a tar\n"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    result = subprocess.run(
        [str(hutch.binary), "build", "-t", "fromtar", "-"],
        input=buffer.getvalue(),
        capture_output=True,
        env=hutch.env.environ(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert hutch("run", "--rm", "fromtar", "cat", "/msg.txt").stdout == "from a tar\n"


def test_add_local_tar_is_extracted(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    with tarfile.open(context / "files.tar.gz", "w:gz") as archive:
        data = b"inside\n"
        info = tarfile.TarInfo("pkg/file.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    (context / "Containerfile").write_text(
        "FROM base\nADD files.tar.gz /opt/\nCOPY files.tar.gz /raw/\n"
    )
    build(hutch, context, "-t", "added")
    out = hutch("run", "--rm", "added", "sh", "-c", "cat /opt/pkg/file.txt; ls /raw").stdout
    assert out == "inside\nfiles.tar.gz\n"


def test_run_cache_mount_persists_between_builds(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    containerfile = (
        "FROM base\nARG N\n"
        "RUN --mount=type=cache,target=/cache echo $N >> /cache/log && wc -l < /cache/log "
        "&& test ! -e /cache/../cache-leak\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    first = build(hutch, context, "--build-arg", "N=1", "-t", "cached")
    second = build(hutch, context, "--build-arg", "N=2", "-t", "cached")
    assert "\n1\n" in first.stdout
    assert "\n2\n" in second.stdout
    # the mount point is not part of the image
    assert hutch("run", "--rm", "cached", "ls", "/cache", check=False).returncode != 0


def test_run_mount_secret_and_network_none(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("s3cr3t\n")
    containerfile = (
        "FROM base\n"
        "RUN --mount=type=secret,id=token cat /run/secrets/token\n"
        "RUN --network=none ls /sys/class/net > /nets\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    result = build(hutch, context, "--secret", f"id=token,src={secret}", "-t", "secretive")
    assert "s3cr3t" in result.stdout
    out = hutch(
        "run", "--rm", "secretive", "sh", "-c", "cat /nets; ls /run/secrets 2>&1; true"
    ).stdout
    assert out.startswith("lo\n")
    assert "s3cr3t" not in out


def test_build_flags_shape_every_run(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """-v, --network, --dns*, --cap-drop, --security-opt, --ulimit reach each RUN (issue 15)."""
    vol = tmp_path / "vol"
    vol.mkdir()
    (vol / "in").write_text("from host\n")
    # written under /tmp: without CAP_DAC_OVERRIDE root cannot write to the image's
    # 0555 "/" (podman 4.3.1 refuses it too)
    containerfile = (
        "FROM base\nWORKDIR /tmp\n"
        "RUN cat /vol/in > got && echo made > /vol/out"
        " && grep -E '^(nameserver|search)' /etc/resolv.conf > dns"
        " && grep -E 'CapEff|NoNewPrivs' /proc/self/status > caps && ulimit -n > nofile\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    flags = ["-v", f"{vol}:/vol", "--dns", "192.0.2.53"]
    flags += ["--security-opt", "no-new-privileges", "--ulimit", "nofile=100:200"]
    build(hutch, context, *flags, "--dns-search", "corp.test", "--cap-drop", "ALL", "-t", "runf")
    assert (vol / "out").read_text() == "made\n"
    out = hutch(
        "run",
        "--rm",
        "runf",
        "sh",
        "-c",
        "cat got dns caps nofile; test -e /vol && echo HASVOL; true",
    ).stdout
    assert out.startswith("from host\nnameserver 192.0.2.53\nsearch corp.test\n")
    assert "CapEff:\t0000000000000000" in out
    assert "NoNewPrivs:\t1" in out and out.endswith("\n100\n")
    assert "HASVOL" not in out  # the mount point is not in the image
    # without a network there is no resolv.conf to write to: podman's refusal
    refused = build(hutch, context, "--network", "none", "--dns", "192.0.2.53", check=False)
    assert refused.returncode == 125
    assert "the --dns option cannot be used with --network=none" in refused.stderr


def test_quiet_prints_only_the_id_and_iidfile(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nRUN echo noisy\n")
    iid = tmp_path / "iid"
    result = build(hutch, context, "-q", "--iidfile", str(iid))
    assert result.stdout.strip() == image_id(result)
    assert len(result.stdout.strip()) == 64
    assert iid.read_text() == "sha256:" + result.stdout.strip()


def test_layers_false_makes_one_layer(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(
        tmp_path / "ctx",
        {"f": "f\n"},
        containerfile="FROM base\nRUN echo a > /a\nCOPY f /f\nRUN echo b > /b\n",
    )
    build(hutch, context, "--layers=false", "-t", "flat")
    base_layers = len(inspect(hutch, "base")["RootFS"]["Layers"])
    assert len(inspect(hutch, "flat")["RootFS"]["Layers"]) == base_layers + 1
    out = hutch("run", "--rm", "flat", "cat", "/a", "/f", "/b").stdout
    assert out == "a\nf\nb\n"


def test_add_url_with_checksum(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    import hashlib
    import http.server
    import threading

    served = tmp_path / "www"
    served.mkdir()
    (served / "data.txt").write_text("downloaded\n")
    digest = hashlib.sha256(b"downloaded\n").hexdigest()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(served), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/data.txt"
        good = write_context(
            tmp_path / "good",
            {},
            containerfile=f"FROM base\nADD --checksum=sha256:{digest} {url} /dl/\n",
        )
        build(hutch, good, "-t", "downloaded")
        out = hutch(
            "run", "--rm", "downloaded", "sh", "-c", "cat /dl/data.txt; stat -c %a /dl/data.txt"
        ).stdout
        assert out == "downloaded\n600\n"
        bad = write_context(
            tmp_path / "bad",
            {},
            containerfile=f"FROM base\nADD --checksum=sha256:{'0' * 64} {url} /dl/\n",
        )
        result = build(hutch, bad, check=False)
        assert result.returncode == 125
        assert "checksum mismatch" in result.stderr
    finally:
        server.shutdown()


def test_heredoc_script_with_shebang_and_workdir_relative_copy(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    containerfile = """\
FROM base
WORKDIR /srv/app
COPY one.txt ./sub/
RUN <<EOF
#!/bin/sh -e
echo "script ran in $(pwd)" > /srv/app/ran.txt
EOF
"""
    context = write_context(tmp_path / "ctx", {"one.txt": "1\n"}, containerfile=containerfile)
    build(hutch, context, "-t", "scripted")
    out = hutch("run", "--rm", "scripted", "cat", "/srv/app/sub/one.txt", "ran.txt").stdout
    assert out == "1\nscript ran in /srv/app\n"
    listing = hutch("run", "--rm", "scripted", "ls", "-a", "/dev").stdout
    assert ".hutch-run-script" not in listing


def test_workdir_creates_the_directory(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(
        tmp_path / "ctx", {}, containerfile="FROM base\nWORKDIR /made/here\nWORKDIR /tmp\n"
    )
    build(hutch, context, "-t", "wd")
    out = hutch("run", "--rm", "--workdir", "/", "wd", "stat", "-c", "%U %F", "/made/here").stdout
    assert out == "root directory\n"
    base_layers = len(inspect(hutch, "base")["RootFS"]["Layers"])
    assert len(inspect(hutch, "wd")["RootFS"]["Layers"]) == base_layers + 1


def _ssh_add_kit(directory: Path) -> None:
    """The host's ssh-add and the libraries it links, to run in a busybox RUN step
    through the dynamic loader (``ld.so --library-path DIR DIR/ssh-add``)."""
    directory.mkdir()
    shutil.copy2("/usr/bin/ssh-add", directory / "ssh-add")
    ldd = subprocess.run(["ldd", "/usr/bin/ssh-add"], capture_output=True, text=True, check=True)
    for line in ldd.stdout.splitlines():
        path = next((w for w in line.split() if w.startswith("/")), None)
        if path is not None:
            shutil.copy2(path, directory / Path(path).name)


def test_run_mount_ssh_reaches_the_agent_of_ssh(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """--ssh: the caller's agent (default), a socket and key files (issue 15)."""
    key = tmp_path / "id_test"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hutch-ssh-key", "-f", str(key)],
        check=True,
    )
    list_keys = "/kit/ld-linux-x86-64.so.2 --library-path /kit /kit/ssh-add -l"
    containerfile = (
        "FROM base\n"
        "RUN --mount=type=bind,source=kit,target=/kit --mount=type=ssh"
        f' echo "sock=$SSH_AUTH_SOCK" && {list_keys} > /keys\n'
        "RUN --mount=type=ssh,id=other,target=/agent.sock ls -l /agent.sock > /other || true\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    _ssh_add_kit(context / "kit")

    # key files: an agent started for the build, holding that key
    result = build(hutch, context, "--ssh", f"default={key}", "-t", "sshkeys", "--no-cache")
    assert "sock=/run/buildkit/ssh_agent.0" in result.stdout
    keys = hutch("run", "--rm", "sshkeys", "cat", "/keys").stdout
    assert "hutch-ssh-key (ED25519)" in keys
    # the unnamed mount (id=other) was not given: left out, the step saw no socket
    assert hutch("run", "--rm", "sshkeys", "cat", "/other").stdout == ""
    # the mount points never reach the image
    probe = "ls -A /run/buildkit 2>/dev/null; ls /agent.sock 2>/dev/null; true"
    assert hutch("run", "--rm", "sshkeys", "sh", "-c", probe).stdout == ""

    # the caller's agent: --ssh default takes $SSH_AUTH_SOCK
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if sock.exists():
                break
            time.sleep(0.01)
        subprocess.run(["ssh-add", "-q", str(key)], env={"SSH_AUTH_SOCK": str(sock)}, check=True)
        build(hutch, context, "--ssh", "default", "-t", "sshagent", "--no-cache",
              env={"SSH_AUTH_SOCK": str(sock)})  # fmt: skip
        assert "hutch-ssh-key" in hutch("run", "--rm", "sshagent", "cat", "/keys").stdout
        # a socket path, under another id, at the mount's own target
        other = (
            "FROM base\n"
            "RUN --mount=type=bind,source=kit,target=/kit"
            " --mount=type=ssh,id=work,target=/agent.sock,required"
            f" SSH_AUTH_SOCK=/agent.sock {list_keys} > /keys\n"
        )
        (context / "Containerfile").write_text(other)
        build(hutch, context, "--ssh", f"work={sock}", "-t", "sshsock", "--no-cache")
        assert "hutch-ssh-key" in hutch("run", "--rm", "sshsock", "cat", "/keys").stdout
        # required, and not given: the step is refused by name
        missing = build(hutch, context, "-t", "sshmissing", "--no-cache", check=False)
        assert missing.returncode != 0
        assert "ssh agent 'work' is required but was not given with --ssh" in missing.stderr
    finally:
        agent.terminate()
        agent.wait()
    bad = build(hutch, context, "--ssh", f"work={tmp_path / 'nothing'}", check=False)
    assert bad.returncode == 125
    assert "is neither a socket nor a key file" in bad.stderr
