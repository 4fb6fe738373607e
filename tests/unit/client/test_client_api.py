"""``hutch.Client`` over a fake engine: each verb asks the engine what the CLI would,
and a failed report is an exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hutch
from hutch.api.containers import ActionReport
from hutch.api.errors import Conflict, HutchError, NoSuchObject
from hutch.api.images import ImageSummary, RemoveReport
from hutch.api.networks import NetworkSummary
from hutch.api.volumes import VolumeSummary
from hutch.client import Client
from hutch.client.containers import run_options
from unit.fakes import FakeEngine, as_engine


def _client(engine: FakeEngine) -> Client:
    return Client.from_engine(as_engine(engine))


def test_the_root_module_gives_the_client() -> None:
    assert hutch.Client is Client
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        hutch.Nope  # noqa: B018


def test_run_and_create_take_the_options_of_hutch_run() -> None:
    engine = FakeEngine(run_status=3)
    client = _client(engine)
    options = run_options(
        "busybox", ["echo", "hi"], name="web", env={"A": "1"}, labels={"x": "y"},
        publish=["8080:80"], volumes=["data:/data"], network="front", remove=True,
    )  # fmt: skip
    assert client.containers.run(options).exit_code == 3
    recorded = dict(engine.calls)["containers.run"]
    assert (recorded.image, recorded.command, recorded.name) == ("busybox", ("echo", "hi"), "web")
    assert (recorded.env, recorded.labels, recorded.network) == (("A=1",), ("x=y",), "front")
    assert recorded.net.publish == ("8080:80",) and recorded.volumes.volumes == ("data:/data",)
    assert client.containers.create(run_options("busybox")) == "f" * 64


def test_verbs_on_one_container_raise_its_error() -> None:
    engine = FakeEngine(action_reports=[ActionReport("web", "c" * 64)])
    client = _client(engine)
    assert client.containers.stop("web", timeout=3) == "c" * 64
    names, options = dict(engine.calls)["containers.stop"]
    assert names == ("web",) and options.timeout == 3
    engine.action_reports = [ActionReport("x", error="no such container x", exit_code=125)]
    with pytest.raises(NoSuchObject, match="no such container x"):
        client.containers.start("x")
    engine.action_reports = [ActionReport("x", error="container x is running", exit_code=125)]
    with pytest.raises(Conflict):
        client.containers.remove("x")
    engine.action_reports = [ActionReport("x", error="it broke", exit_code=125)]
    with pytest.raises(HutchError, match="it broke"):
        client.containers.kill("x", signal="TERM")
    engine.action_reports = [ActionReport("x", "c" * 64, exit_code=7)]
    assert client.containers.wait("x") == 7


def test_inspect_of_nothing_is_no_such_object() -> None:
    client = _client(FakeEngine())
    with pytest.raises(NoSuchObject):
        client.containers.inspect("ghost")
    with pytest.raises(NoSuchObject):
        client.images.inspect("ghost")
    with pytest.raises(NoSuchObject):
        client.networks.inspect("ghost")
    with pytest.raises(NoSuchObject):
        client.volumes.inspect("ghost")


def test_images() -> None:
    engine = FakeEngine(
        image_list=[
            ImageSummary("a" * 64, ("localhost/base:latest",), "", 2.0, 1),
            ImageSummary("b" * 64, (), "", 1.0, 1, intermediate=True),
        ]
    )
    client = _client(engine)
    assert [i.id[0] for i in client.images.list()] == ["a"]
    assert [i.id[0] for i in client.images.list(all=True, filters=["dangling=true"])] == ["b"]
    heard: list[object] = []
    report = client.images.pull(
        "127.0.0.1:5000/app:1", creds="u:p", tls_verify=False, on_progress=heard.append
    )
    assert report.names == ("127.0.0.1:5000/app:1",)
    pulled = dict(engine.calls)["images.pull"]
    assert (pulled.access.creds, pulled.access.tls_verify, pulled.quiet) == ("u:p", False, True)
    assert pulled.on_progress == heard.append
    client.images.tag("base", "a:1", "b:2")
    assert dict(engine.calls)["images.tag"] == ("base", ("a:1", "b:2"))
    built = client.images.build(
        "/ctx", ["app"], build_args={"V": "1"}, logfile="/tmp/log", add_hosts=["db:10.0.0.5"]
    )
    assert built.names == ("app",)
    options = dict(engine.calls)["images.build"]
    assert (options.build_args, options.logfile) == (("V=1",), "/tmp/log")
    assert options.add_hosts == ("db:10.0.0.5",)
    engine.remove_reports = [RemoveReport("base", error="image is in use", exit_code=2)]
    with pytest.raises(Conflict):
        client.images.remove("base")


def test_networks_volumes_and_the_system() -> None:
    net = NetworkSummary("front", "f" * 64, "bridge", "b", (), False, False, True, (), (), 1.0)
    volume = VolumeSummary("data", "local", "/m", 1.0)
    engine = FakeEngine(network_summaries=[net], volume_list=[volume])
    client = _client(engine)
    assert client.networks.create("front", subnets=["10.9.0.0/24"]).name == "front"
    assert dict(engine.calls)["networks.create"].subnets == ("10.9.0.0/24",)
    client.networks.connect("front", "web", aliases=["w"])
    assert dict(engine.calls)["networks.connect"].aliases == ("w",)
    assert client.networks.remove("front") == "front"
    assert client.volumes.create("data", labels={"k": "v"}).name == "data"
    assert dict(engine.calls)["volumes.create"].labels == ("k=v",)
    assert client.volumes.prune() == ["data"]
    assert client.info().version == "0.0-test"
    assert list(client.events()) == []


def test_the_client_and_the_cli_build_their_engine_in_one_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hutch.api.errors import InvalidArgument
    from hutch.cli.state import AppState
    from hutch.engine import engine

    made: list[tuple[object, ...]] = []

    def factory(*args: object) -> str:
        made.append(args)
        return "engine"

    monkeypatch.setattr(engine, "user_engine", factory)
    state = AppState(root="/r", runroot="/rr", storage_driver="vfs", cgroup_manager="cgroupfs",
                     events_backend="none")  # fmt: skip
    assert state.new_engine() == "engine"
    assert Client("/r", "/rr", "vfs", "cgroupfs", "none").engine == "engine"
    assert made == [("/r", "/rr", "vfs", "cgroupfs", "none")] * 2
    monkeypatch.undo()
    with pytest.raises(InvalidArgument, match="cgroup manager must be one of cgroupfs and systemd"):
        engine.user_engine(cgroup_manager="nope")


def test_importing_the_engine_factory_loads_no_client_verbs() -> None:
    """The CLI imports ``hutch.client.local`` for its engine: not the nouns' modules."""
    import subprocess
    import sys

    probe = (
        "import sys\nimport hutch.client.local\n"
        "print(sorted(m for m in sys.modules if m.startswith('hutch.client')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['hutch.client', 'hutch.client.local']"


def test_the_cli_builds_its_engine_without_the_client(tmp_path: Path) -> None:
    """``hutch ps`` (and so ``hutch run``) imports no module of the client for the
    factory they share: the factory lives in the engine."""
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import sys, json\nfrom hutch.cli.main import main\n"
        "try:\n    main(['ps', '-a'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    (tmp_path / "run").mkdir(mode=0o700)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert "hutch.engine.engine" in modules, done.stderr
    assert [m for m in modules if m.startswith("hutch.client")] == []


def test_a_selection_acts_on_each_container_as_the_cli_verbs_on_many() -> None:
    from hutch.client.selection import Outcome

    engine = FakeEngine(
        action_reports=[
            ActionReport("a", "a" * 64),
            ActionReport("b", error="no such container b", exit_code=125),
        ]
    )
    client = _client(engine)
    outcome = client.containers.select("a", "b").stop(3, ignore=True)
    names, options = engine.only_call("containers.stop")
    assert names == ("a", "b")
    assert (options.timeout, options.ignore, options.all) == (3, True, False)
    # Both were tried: one done, one failed, and check() raises the failure's kind.
    assert outcome.ids == ("a" * 64,) and not outcome.ok
    assert [f.name for f in outcome.failures] == ["b"]
    with pytest.raises(NoSuchObject, match="no such container b"):
        outcome.check()
    assert Outcome((ActionReport("a", "a" * 64),)).check() == ("a" * 64,)


def test_the_selection_flags_reach_each_verbs_options() -> None:
    engine = FakeEngine(action_reports=[ActionReport("a", "a" * 64)])
    containers = _client(engine).containers
    containers.select(all=True).remove(force=True, volumes=True, timeout=0, depend=True)
    _, rm = dict(engine.calls)["containers.remove"]
    assert (rm.all, rm.force, rm.volumes, rm.timeout, rm.depend) == (True, True, True, 0, True)
    containers.select(filters=["label=tier=web"]).pause()
    _, paused = dict(engine.calls)["containers.pause"]
    assert paused.filters == ("label=tier=web",) and not paused.all
    containers.select(latest=True).restart(running=True)
    _, restarted = dict(engine.calls)["containers.restart"]
    assert restarted.latest and restarted.running
    containers.select("a").start()
    containers.select(all=True).unpause()
    assert dict(engine.calls)["containers.unpause"][1].all
    containers.select(all=True).kill("TERM")
    _, killed = dict(engine.calls)["containers.kill"]
    assert (killed.signal, killed.all) == ("TERM", True)


def test_kill_and_wait_by_filter_act_on_what_ps_matches() -> None:
    from hutch.api.containers import ContainerSummary

    def summary(cid: str, status: str) -> ContainerSummary:
        return ContainerSummary(cid, cid, "img", "i", "sh", 1.0, status, 0, 0.0, 0.0)

    engine = FakeEngine(
        container_list=[summary("r1", "running"), summary("x1", "exited")],
        action_reports=[ActionReport("r1", "r1", exit_code=0)],
    )
    containers = _client(engine).containers
    containers.select(filters=["label=a=b"]).kill()
    listed = dict(engine.calls)["containers.ls"]
    assert (listed.all, listed.filters) == (True, ("label=a=b",))
    names, options = dict(engine.calls)["containers.kill"]
    assert names == ("r1",) and not options.all  # only the running one is signalled
    assert containers.select(all=True).wait(["exited"]).exit_codes == {"r1": 0}
    assert dict(engine.calls)["containers.wait"][0] == ("r1", "x1")
    engine.container_list = []
    engine.calls.clear()
    assert containers.select(filters=["name=none"]).kill().reports == ()
    assert "containers.kill" not in dict(engine.calls)


@pytest.mark.parametrize(
    ("names", "flags", "words"),
    [
        ((), {}, "select at least one container"),
        (("a",), {"all": True}, "names and all cannot be used together"),
        ((), {"all": True, "latest": True}, "all and latest cannot be used together"),
        (("a",), {"filters": ["name=a"]}, "filters cannot be combined"),
    ],
)
def test_a_selection_the_cli_would_refuse_is_invalid(
    names: tuple[str, ...], flags: dict[str, Any], words: str
) -> None:
    from hutch.api.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=words):
        _client(FakeEngine()).containers.select(*names, **flags)


def test_list_and_image_remove_take_the_cli_flags() -> None:
    from hutch.api.errors import InvalidArgument

    engine = FakeEngine(remove_reports=[RemoveReport("base")])
    client = _client(engine)
    client.containers.list(all=True, filters=["status=exited"], last=2, size=True)
    listed = dict(engine.calls)["containers.ls"]
    assert (listed.all, listed.filters, listed.last, listed.size) == (
        True, ("status=exited",), 2, True
    )  # fmt: skip
    client.images.remove(all=True, force=True)
    _, options = dict(engine.calls)["images.remove"]
    assert (options.all, options.force, options.ignore) == (True, True, False)
    with pytest.raises(InvalidArgument):
        client.images.remove("base", all=True)
