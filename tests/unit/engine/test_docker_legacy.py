"""The legacy entries of a docker-archive, checked against what podman 4.3.1 wrote
for the same configs (ids and the layers' ``json``, byte for byte)."""

from __future__ import annotations

import json

from hutch.engine.docker_legacy import legacy_layers, repositories

BOTTOM = "sha256:30dd605dbe372e49a0a1d6d1e49f5e288ca9db4c244264aab8858552ee1095a9"
TOP = "sha256:2da4a9eae98231fc70b30aa8ee7f4bd8b40821ce1596707bbf5e307ed798e13e"
# the config of a two-layer image podman built (its Cmd has <, & and >)
CONFIG = (
    b'{"created":"2026-12-05T22:00:13.549997405Z","architecture":"amd64","os":"linux",'
    b'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/'
    b'bin"],"Cmd":["sh","-c","echo \\u003c\\u0026\\u003e"],"Labels":{"io.buildah.version"'
    b':"1.28.2"}},"rootfs":{"type":"layers","diff_ids":["sha256:30dd605dbe372e49a0a1d6'
    b'd1e49f5e288ca9db4c244264aab8858552ee1095a9","sha256:2da4a9eae98231fc70b30aa8ee7f'
    b'4bd8b40821ce1596707bbf5e307ed798e13e"]},"history":[{"created":"2026-12-05T21:53:'
    b'56.13302517Z","created_by":"/bin/sh -c #(nop) ADD file:30dd605dbe372e49a0a1d6d1e'
    b'49f5e288ca9db4c244264aab8858552ee1095a9 in /","comment":"imported from tarball"}'
    b',{"created":"2026-12-05T22:00:13.430896894Z","created_by":"/bin/sh -c echo a \\u0'
    b'03e /a","comment":"FROM localhost/h19base:latest"},{"created":"2026-12-05T22:00:'
    b'13.550190213Z","created_by":"/bin/sh -c #(nop) CMD [\\"sh\\", \\"-c\\", \\"echo \\u003'
    b'c\\u0026\\u003e\\"]","comment":"FROM 17dd4ad8dc2d","empty_layer":true}]}'
)
ONE = (
    b'{"created":"2026-12-05T21:53:56.13302517Z","architecture":"amd64","os":"linux",'
    b'"config":{},"rootfs":{"type":"layers","diff_ids":["' + BOTTOM.encode() + b'"]}}'
)


def test_one_layer_as_podman_writes_it() -> None:
    (layer,) = legacy_layers([BOTTOM], ONE)
    assert layer.id == "48f1b2bb08d0f0fdfed1fe53ba5980f8d5b42acadb63d258105cf3fb84d54633"
    assert layer.config == (
        b'{"architecture":"amd64","config":{},"container":null,"container_config":null,'
        b'"created":"2026-12-05T21:53:56.13302517Z","docker_version":null,"id":"'
        + layer.id.encode()
        + b'","os":"linux"}'
    )


def test_two_layers_name_their_parent_and_the_top_carries_the_config() -> None:
    bottom, top = legacy_layers([BOTTOM, TOP], CONFIG)
    assert bottom.id == "247b9de6562d1e8e6ba11bbb5921bc1e7bc992ccecd818675495be0a25030d7b"
    assert bottom.config == b'{"id":"' + bottom.id.encode() + b'"}'
    assert top.id == "bfbdfa5de9db70b2c379f44d85f5939eff87913128961f8578ab1c8f7add3f53"
    assert (bottom.diff_id, top.diff_id) == (BOTTOM, TOP)
    doc = json.loads(top.config)
    assert doc["parent"] == bottom.id and doc["config"]["Cmd"] == ["sh", "-c", "echo <&>"]
    assert b'"Cmd":["sh","-c","echo \\u003c\\u0026\\u003e"]' in top.config  # Go's escapes
    # the config's own text, re-indented, gives the same ids
    pretty = json.dumps(json.loads(CONFIG), indent=2).encode()
    assert [x.id for x in legacy_layers([BOTTOM, TOP], pretty)] == [bottom.id, top.id]


def test_repositories_map_each_tag_to_its_top_layer() -> None:
    assert repositories([("localhost/b:v2", "t2"), ("localhost/b:latest", "t1")]) == (
        b'{"localhost/b":{"latest":"t1","v2":"t2"}}'
    )
    assert repositories([]) == b"{}"
