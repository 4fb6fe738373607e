"""Volume, network, image and build units; references between units; drop-ins;
templates; warnings that skip a unit and leave the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from quadlet_helpers import HUTCH, RUN_PREFIX, exec_start, run, service, values

from hutch.systemd.sources import dropin_dirs, search_dirs

IMAGE = "docker.io/library/busybox:1.36"


def test_volume_unit(tmp_path: Path) -> None:
    text = "[Volume]\nLabel=a=b\nDevice=tmpfs\nType=tmpfs\nOptions=size=1m\n"
    svc = service(run(tmp_path, {"data.volume": text}), "data-volume.service")
    assert exec_start(svc) == [
        HUTCH, "volume", "create", "--ignore", "--label=a=b",
        "--opt=type=tmpfs", "--opt=device=tmpfs", "--opt=o=size=1m", "systemd-data",
    ]  # fmt: skip
    assert values(svc, "Service", "Type") == ["oneshot"]
    assert values(svc, "Service", "RemainAfterExit") == ["yes"]


def test_volume_copy_user_and_group(tmp_path: Path) -> None:
    # podman's Quadlet: Copy= is --opt copy|nocopy, User=/Group= lead the o= of Options=
    text = "[Volume]\nCopy=false\nUser=1000\nGroup=100\nOptions=noquota\n"
    svc = service(run(tmp_path, {"own.volume": text}), "own-volume.service")
    assert exec_start(svc) == [
        HUTCH, "volume", "create", "--ignore", "--opt=nocopy",
        "--opt=o=uid=1000,gid=100,noquota", "systemd-own",
    ]  # fmt: skip
    svc = service(run(tmp_path, {"c.volume": "[Volume]\nCopy=yes\nGroup=7\n"}), "c-volume.service")
    assert exec_start(svc)[-3:] == ["--opt=copy", "--opt=o=gid=7", "systemd-c"]


def test_volume_name(tmp_path: Path) -> None:
    svc = service(run(tmp_path, {"d.volume": "[Volume]\nVolumeName=keep\n"}), "d-volume.service")
    assert exec_start(svc)[-1] == "keep"


def test_network_unit(tmp_path: Path) -> None:
    text = (
        "[Network]\nSubnet=10.89.7.0/24\nGateway=10.89.7.1\nIPRange=10.89.7.128/25\n"
        "Internal=true\nIPv6=false\nDisableDNS=yes\nDriver=bridge\nOptions=mtu=1400\n"
        "Label=x=y\nNetworkDeleteOnStop=true\n"
    )
    svc = service(run(tmp_path, {"net.network": text}), "net-network.service")
    assert exec_start(svc) == [
        HUTCH, "network", "create", "--ignore", "--disable-dns", "--driver=bridge",
        "--gateway=10.89.7.1", "--internal", "--ip-range=10.89.7.128/25", "--label=x=y",
        "--opt=mtu=1400", "--subnet=10.89.7.0/24", "systemd-net",
    ]  # fmt: skip
    assert values(svc, "Service", "ExecStopPost") == [f"{HUTCH} network rm systemd-net"]


def test_network_unit_dns_interface_and_ipam_keys(tmp_path: Path) -> None:
    text = "[Network]\nDNS=192.0.2.53\nDNS=192.0.2.54\nInterfaceName=lab0\nIPAMDriver=none\n"
    svc = service(run(tmp_path, {"lab.network": text}), "lab-network.service")
    assert exec_start(svc) == [
        HUTCH, "network", "create", "--ignore", "--dns=192.0.2.53", "--dns=192.0.2.54",
        "--interface-name=lab0", "--ipam-driver=none", "systemd-lab",
    ]  # fmt: skip


def test_image_unit(tmp_path: Path) -> None:
    text = f"[Image]\nImage={IMAGE}\nArch=arm64\nTLSVerify=false\nAllTags=no\n"
    svc = service(run(tmp_path, {"bb.image": text}), "bb-image.service")
    assert exec_start(svc) == [HUTCH, "pull", "--arch=arm64", "--tls-verify=false", IMAGE]


def test_build_unit_with_the_unit_dir_as_context(tmp_path: Path) -> None:
    text = "[Build]\nImageTag=localhost/app:1\nSetWorkingDirectory=unit\nTarget=final\n"
    svc = service(run(tmp_path, {"app.build": text}), "app-build.service")
    assert exec_start(svc) == [
        HUTCH, "build", "--tag=localhost/app:1", "--target=final", str(tmp_path),
    ]  # fmt: skip
    assert values(svc, "Service", "WorkingDirectory") == [str(tmp_path)]


def test_build_unit_with_a_relative_file(tmp_path: Path) -> None:
    text = "[Build]\nImageTag=localhost/app\nFile=ctx/Containerfile\n"
    svc = service(run(tmp_path, {"app.build": text}), "app-build.service")
    assert exec_start(svc) == [
        HUTCH, "build", f"--file={tmp_path}/ctx/Containerfile", "--tag=localhost/app",
        f"{tmp_path}/ctx",
    ]  # fmt: skip


def test_a_container_uses_network_volume_and_build_units(tmp_path: Path) -> None:
    files = {
        "web.container": (
            "[Container]\nImage=app.build\nNetwork=net.network\n"
            "Volume=data.volume:/srv\nMount=type=volume,source=logs.volume,destination=/log\n"
        ),
        "net.network": "[Network]\nNetworkName=frontend\n",
        "data.volume": "[Volume]\n",
        "logs.volume": "[Volume]\nVolumeName=weblogs\n",
        "app.build": "[Build]\nImageTag=localhost/app\nSetWorkingDirectory=unit\n",
    }
    result = run(tmp_path, files)
    assert result.warnings == ()
    svc = service(result, "web.service")
    assert exec_start(svc) == [
        *RUN_PREFIX,
        "--network=frontend",
        "--volume=systemd-data:/srv",
        "--mount=type=volume,source=weblogs,destination=/log",
        "localhost/app",
    ]
    deps = [
        "app-build.service",
        "net-network.service",
        "data-volume.service",
        "logs-volume.service",
    ]
    assert values(svc, "Unit", "Requires") == deps
    assert values(svc, "Unit", "After") == deps


def test_an_image_unit_names_the_image(tmp_path: Path) -> None:
    files = {
        "web.container": "[Container]\nImage=bb.image\n",
        "bb.image": f"[Image]\nImage={IMAGE}\n",
    }
    svc = service(run(tmp_path, files), "web.service")
    assert exec_start(svc)[-1] == IMAGE
    assert values(svc, "Unit", "Requires") == ["bb-image.service"]


def test_a_rootfs_container_runs_on_its_directory(tmp_path: Path) -> None:
    files = {"root.container": "[Container]\nRootfs=/srv/root:O\nExec=/bin/sh\n"}
    argv = exec_start(service(run(tmp_path, files), "root.service"))
    assert argv[-3:] == ["--rootfs", "/srv/root:O", "/bin/sh"]


def test_unit_dependencies_name_the_generated_services(tmp_path: Path) -> None:
    files = {
        "web.container": (
            "[Unit]\nAfter=db.container data.volume other.service\nRequires=db.container\n"
            f"[Container]\nImage={IMAGE}\n"
        ),
        "db.container": f"[Container]\nImage={IMAGE}\n",
        "data.volume": "[Volume]\n",
    }
    svc = service(run(tmp_path, files), "web.service")
    assert values(svc, "Unit", "After") == ["db.service data-volume.service other.service"]
    assert values(svc, "Unit", "Requires") == ["db.service"]


def test_drop_ins_apply_in_order_and_the_specific_one_wins(tmp_path: Path) -> None:
    files = {
        "foo-bar.container": f"[Container]\nImage={IMAGE}\nMemory=1g\n",
        "container.d/10-mem.conf": "[Container]\nMemory=2g\nLabel=all=1\n",
        "foo-.container.d/10-mem.conf": "[Container]\nMemory=3g\n",
        "foo-bar.container.d/20-more.conf": "[Container]\nPublishPort=80\n",
        "foo-bar.container.d/30-svc.conf": "[Service]\nRestart=always\n",
    }
    svc = service(run(tmp_path, files), "foo-bar.service")
    argv = exec_start(svc)
    # 10-mem.conf from foo-.container.d hides the one from container.d.
    assert "--memory=3g" in argv and "--label=all=1" not in argv
    assert "--publish=80" in argv
    assert values(svc, "Service", "Restart") == ["always"]


def test_dropin_directory_names() -> None:
    assert dropin_dirs("foo-bar@x.container") == [
        "container.d",
        "foo-.container.d",
        "foo-bar@.container.d",
        "foo-bar@x.container.d",
    ]


def test_a_template_and_its_instance(tmp_path: Path) -> None:
    files = {
        "sleep@.container": (
            f"[Container]\nImage={IMAGE}\nExec=sleep %i\n"
            "[Install]\nWantedBy=default.target\nDefaultInstance=100\n"
        ),
        "sleep@10.container.d/image.conf": "[Container]\nMemory=10m\n",
    }
    (tmp_path / "sleep@.container").parent.mkdir(exist_ok=True)
    result = run(tmp_path, files)
    (tmp_path / "sleep@10.container").symlink_to("sleep@.container")
    result = run(tmp_path, {})
    template = next(g for g in result.units if g.service == "sleep@.service")
    assert exec_start(template.text)[2] == "--name=systemd-%p_%i"
    assert exec_start(template.text)[-2:] == ["sleep", "%i"]
    assert template.links == (("default.target.wants/sleep@100.service", "../sleep@.service"),)
    instance = next(g for g in result.units if g.service == "sleep@10.service")
    assert "--memory=10m" in exec_start(instance.text)
    assert "--memory=10m" not in exec_start(template.text)


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("bad.container", f"[Container]\nImage={IMAGE}\nFoo=1\n", 3, "unknown key Foo"),
        ("bad.container", f"[Container]\nImage={IMAGE}\nRootfs=/r\n", 3, "cannot both be set"),
        ("bad.container", f"[Container]\nImage={IMAGE}\nRetry=3\n", 3, "not supported by hutch"),
        ("bad.container", "[Container]\nImage=Not A Ref\n", 2, "not a valid image reference"),
        ("bad.container", "[Container]\nImage=x\nNetwork=nope.network\n", 3, "no network unit"),
        ("bad.container", "[Container]\nImage=x\nVolume=nope.volume:/d\n", 3, "no volume unit"),
        ("bad.container", '[Container]\nImage=x\nExec="open\n', 3, "unbalanced quote"),
        ("bad.container", "[Container]\nImage=x\nReadOnly=maybe\n", 3, "not a boolean"),
        ("bad.container", "[Container]\nImage=x\nNotify=later\n", 3, "boolean or healthy"),
        ("bad.container", "[Container]\nImage=x\nAutoUpdate=sometimes\n", 3, "registry or local"),
        ("bad.container", "[Container]\nImage=x\nGroup=100\n", 3, "needs User="),
        ("bad.container", "[Container]\nImage=x\n[Quadlet]\nOops=1\n", 4, "[Quadlet]"),
        ("bad.container", "[Container]\nImage\n", 2, "missing '='"),
        ("bad.network", "[Network]\nSubnets=1\n", 2, "unknown key Subnets"),
    ],
)
def test_a_bad_unit_is_skipped_with_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    good = f"[Container]\nImage={IMAGE}\n"
    result = run(tmp_path, {name: text, "good.container": good})
    assert [g.service for g in result.units] == ["good.service"]
    (warning,) = result.warnings
    assert warning.startswith(f"{tmp_path / name}:{line}: ")
    assert message in warning
    assert warning.endswith(f"skipping {name}")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.container", "[Container]\nPublishPort=80\n", "no Image key"),
        ("b.build", "[Build]\nFile=Containerfile\n", "no ImageTag"),
        ("b.build", "[Build]\nImageTag=x\n", "needs File= or SetWorkingDirectory="),
    ],
)
def test_units_that_cannot_be_made_name_their_file(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    result = run(tmp_path, {name: text})
    assert result.units == ()
    (warning,) = result.warnings
    assert warning.startswith(f"{tmp_path / name}: ") and message in warning


def test_user_search_paths() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/u"}
    assert [str(p) for p in search_dirs(True, env, 1000)] == [
        "/run/user/1000/containers/systemd",
        "/home/u/.config/containers/systemd",
        "/etc/containers/systemd/users/1000",
        "/etc/containers/systemd/users",
    ]
    env["XDG_CONFIG_HOME"] = "/cfg"
    assert str(search_dirs(True, env, 1000)[1]) == "/cfg/containers/systemd"
    assert [str(p) for p in search_dirs(True, {"QUADLET_UNIT_DIRS": "/a:/b"}, 1)] == ["/a", "/b"]
    assert str(search_dirs(False, {}, 0)[1]) == "/etc/containers/systemd"


def test_an_earlier_directory_hides_the_same_name(tmp_path: Path) -> None:
    from hutch.systemd.sources import find_units

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "web.container").write_text("")
    (tmp_path / "b" / "web.container").write_text("")
    (tmp_path / "b" / "db.container").write_text("")
    found = find_units([tmp_path / "a", tmp_path / "b"], recursive=False)
    assert [(s.name, s.dir.name) for s in found] == [("db.container", "b"), ("web.container", "a")]


def test_image_volume_unit(tmp_path: Path) -> None:
    # podman's Quadlet: Driver=image with Image= is --opt image=IMAGE
    text = f"[Volume]\nDriver=image\nImage={IMAGE}\n"
    svc = service(run(tmp_path, {"fs.volume": text}), "fs-volume.service")
    assert exec_start(svc) == [
        HUTCH, "volume", "create", "--ignore", "--driver=image",
        f"--opt=image={IMAGE}", "systemd-fs",
    ]  # fmt: skip
    # an image unit: its image, its service required first
    units = {
        "base.image": f"[Image]\nImage={IMAGE}\n",
        "fs.volume": "[Volume]\nDriver=image\nImage=base.image\n",
    }
    svc = service(run(tmp_path, units), "fs-volume.service")
    assert f"--opt=image={IMAGE}" in exec_start(svc)
    assert "base-image.service" in " ".join(values(svc, "Unit", "Requires"))


def test_image_volume_needs_an_image(tmp_path: Path) -> None:
    result = run(tmp_path, {"fs.volume": "[Volume]\nDriver=image\n"})
    assert not [g for g in result.units if g.service == "fs-volume.service"]
    assert any("the key Image is mandatory" in str(w) for w in result.warnings)
