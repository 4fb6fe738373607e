"""pod inspect's templates reach the limit, mount and option keys by podman's Go names."""

from __future__ import annotations

from hutch.cli import templating
from hutch.cli.pod_render import inspect_template_row

ROW = {
    "Name": "p",
    "Containers": [],
    "cpu_period": 100000,
    "mounts": [{"Type": "volume", "Destination": "/data"}],
    "volumes_from": ["src:ro"],
}


def _render(template: str, row: dict[str, object]) -> str:
    return templating.render_template(template, [inspect_template_row(row)], name="inspect")


def test_the_keys_given_are_reached_by_their_go_names() -> None:
    template = "{{range .Mounts}}{{.Destination}}{{end}} {{.VolumesFrom}} {{.CPUPeriod}}"
    assert _render(template, ROW) == "/data [src:ro] 100000\n"


def test_keys_left_out_are_go_zero_values_as_podmans() -> None:
    # podman 4.3.1, a pod made with no limits and no mounts: []|[]|[]|0|0|
    template = "{{.Mounts}}|{{.VolumesFrom}}|{{.SecurityOpts}}|{{.CPUPeriod}}|{{.MemoryLimit}}|"
    template += "{{.CPUSetCPUs}}"
    assert _render(template, {"Name": "p"}) == "[]|[]|[]|0|0|\n"


def test_the_json_names_are_not_template_fields() -> None:
    row = inspect_template_row(ROW)
    assert "mounts" not in row and "cpu_period" not in row and row["Name"] == "p"


def test_labels_left_out_of_the_json_are_an_empty_map_to_a_template() -> None:
    """podman's Labels is omitempty: no key in the JSON, map[] to a template."""
    assert _render("[{{.Labels}}] {{len .Labels}}", {"Name": "p"}) == "[map[]] 0\n"
    labelled = {"Name": "p", "Labels": {"a": "1"}}
    assert _render("{{.Labels.a}} {{.Labels}}", labelled) == "1 map[a:1]\n"
