"""``hutch pod ...`` against a fake engine: flags to options, podman's output shapes."""

from __future__ import annotations

import json

import pytest

from hutch.api.containers import ActionReport
from hutch.api.pods import (
    ListPodsOptions,
    PodCreateOptions,
    PodMember,
    PodRemoveOptions,
    PodStopOptions,
    PodSummary,
)
from unit.fakes import FakeEngine, run_cli

POD = PodSummary(
    id="a" * 64,
    name="web",
    status="Running",
    created=1_700_000_000.5,
    infra_id="b" * 64,
    labels=(("app", "web"),),
    members=(
        PodMember("b" * 64, "aaaaaaaaaaaa-infra", "running"),
        PodMember("c" * 64, "db", "running"),
    ),
)


def test_pod_create_flags_reach_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    argv = ["pod", "create", "--name", "web", "-p", "8080:80", "--share", "+cgroup"]
    argv += ["--label", "a=b", "--exit-policy", "stop", "--no-infra", "--dns", "1.1.1.1"]
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 0 and result.out == "p" * 64 + "\n"
    options = fake.only_call("pods.create")
    assert isinstance(options, PodCreateOptions)
    assert options.name == "web" and options.publish == ("8080:80",)
    assert options.share == "+cgroup" and options.infra is False
    assert options.labels == ("a=b",) and options.exit_policy == "stop"
    assert options.dns == ("1.1.1.1",)
    assert options.create_command == ("hutch", *argv)


def test_pod_create_takes_the_name_as_an_argument_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["pod", "create", "-p", "8080:80", "web"], fake, monkeypatch, capsys)
    assert result.code == 0
    options = fake.only_call("pods.create")
    assert isinstance(options, PodCreateOptions) and options.name == "web"
    both = run_cli(["pod", "create", "--name", "a", "b"], FakeEngine(), monkeypatch, capsys)
    assert both.code == 125
    assert both.err == "Error: cannot specify --name and NAME at the same time\n"
    extra = run_cli(["pod", "create", "a", "b"], FakeEngine(), monkeypatch, capsys)
    assert extra.code == 125
    assert extra.err == "Error: accepts at most 1 arg(s), received 2\n"


def test_pod_ps_prints_podmans_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(pod_summaries=[POD])
    result = run_cli(["pod", "ps"], fake, monkeypatch, capsys)
    header, line = result.out.splitlines()
    assert header.split() == [
        "POD",
        "ID",
        "NAME",
        "STATUS",
        "CREATED",
        "INFRA",
        "ID",
        "#",
        "OF",
        "CONTAINERS",
    ]
    assert line.split()[:3] == ["a" * 12, "web", "Running"] and line.split()[-2:] == ["b" * 12, "2"]
    assert fake.only_call("pods.ls") == ListPodsOptions()


def test_pod_ps_templates_and_container_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(pod_summaries=[POD])
    fmt = "{{.Name}}|{{.ContainerNames}}|{{.ContainerStatuses}}|{{.NumberOfContainers}}|{{.Labels}}"
    result = run_cli(["pod", "ps", "--format", fmt], fake, monkeypatch, capsys)
    assert result.out == "web|aaaaaaaaaaaa-infra,db|running,running|2|map[app:web]\n"
    result = run_cli(["pod", "ps", "--ctr-names", "--noheading"], fake, monkeypatch, capsys)
    assert result.out.split()[-1] == "aaaaaaaaaaaa-infra,db"
    result = run_cli(["pod", "ps", "-q"], fake, monkeypatch, capsys)
    assert result.out == "a" * 12 + "\n"


def test_pod_ps_json_has_podmans_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(pod_summaries=[POD])
    entry = json.loads(run_cli(["pod", "ps", "--format", "json"], fake, monkeypatch, capsys).out)[0]
    assert list(entry) == [
        "Cgroup", "Containers", "Created", "Id", "InfraId", "Name", "Namespace", "Networks",
        "Status", "Labels",
    ]  # fmt: skip
    assert entry["Created"] == "2023-11-14T22:13:20.500000000Z"
    assert entry["Containers"][1] == {"Id": "c" * 64, "Names": "db", "Status": "running"}


def test_pod_rm_prints_ids_and_maps_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(
        action_reports=[
            ActionReport("web", "a" * 64),
            ActionReport(
                "nope", error="no pod with name or ID nope found: no such pod", exit_code=1
            ),
        ]
    )
    result = run_cli(["pod", "rm", "-f", "-t", "3", "web", "nope"], fake, monkeypatch, capsys)
    assert result.code == 1
    assert result.out == "a" * 64 + "\n"
    assert result.err == "Error: no pod with name or ID nope found: no such pod\n"
    assert fake.only_call("pods.remove") == (
        ("web", "nope"),
        PodRemoveOptions(force=True, timeout=3),
    )


def test_pod_rm_needs_names_or_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["pod", "rm"], fake, monkeypatch, capsys)
    assert (result.code, result.err) == (125, "Error: you must provide at least one name or id\n")
    result = run_cli(["pod", "rm", "-a", "web"], fake, monkeypatch, capsys)
    assert result.code == 125 and fake.calls == []


def test_pod_stop_and_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(pod_summaries=[POD])
    assert run_cli(["pod", "stop", "-t", "1", "web"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("pods.stop") == (("web",), PodStopOptions(timeout=1))
    assert (
        run_cli(["pod", "exists", "web"], FakeEngine(pod_summaries=[POD]), monkeypatch, capsys).code
        == 0
    )
    assert run_cli(["pod", "exists", "x"], FakeEngine(), monkeypatch, capsys).code == 1


def test_run_pod_reaches_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli(["create", "--pod", "new:web", "busybox"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("containers.create").pod == "new:web"


def test_ps_pod_adds_the_pod_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch.api.containers import ContainerSummary

    c = ContainerSummary(
        "c" * 64, "db", "img", "i", "sh", 0.0, "created", 0, 0.0, 0.0, pod="a" * 64, pod_name="web"
    )
    fake = FakeEngine(container_list=[c])
    out = run_cli(["ps", "-a", "--pod"], fake, monkeypatch, capsys).out
    header, line = out.splitlines()
    assert header.split()[-3:] == ["POD", "ID", "PODNAME"]
    assert line.split()[-2:] == ["a" * 12, "web"]
    fmt = "{{.Pod}}|{{.PodName}}|{{.IsInfra}}"
    assert run_cli(["ps", "-a", "--format", fmt], fake, monkeypatch, capsys).out == (
        "a" * 12 + "||false\n"  # podman 4.3.1 fills PodName with --pod only
    )
    entry = json.loads(run_cli(["ps", "-a", "--format", "json"], fake, monkeypatch, capsys).out)[0]
    assert (entry["Pod"], entry["PodName"], entry["IsInfra"]) == ("a" * 64, "web", False)


def test_pod_logs_prefix_each_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli(["pod", "logs", "-n", "web"], fake, monkeypatch, capsys).code == 0
    options = fake.only_call("pods.logs")
    assert options.name == "web" and options.follow is False


def test_pod_ps_noheading_aligns_the_columns_on_the_data_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "# OF CONTAINERS" is wider than the tabwriter's minimum: without the header row
    # the column is as wide as the data, as podman prints it
    fake = FakeEngine(pod_summaries=[POD])
    fmt = "table {{.NumberOfContainers}} {{.Name}}"
    result = run_cli(["pod", "ps", "--noheading", "--format", fmt], fake, monkeypatch, capsys)
    assert result.out == "2           web\n"
    result = run_cli(["pod", "ps", "--format", fmt], fake, monkeypatch, capsys)
    assert result.out.splitlines()[1] == "2                web"
