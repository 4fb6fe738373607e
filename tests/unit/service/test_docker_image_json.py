"""Images in Docker's shapes: list items, inspect, history, delete and prune answers."""

from __future__ import annotations

import json

from hutch.api.common import PruneReport
from hutch.api.images import (
    HistoryLine,
    ImageGraphDriver,
    ImageInspect,
    ImageRootFS,
    ImageSummary,
    RemoveReport,
    SearchResult,
)
from hutch.service.docker.image_json import (
    image_delete,
    image_history,
    image_inspect,
    image_list_item,
    image_prune,
    search_result,
)
from hutch.service.docker.names import familiar, repo_digest, split_tag

DIGEST = "sha256:" + "d" * 64
IMAGE = ImageSummary(
    id="a" * 64,
    names=("docker.io/library/busybox:latest", "localhost:5000/team/app:1"),
    digest=DIGEST,
    created=1_700_000_000.7,
    size=4_000_000,
    containers=2,
    labels=(("k", "v"),),
)


def test_names_are_dockers_familiar_names() -> None:
    assert familiar("docker.io/library/busybox:latest") == "busybox:latest"
    assert familiar("docker.io/team/app:1") == "team/app:1"
    assert familiar("docker.io/library/a/b:1") == "library/a/b:1"
    assert familiar("localhost/base:latest") == "localhost/base:latest"
    assert repo_digest("localhost:5000/app:1", DIGEST) == f"localhost:5000/app@{DIGEST}"
    assert split_tag("localhost:5000/app") == ("localhost:5000/app", "latest")
    assert split_tag("app:2") == ("app", "2")
    assert split_tag(f"app@{DIGEST}") == (f"app@{DIGEST}", "")


def test_list_item() -> None:
    item = image_list_item(IMAGE)
    assert sorted(item) == [
        "Containers", "Created", "Id", "Labels", "ParentId", "RepoDigests", "RepoTags",
        "SharedSize", "Size", "VirtualSize",
    ]  # fmt: skip
    assert item["Id"] == "sha256:" + "a" * 64 and item["Created"] == 1_700_000_000
    assert item["RepoTags"] == ["busybox:latest", "localhost:5000/team/app:1"]
    assert item["RepoDigests"] == [f"busybox@{DIGEST}", f"localhost:5000/team/app@{DIGEST}"]
    assert (item["Containers"], item["Labels"], item["Size"]) == (2, {"k": "v"}, 4_000_000)
    dangling = image_list_item(ImageSummary("b" * 64, (), "", 1.0, 10))
    assert dangling["RepoTags"] == ["<none>:<none>"]
    assert dangling["RepoDigests"] == ["<none>@<none>"] and dangling["Labels"] is None
    assert image_list_item(IMAGE, digests=False)["RepoDigests"] is None
    json.dumps(item)


def test_inspect_keys_and_values() -> None:
    report = ImageInspect(
        id="a" * 64, digest=DIGEST, repo_tags=("docker.io/library/busybox:latest",),
        repo_digests=(), parent="", comment="", created="2023-11-14T22:13:20Z",
        config={"Cmd": ["sh"], "Env": ["PATH=/bin"]}, version="", author="me",
        architecture="amd64", os="linux", size=10, virtual_size=10,
        graph_driver=ImageGraphDriver("overlay", {"LowerDir": "/l"}),
        root_fs=ImageRootFS("layers", ("sha256:" + "e" * 64,)), labels=None, annotations={},
        manifest_type="", user="", history=(), names_history=(),
    )  # fmt: skip
    out = image_inspect(report)
    assert list(out) == [
        "Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container",
        "ContainerConfig", "DockerVersion", "Author", "Config", "Architecture", "Os", "Size",
        "VirtualSize", "GraphDriver", "RootFS", "Metadata",
    ]  # fmt: skip
    assert out["RepoTags"] == ["busybox:latest"] and out["RepoDigests"] == [f"busybox@{DIGEST}"]
    assert out["Config"]["Cmd"] == ["sh"] and out["Config"]["Entrypoint"] is None
    assert out["RootFS"] == {"Type": "layers", "Layers": ["sha256:" + "e" * 64]}


def test_history_newest_first_with_the_tags_on_top() -> None:
    lines = [
        HistoryLine("a" * 64, "2023-11-14T22:13:20Z", "CMD sh", 0, "", True),
        HistoryLine("<missing>", "2023-11-14T22:13:00Z", "ADD rootfs", 4096, "base", False),
    ]
    out = image_history(lines, ["docker.io/library/busybox:latest"])
    assert out[0] == {
        "Id": "sha256:" + "a" * 64, "Created": 1700000000, "CreatedBy": "CMD sh",
        "Tags": ["busybox:latest"], "Size": 0, "Comment": "",
    }  # fmt: skip
    assert out[1]["Id"] == "<missing>" and out[1]["Tags"] is None and out[1]["Size"] == 4096


def test_delete_and_prune_answers() -> None:
    reports = [RemoveReport("busybox", untagged=("docker.io/library/busybox:latest",),
                            deleted=("a" * 64,))]  # fmt: skip
    assert image_delete(reports) == [
        {"Untagged": "busybox:latest"},
        {"Deleted": "sha256:" + "a" * 64},
    ]
    pruned = image_prune([PruneReport("a" * 64, 100), PruneReport("b" * 64, 5, error="in use")])
    assert pruned == {"ImagesDeleted": [{"Deleted": "sha256:" + "a" * 64}], "SpaceReclaimed": 100}
    assert image_prune([]) == {"ImagesDeleted": None, "SpaceReclaimed": 0}


def test_search_result() -> None:
    assert search_result(SearchResult("127.0.0.1:5000/app", "127.0.0.1:5000")) == {
        "description": "", "is_official": False, "is_automated": False,
        "name": "127.0.0.1:5000/app", "star_count": 0,
    }  # fmt: skip
