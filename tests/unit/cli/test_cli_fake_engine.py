"""The CLI tests' fake engine holds the CLI to the api protocols' verbs and signatures."""

from __future__ import annotations

import io

import pytest

from hutch.api.containers import ActionReport, StopOptions
from unit.fakes import FakeEngine


def test_a_verb_the_protocol_lacks_fails() -> None:
    with pytest.raises(AttributeError, match="Containers has no verb 'frobnicate'"):
        FakeEngine().containers.frobnicate([])


def test_arguments_that_do_not_bind_fail() -> None:
    with pytest.raises(TypeError):
        FakeEngine().containers.stop(["a"])  # no options
    with pytest.raises(TypeError):
        FakeEngine().containers.stop(["a"], StopOptions(), timeout=3)


def test_a_call_is_recorded_and_answered() -> None:
    fake = FakeEngine(action_reports=[ActionReport("a", "a" * 64)])
    assert fake.containers.stop(["a"], StopOptions()) == fake.action_reports
    assert fake.containers.prune() == fake.action_reports  # list[ActionReport]: the canned ones
    assert fake.containers.stats(["a"], None) == []  # another list: empty
    fake.images.tag("base", ["x"])
    assert fake.calls == [
        ("containers.stop", (("a",), StopOptions())),
        ("containers.prune", ()),  # its filters, none given
        ("containers.stats", (("a",), None)),
        ("images.tag", ("base", ("x",))),
    ]


def test_streams_are_written_or_read() -> None:
    fake = FakeEngine(export_bytes=b"TAR")
    out = io.BytesIO()
    fake.volumes.export("v", out)
    fake.volumes.import_("v", io.BytesIO(b"IN"))
    assert out.getvalue() == b"TAR"
    assert fake.calls == [("volumes.export", "v"), ("volumes.import_", ("v", b"IN"))]


def test_the_error_asked_for_is_raised_after_the_record() -> None:
    fake = FakeEngine(error=RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        fake.system.info()
    assert fake.calls == [("system.info", None)]
