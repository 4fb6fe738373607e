"""auto-update's rules (engine/autoupdate.py) on a fake store, registry and systemd."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import HutchError
from hutch.api.system import AutoUpdateOptions, AutoUpdateReport
from hutch.engine import autoupdate
from hutch.engine.autoupdate import Candidate

OLD, NEW = "a" * 64, "b" * 64
NAME = "registry.example/app:1"


@dataclass
class FakeOps:
    """Images by name, the registry's answer, units that fail; ``log`` says what ran."""

    names: dict[str, str] = field(default_factory=lambda: {NAME: OLD})
    remote: dict[str, str] = field(default_factory=dict)  # name -> image id on the registry
    failing: set[tuple[str, str]] = field(default_factory=set)  # (unit, image id) that fail
    broken: str = ""  # a name whose check fails
    log: list[str] = field(default_factory=list)

    def remote_differs(self, name: str, image_id: str, authfile: str | None) -> bool:
        self.log.append(f"check {name} authfile={authfile}")
        if name == self.broken:
            raise HutchError("connection refused")
        return self.remote.get(name, image_id) != image_id

    def local_differs(self, name: str, image_id: str) -> bool:
        self.log.append(f"local {name}")
        if name not in self.names:
            raise HutchError(f"{name}: image not known")
        return self.names[name] != image_id

    def pull(self, name: str, authfile: str | None) -> None:
        self.log.append(f"pull {name}")
        self.names[name] = self.remote[name]

    def tag(self, image_id: str, name: str) -> None:
        self.log.append(f"tag {image_id[:1]} {name}")
        self.names[name] = image_id

    def restart(self, unit: str) -> None:
        self.log.append(f"restart {unit} on {self.names.get(NAME, '?')[:1]}")
        for name, image_id in self.names.items():
            if (unit, image_id) in self.failing and name in (NAME, "localhost/app:latest"):
                raise HutchError("Job for app.service failed.")


def cand(policy: str = "registry", unit: str | None = "app.service", **kw: str) -> Candidate:
    values = {"id": "c" * 64, "name": "systemd-app", "image_id": OLD, "image": NAME} | kw
    return Candidate(values["id"], values["name"], values["image_id"], values["image"],
                     policy, unit, kw.get("authfile"))  # fmt: skip


def report(updated: str, policy: str = "registry", name: str = NAME) -> AutoUpdateReport:
    return AutoUpdateReport("app.service", "c" * 64, "systemd-app", name, policy, updated)


def test_no_newer_image_changes_nothing() -> None:
    ops = FakeOps()
    result = autoupdate.run([cand()], ops, AutoUpdateOptions())
    assert result.reports == (report("false"),) and result.errors == ()
    assert ops.log == [f"check {NAME} authfile=None"]


def test_a_newer_registry_image_is_pulled_and_the_unit_restarted() -> None:
    ops = FakeOps(remote={NAME: NEW})
    result = autoupdate.run([cand()], ops, AutoUpdateOptions(authfile="/a.json"))
    assert result.reports == (report("true"),)
    assert ops.log == [f"check {NAME} authfile=/a.json", f"pull {NAME}", "restart app.service on b"]


def test_the_container_authfile_label_wins() -> None:
    ops = FakeOps()
    autoupdate.run([cand(authfile="/label.json")], ops, AutoUpdateOptions(authfile="/a.json"))
    assert ops.log == [f"check {NAME} authfile=/label.json"]


def test_dry_run_reports_pending_and_changes_nothing() -> None:
    ops = FakeOps(remote={NAME: NEW})
    result = autoupdate.run([cand()], ops, AutoUpdateOptions(dry_run=True))
    assert result.reports == (report("pending"),)
    assert ops.log == [f"check {NAME} authfile=None"]


def test_a_local_policy_restarts_when_the_name_moved() -> None:
    local = "localhost/app:latest"
    ops = FakeOps(names={local: NEW})
    result = autoupdate.run([cand("local", image=local)], ops, AutoUpdateOptions())
    assert result.reports == (report("true", "local", local),)
    assert ops.log == [f"local {local}", "restart app.service on ?"]


def test_a_unit_failing_on_the_new_image_is_rolled_back() -> None:
    ops = FakeOps(remote={NAME: NEW}, failing={("app.service", NEW)})
    result = autoupdate.run([cand()], ops, AutoUpdateOptions())
    assert result.reports == (report("rolled back"),) and result.errors == ()
    assert ops.log[-3:] == ["restart app.service on b", f"tag a {NAME}", "restart app.service on a"]
    assert ops.names[NAME] == OLD


def test_without_rollback_the_failure_is_reported() -> None:
    ops = FakeOps(remote={NAME: NEW}, failing={("app.service", NEW)})
    result = autoupdate.run([cand()], ops, AutoUpdateOptions(rollback=False))
    assert result.reports == (report("failed"),)
    assert result.errors == (
        f'auto-updating container "{"c" * 64}": restarting systemd unit "app.service" failed: '
        "Job for app.service failed.",
    )
    assert ops.names[NAME] == NEW


def test_a_failed_rollback_says_so() -> None:
    ops = FakeOps(remote={NAME: NEW}, failing={("app.service", NEW), ("app.service", OLD)})
    result = autoupdate.run([cand()], ops, AutoUpdateOptions())
    assert result.reports == (report("failed"),)
    assert result.errors == (
        "restarting unit with old image during fallback: Job for app.service failed.",
    )


def test_a_failed_check_is_an_error_and_the_others_go_on() -> None:
    other = cand(id="d" * 64, name="other", image="registry.example/other:1")
    ops = FakeOps(broken=NAME, remote={"registry.example/other:1": NEW})
    ops.names["registry.example/other:1"] = OLD
    result = autoupdate.run([cand(unit="app.service"), other], ops, AutoUpdateOptions())
    # by unit, then container name
    assert [(r.container_name, r.updated) for r in result.reports] == [
        ("other", "true"),
        ("systemd-app", "failed"),
    ]
    assert result.errors == (
        f'registry auto-updating container "{"c" * 64}": image check for "{NAME}" failed: '
        "connection refused",
    )


def test_two_containers_of_one_name_pull_once() -> None:
    second = cand(id="d" * 64, name="second", unit="second.service")
    ops = FakeOps(remote={NAME: NEW})
    result = autoupdate.run([second, cand()], ops, AutoUpdateOptions())
    assert [(r.unit, r.updated) for r in result.reports] == [
        ("app.service", "true"),
        ("second.service", "true"),
    ]
    assert ops.log.count(f"pull {NAME}") == 1
    assert ops.log[-1] == "restart second.service on b"


def test_a_container_without_a_unit_is_an_error_without_a_report() -> None:
    result = autoupdate.run([cand(unit=None)], FakeOps(), AutoUpdateOptions())
    assert result.reports == ()
    assert result.errors == (
        f'auto-updating container "{"c" * 64}": no PODMAN_SYSTEMD_UNIT label found',
    )


def test_a_registry_update_needs_a_tag_not_a_digest() -> None:
    name = "registry.example/app@sha256:" + "e" * 64
    result = autoupdate.run([cand(image=name)], FakeOps(), AutoUpdateOptions())
    assert result.reports[0].updated == "failed"
    assert "without digest" in result.errors[0]


def summary(status: str = "running", **labels: str) -> ContainerSummary:
    return ContainerSummary(
        "c" * 64, "systemd-app", NAME, OLD, "sleep", 0.0, status, 0, 0.0, 0.0,
        labels=tuple(labels.items()),
    )  # fmt: skip


def test_candidates_are_running_containers_with_a_policy() -> None:
    unit = {"PODMAN_SYSTEMD_UNIT": "app.service"}
    label = "io.containers.autoupdate"
    found, errors = autoupdate.candidates([
        summary(**{label: "registry"}, **unit),
        summary(**{label: "image", "io.containers.autoupdate.authfile": "/x.json"}),
        summary("exited", **{label: "local"}),
        summary(**{label: "disabled"}),
        summary(),
    ])  # fmt: skip
    assert [(c.policy, c.unit, c.authfile) for c in found] == [
        ("registry", "app.service", None),
        ("registry", None, "/x.json"),
    ]
    assert errors == []


def test_a_bad_policy_is_podmans_error_and_stops_the_run() -> None:
    bad = summary(**{"io.containers.autoupdate": "weekly"})
    found, errors = autoupdate.candidates([bad])
    assert found == []
    assert errors == [
        'invalid auto-update policy "weekly": valid policies are '
        '["disabled" "image" "local" "registry"]'
    ]
    with pytest.raises(HutchError):
        autoupdate.lookup_policy("weekly")
