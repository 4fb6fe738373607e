"""``--change`` instructions applied to an image config."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.changes import apply_changes
from hutch.oci.image import ContainerConfig

BASE = ContainerConfig(env=("PATH=/bin",), working_dir="/srv", cmd=("sh",))


def test_each_supported_instruction() -> None:
    config = apply_changes(
        BASE,
        [
            'CMD ["echo", "hi"]',
            "ENTRYPOINT /entry.sh",
            "ENV A=1 B=$A-x",
            "EXPOSE 80 53/udp 8000-8001",
            'LABEL "a b"=c d=e',
            "ONBUILD RUN make",
            "STOPSIGNAL SIGINT",
            "USER 1000:1000",
            'VOLUME ["/data"]',
            "WORKDIR sub",
        ],
    )
    assert config.cmd == ("echo", "hi")
    assert config.entrypoint == ("/bin/sh", "-c", "/entry.sh")
    assert config.env == ("PATH=/bin", "A=1", "B=1-x")
    assert config.exposed_ports == ("53/udp", "80/tcp", "8000/tcp", "8001/tcp")
    assert dict(config.labels) == {"a b": "c", "d": "e"}
    assert config.on_build == ("RUN make",)
    assert config.stop_signal == "SIGINT"
    assert config.user == "1000:1000"
    assert config.volumes == ("/data",)
    assert config.working_dir == "/srv/sub"


def test_no_changes_is_identity() -> None:
    assert apply_changes(BASE, []) == BASE


def test_env_overrides_in_place() -> None:
    assert apply_changes(BASE, ["ENV PATH=/usr/bin:$PATH"]).env == ("PATH=/usr/bin:/bin",)


@pytest.mark.parametrize(
    "change", ["RUN true", "FROM x", "COPY a b", "", "CMD", "EXPOSE notaport", "ENV A=1\nUSER x"]
)
def test_refused(change: str) -> None:
    with pytest.raises(InvalidArgument, match="change"):
        apply_changes(BASE, [change])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("bogus", 'invalid change "bogus" - must be formatted as KEY VALUE'),
        ("CMD", 'invalid change "CMD" - must be formatted as KEY VALUE'),
        ("FROM=x", 'invalid change "FROM=x" - invalid instruction FROM'),
        ("run true", 'invalid change "run true" - invalid instruction RUN'),
    ],
)
def test_refusals_in_podmans_words(change: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        apply_changes(BASE, [change])
    assert str(caught.value) == message


def test_key_equals_value_spelling_as_podman() -> None:
    # podman splits at the first blank, else at the first "="
    config = apply_changes(ContainerConfig(), ["ENV=A=b", "WORKDIR=/srv", "USER=app"])
    assert (config.env, config.working_dir, config.user) == (("A=b",), "/srv", "app")
    with pytest.raises(InvalidArgument):
        apply_changes(ContainerConfig(), ["CMD=/bin/sh -c date"])


def test_json_form_over_several_lines_as_podman_decodes_it() -> None:
    config = apply_changes(BASE, ['CMD ["a",\n"b"]', 'ENTRYPOINT [\n  "/e"\n]'])
    assert (config.cmd, config.entrypoint) == (("a", "b"), ("/e",))
