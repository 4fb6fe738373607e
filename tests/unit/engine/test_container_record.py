"""The container record: its codec, records written by earlier versions of hutch, and
config_peek, which reads a few run options of a record as the codec does."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hutch.api.container_config import LogOptions, ResourceOptions, RunOptions
from hutch.engine import config_peek, container_record
from hutch.engine.container_record import ContainerConfig, MountRecord
from hutch.oci.image import ContainerConfig as ImageRunConfig
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.spec_network import PortMapping

# A record exactly as hutch wrote it before the record had a version (version
# 0): ``{"options": asdict(RunOptions), "driver": ...}`` at the start of create,
# then the keys create added once the spec was built. Here for
# ``run -d -it --name web --restart on-failure:3 --label tier=front --label solo
# --stop-timeout 0 --log-driver json-file --log-opt max-size=1k --memory 64m
# --detach-keys ctrl-a,d -v cache:/data --tmpfs /run -p 127.0.0.1:8080:80 busybox sleep 1000``.
V0_RECORD = (
    b'{"options": {"image": "docker.io/library/busybox:latest", "command": ["sleep", "1000'
    b'"], "remove": false, "interactive": true, "tty": true, "env": [], "env_files": [], "'
    b'workdir": null, "user": null, "entrypoint": null, "hostname": null, "name": "web", "'
    b'network": "private", "detach": true, "restart": "on-failure:3", "labels": ["tier=fro'
    b'nt", "solo"], "stop_signal": null, "stop_timeout": 0, "cidfile": null, "timezone": n'
    b'ull, "net": {"publish": [], "publish_all": false, "aliases": [], "ip": null, "ip6": '
    b'null, "add_hosts": [], "dns": [], "dns_search": [], "dns_options": [], "no_hosts": f'
    b'alse}, "security": {"cap_add": [], "cap_drop": [], "privileged": false, "security_op'
    b't": [], "read_only": false, "read_only_tmpfs": true, "sysctl": [], "ulimit": [], "de'
    b'vice": [], "group_add": [], "userns": null, "uidmap": [], "gidmap": [], "subuidname"'
    b': null, "subgidname": null}, "lifecycle": {"init": false, "health": {"cmd": null, "i'
    b'nterval": null, "timeout": null, "start_period": null, "retries": null, "disabled": '
    b'false}, "detach_keys": "ctrl-a,d", "sig_proxy": true}, "pull": {"policy": "missing",'
    b' "platform": null, "arch": null, "os": null, "variant": null, "quiet": false}, "volu'
    b'mes": {"volumes": [], "mounts": [], "tmpfs": [], "volumes_from": []}, "resources": {'
    b'"memory": "64m", "memory_reservation": null, "memory_swap": null, "cpus": null, "cpu'
    b'_shares": null, "cpu_weight": null, "cpu_quota": null, "cpu_period": null, "cpuset_c'
    b'pus": null, "cpuset_mems": null, "pids_limit": null, "blkio_weight": null, "device_r'
    b'ead_bps": [], "device_write_bps": [], "device_read_iops": [], "device_write_iops": ['
    b'], "cgroups": null, "cgroup_parent": null}, "log": {"driver": "json-file", "opts": ['
    b'"max-size=1k"]}}, "driver": "overlay", "command": ["sleep", "1000"], "env": ["PATH=/'
    b'usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "contain'
    b'er=hutch", "HOSTNAME=web"], "hostname": "web", "workdir": "/", "user": "", "image_co'
    b'nfig": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
    b', "Cmd": ["sh"], "ExposedPorts": {"80/tcp": {}}, "StopSignal": "SIGQUIT"}, "mounts":'
    b' [{"kind": "volume", "destination": "/data", "source": "/home/u/.local/share/hutch/s'
    b'torage/volumes/cache/_data", "name": "cache", "readonly": false, "options": ["rbind"'
    b'], "chown": false}, {"kind": "tmpfs", "destination": "/run", "source": "", "name": "'
    b'", "readonly": false, "options": [], "chown": false}], "ports": [["127.0.0.1", 8080,'
    b' 80, "tcp"]]}'
)


def test_a_version_0_record_reads_into_fields() -> None:
    config = container_record.decode(V0_RECORD)
    options = config.options
    assert options.image == "docker.io/library/busybox:latest"
    assert (options.tty, options.interactive, options.detach, options.name) == (
        True,
        True,
        True,
        "web",
    )
    assert options.command == ("sleep", "1000")
    assert options.log == LogOptions("json-file", ("max-size=1k",))
    assert options.resources.memory == "64m"
    assert options.lifecycle.detach_keys == "ctrl-a,d"
    assert config.driver == "overlay"
    assert config.restart == RestartPolicy("on-failure", 3)
    assert config.command == ("sleep", "1000")
    assert config.env[-1] == "HOSTNAME=web"
    assert (config.hostname, config.workdir, config.user) == ("web", "/", "")
    assert config.image_config.exposed_ports == ("80/tcp",)
    assert config.image_config.cmd == ("sh",)
    assert config.mounts == (
        MountRecord(
            "volume",
            "/data",
            "/home/u/.local/share/hutch/storage/volumes/cache/_data",
            name="cache",
            options=("rbind",),
        ),
        MountRecord("tmpfs", "/run", ""),
    )
    assert config.ports == (PortMapping("127.0.0.1", 8080, 80, "tcp"),)
    assert config.labels == (("tier", "front"), ("solo", ""))
    assert config.stop_signal == "SIGQUIT"  # the image's, as none was given
    assert config.version == container_record.VERSION


def test_stop_timeout_0_is_kept_and_unset_is_the_default() -> None:
    # The bug this record fixed: inspect showed 10 for --stop-timeout 0.
    assert container_record.decode(V0_RECORD).stop_timeout == 0
    unset = ContainerConfig(RunOptions(image="x"))
    assert unset.stop_timeout == container_record.DEFAULT_STOP_TIMEOUT == 10
    assert ContainerConfig(RunOptions(image="x", stop_timeout=30)).stop_timeout == 30


def test_a_record_of_a_create_in_progress_reads_with_defaults() -> None:
    # Between the insert and the rest of create only options and driver exist.
    raw = json.dumps({"options": {"image": "busybox", "restart": "always"}, "driver": "vfs"})
    config = container_record.decode(raw.encode())
    assert config.restart == RestartPolicy("always")
    assert (config.command, config.mounts, config.ports, config.workdir) == ((), (), (), "/")
    assert config.image_config == ImageRunConfig()
    assert config.stop_signal == "SIGTERM"


def test_encode_then_decode_gives_the_same_config() -> None:
    config = container_record.decode(V0_RECORD)
    assert container_record.decode(container_record.encode(config)) == config
    richer = replace(
        config,
        options=replace(
            config.options,
            resources=ResourceOptions(memory="1g", device_read_bps=("/dev/x:1",), cgroups="split"),
        ),
        image_config=replace(config.image_config, entrypoint=("/e",), labels=(("a", "b"),)),
        restart=RestartPolicy("on-failure"),
    )
    assert container_record.decode(container_record.encode(richer)) == richer


def test_version_1_is_the_typed_fields_with_a_version() -> None:
    data = json.loads(container_record.encode(ContainerConfig(RunOptions(image="x"))))
    assert data["version"] == 1
    assert data["restart"] == {"name": "no", "max_retries": None}
    assert data["options"]["image"] == "x"


def test_keys_a_later_hutch_added_are_ignored() -> None:
    data = json.loads(container_record.encode(ContainerConfig(RunOptions(image="x"))))
    data["options"]["resources"]["unknown_later_field"] = 1
    data["unknown_later_key"] = {"a": 1}
    data["version"] = container_record.VERSION + 1
    config = container_record.decode(json.dumps(data).encode())
    assert config.options.image == "x"


def test_a_record_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        container_record.decode(b'{"version": 1, "options": ["x"]}')


@pytest.mark.parametrize(
    "raw", [b"[]", b'{"version": 1}', b'{"version": 1, "options": {"tty": true}}']
)
def test_a_broken_record_is_a_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        container_record.decode(raw)


PEEKED = {
    "version 0": V0_RECORD,
    "defaults": container_record.encode(ContainerConfig(RunOptions(image="busybox"))),
    "set": container_record.encode(
        ContainerConfig(
            RunOptions(
                image="busybox",
                labels=("a=b", "bare", "c=d=e", "empty="),
                requires=("db", "cache"),
                network="container:db",
            )
        )
    ),
    "a create in progress": b'{"options": {"image": "busybox"}, "driver": "overlay"}',
}


@pytest.mark.parametrize("raw", PEEKED.values(), ids=PEEKED.keys())
def test_the_peek_answers_as_the_codec(raw: bytes) -> None:
    config = container_record.decode(raw)
    assert config_peek.labels(raw) == config.labels
    assert config_peek.joins(raw) == (config.options.requires, config.options.network)


@pytest.mark.parametrize(
    "raw",
    [b"[1]", b"not json", b'{"options": []}', b'{"options": {"labels": "a=b"}}',
     b'{"options": {"requires": [1]}}', b'{"options": {"network": 3}}'],
)  # fmt: skip
def test_what_it_cannot_read_is_left_to_the_codec(raw: bytes) -> None:
    assert config_peek.labels(raw) is None or config_peek.joins(raw) is None


ROWS = {
    "plain": ContainerConfig(RunOptions(image="busybox"), command=("sleep", "1")),
    "everything": ContainerConfig(
        RunOptions(
            image="busybox",
            labels=("tier=front", "bare", "over=mine"),
            restart="on-failure:3",
            network="net1:ip=10.89.0.5,net2",
            entrypoint='["/bin/sh", "-c"]',
        ),
        restart=RestartPolicy("on-failure", 3),
        command=("/bin/sh", "-c", "echo hi"),
        image_config=ImageRunConfig(
            entrypoint=("/init",), labels=(("over", "image's"), ("vendor", "me"))
        ),
        mounts=(
            MountRecord("volume", "/data", "/v/cache/_data", name="cache"),
            MountRecord("tmpfs", "/run", ""),
        ),
        ports=(PortMapping("127.0.0.1", 8080, 80), PortMapping("", 5353, 53, "udp")),
    ),
    "an image's entrypoint": ContainerConfig(
        RunOptions(image="busybox", restart="no"),
        command=("/init", "serve"),
        image_config=ImageRunConfig(entrypoint=("/init",)),
    ),
    "an entrypoint of one word": ContainerConfig(
        RunOptions(image="busybox", entrypoint="/bin/true"), command=("/bin/true",)
    ),
    "an empty entrypoint": ContainerConfig(
        RunOptions(image="busybox", entrypoint=""),
        image_config=ImageRunConfig(entrypoint=("/init",)),
    ),
    "a broken JSON entrypoint": ContainerConfig(RunOptions(image="b", entrypoint="[oops")),
}


@pytest.mark.parametrize("config", ROWS.values(), ids=ROWS.keys())
def test_a_ps_row_peeked_is_the_row_of_the_decoded_config(config: ContainerConfig) -> None:
    from hutch.engine.container_list import config_row

    raw = container_record.encode(config)
    peeked = config_peek.row(raw)
    assert peeked == config_row(container_record.decode(raw))


def test_the_row_peek_reads_the_codec_s_version() -> None:
    # a new record version: look at config_peek.row, then move ROW_VERSION along
    assert config_peek.ROW_VERSION == container_record.VERSION


def _edited(change: dict[str, object], where: str = "") -> bytes:
    data = json.loads(container_record.encode(ROWS["everything"]))
    (data[where] if where else data).update(change)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "raw",
    [
        V0_RECORD,  # an earlier version: the codec migrates it
        b"not json",
        _edited({"version": 2}),
        _edited({"command": "sleep 1"}),
        _edited({"ports": [["127.0.0.1", 8080, 80, "tcp"]]}),
        _edited({"ports": [{"host_ip": "", "host_port": "80", "container_port": 80}]}),
        _edited({"mounts": [{"name": 1, "source": "", "destination": "/d"}]}),
        _edited({"labels": [["a", 1]]}, "image_config"),
        _edited({"network": None}, "options"),
        _edited({"entrypoint": 3}, "options"),
        _edited({"restart": None}),
    ],
)
def test_a_row_it_cannot_read_is_left_to_the_codec(raw: bytes) -> None:
    assert config_peek.row(raw) is None
