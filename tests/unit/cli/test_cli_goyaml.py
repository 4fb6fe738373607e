"""go-yaml's layout of JSON data, as podman's ``info`` prints it."""

from __future__ import annotations

from hutch.cli import goyaml


def test_keys_sorted_as_go_yaml_sorts_them() -> None:
    keys = ["cpus", "cpuUtilization", "Using metacopy", "Backing Filesystem", "a10", "a9", "a_b"]
    assert list(goyaml.sorted_keys(dict.fromkeys(keys, 0))) == [
        "Backing Filesystem", "Using metacopy", "a_b", "a9", "a10", "cpuUtilization", "cpus",
    ]  # fmt: skip


def test_scalars_quoted_as_go_yaml_quotes_them() -> None:
    text = goyaml.dumps(
        {
            "version": "12",
            "GitCommit": "",
            "flag": "true",
            "plain": "k8s-file",
            "colon": "conmon version 2.1.6, commit: unknown",
            "lines": "runc version 1.1.5\ncommit: x",
            "none": None,
            "empty": {},
            "list": [],
            "float": 53.4,
            "caps": "CAP_CHOWN," * 30,
            "maps": [{"b": 1, "a": 2}],
        }
    )
    assert text == (
        'GitCommit: ""\n'
        f"caps: {'CAP_CHOWN,' * 30}\n"  # never folded
        "colon: 'conmon version 2.1.6, commit: unknown'\n"
        "empty: {}\n"
        'flag: "true"\n'
        "float: 53.4\n"
        "lines: |-\n  runc version 1.1.5\n  commit: x\n"
        "list: []\n"
        "maps:\n- a: 2\n  b: 1\n"
        "none: null\n"
        "plain: k8s-file\n"
        'version: "12"\n'
    )


def test_unsorted_keeps_the_order_given() -> None:
    assert (
        goyaml.dumps({"b": 1, "a": [{"z": 1, "y": 2}]}, sort=False) == "b: 1\na:\n- z: 1\n  y: 2\n"
    )
