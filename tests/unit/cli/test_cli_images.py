"""``hutch images``: table, -q, --format json (contract), templates, --noheading."""

from __future__ import annotations

import json
import time

import pytest

from hutch.api.images import ImageSummary
from unit.fakes import FakeEngine, run_cli

ID_A = "a" * 12 + "1" * 52
ID_B = "b" * 12 + "2" * 52
DIGEST_A = "sha256:" + "d" * 64

# The keys of ``podman images --format json`` that users script against.
JSON_KEYS = [
    "Id",
    "ParentId",
    "RepoTags",
    "RepoDigests",
    "Size",
    "SharedSize",
    "VirtualSize",
    "Labels",
    "Containers",
    "Names",
    "Digest",
    "History",
    "Created",
    "CreatedAt",
]


def two_images() -> FakeEngine:
    now = time.time()
    return FakeEngine(
        image_list=[
            ImageSummary(
                ID_A,
                ("localhost/base:latest", "docker.io/library/busybox:1.36"),
                DIGEST_A,
                now - 7200,
                4_321_000,
                containers=2,
            ),
            ImageSummary(ID_B, (), "sha256:" + "e" * 64, now - 30, 999),
        ]
    )


def test_table_columns_and_rows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images"], two_images(), monkeypatch, capsys)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"]
    assert lines[1].split() == [
        *("localhost/base", "latest", ID_A[:12]),
        *("2", "hours", "ago", "4.32", "MB"),
    ]
    assert lines[2].split()[:3] == ["docker.io/library/busybox", "1.36", ID_A[:12]]
    assert lines[3].split() == ["<none>", "<none>", ID_B[:12], "30", "seconds", "ago", "999", "B"]
    assert len(lines) == 4
    # Columns line up: every row's TAG starts where the header's does.
    tag_col = lines[0].index("TAG")
    assert all(line[tag_col - 2 : tag_col] == "  " for line in lines)


def test_digests_column(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "--digests"], two_images(), monkeypatch, capsys)
    assert result.out.splitlines()[0].split()[:3] == ["REPOSITORY", "TAG", "DIGEST"]
    assert DIGEST_A in result.out.splitlines()[1]


def test_history_column_and_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """podman's --history: a last column with every name the image has had."""
    fake = FakeEngine(
        image_list=[
            ImageSummary(
                ID_A,
                ("localhost/a:1",),
                DIGEST_A,
                time.time(),
                1,
                history=("localhost/a:1", "localhost/gone:2"),
            )
        ]
    )
    lines = run_cli(["images", "--history"], fake, monkeypatch, capsys).out.splitlines()
    assert lines[0].split()[-1] == "HISTORY"
    assert lines[1].endswith("  localhost/a:1, localhost/gone:2")
    out = run_cli(["images", "--format", "{{.History}}"], fake, monkeypatch, capsys).out
    assert out == "localhost/a:1, localhost/gone:2\n"
    data = json.loads(run_cli(["images", "--format", "json"], fake, monkeypatch, capsys).out)
    assert data[0]["History"] == ["localhost/a:1", "localhost/gone:2"]


def test_quiet_prints_each_id_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "-q"], two_images(), monkeypatch, capsys)
    assert result.out == f"{ID_A[:12]}\n{ID_B[:12]}\n"


def test_quiet_no_trunc(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "-q", "--no-trunc"], two_images(), monkeypatch, capsys)
    assert result.out == f"sha256:{ID_A}\nsha256:{ID_B}\n"


def test_quiet_with_no_images_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "-q"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.out) == (0, "")


def test_json_keys_contract(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "--format", "json"], two_images(), monkeypatch, capsys)
    data = json.loads(result.out)
    # the first image has two names: podman lists it once for each
    assert [list(entry) for entry in data] == [JSON_KEYS, JSON_KEYS, JSON_KEYS]


def test_json_values(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    engine = two_images()
    result = run_cli(["images", "--format", "json"], engine, monkeypatch, capsys)
    first, again, second = json.loads(result.out)
    assert first == again  # once for each of its two names, as podman's
    assert first["Id"] == ID_A
    assert first["RepoTags"] is None  # podman's JSON: nil, the names are in Names
    assert first["Names"] == ["localhost/base:latest", "docker.io/library/busybox:1.36"]
    assert first["RepoDigests"] == [
        f"localhost/base@{DIGEST_A}",
        f"docker.io/library/busybox@{DIGEST_A}",
    ]
    assert (first["Size"], first["VirtualSize"], first["Containers"]) == (4_321_000, 4_321_000, 2)
    assert first["Created"] == int(engine.image_list[0].created)
    assert first["CreatedAt"].endswith("Z")  # Go's RFC 3339 in UTC
    assert second["RepoTags"] is None and second["Names"] is None
    assert second["RepoDigests"] == []


def test_json_with_no_images_is_an_empty_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "--format", "json"], FakeEngine(), monkeypatch, capsys)
    assert json.loads(result.out) == []


def test_go_template(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        ["images", "--format", "{{.ID}} {{.Repository}}"], two_images(), monkeypatch, capsys
    )
    assert result.out == (
        f"{ID_A[:12]} localhost/base\n{ID_A[:12]} docker.io/library/busybox\n{ID_B[:12]} <none>\n"
    )


def test_table_template_uses_column_headers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        ["images", "--format", "table {{.ID}}\\t{{.Tag}}"], two_images(), monkeypatch, capsys
    )
    lines = result.out.splitlines()
    assert lines[0].split() == ["IMAGE", "ID", "TAG"]
    assert lines[1].split() == [ID_A[:12], "latest"]


def test_template_with_unknown_field_is_125(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["images", "--format", "{{.Nope}}"], two_images(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err == (
        'Error: template: images:1:13: executing "images" at <.Nope>: '
        "can't evaluate field Nope in type images.imageReporter\n"
    )
    assert result.out == ""


@pytest.mark.parametrize("flag", ["--noheading", "-n"])
def test_noheading(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with_head = run_cli(["images"], two_images(), monkeypatch, capsys).out.splitlines()
    without = run_cli(["images", flag], two_images(), monkeypatch, capsys).out.splitlines()
    assert without == with_head[1:]
    assert "REPOSITORY" not in "".join(without)
    table = ["images", "--format", "table {{.Repository}}\t{{.Tag}}"]
    with_head = run_cli(table, two_images(), monkeypatch, capsys).out.splitlines()
    without = run_cli([*table, flag], two_images(), monkeypatch, capsys).out.splitlines()
    assert with_head[0].startswith("REPOSITORY") and without == with_head[1:]  # as podman


@pytest.mark.parametrize("argv", [["image", "ls"], ["image", "list"]])
def test_image_ls_aliases(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli([*argv, "-q"], two_images(), monkeypatch, capsys)
    assert result.out.splitlines() == [ID_A[:12], ID_B[:12]]
