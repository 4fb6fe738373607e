"""Kubernetes objects -> YAML text, with podman's header and the notes as comments."""

from __future__ import annotations

from collections.abc import Sequence

from hutch.kube.codec import encode
from hutch.kube.model import KubeObject


def to_yaml(obj: KubeObject) -> str:
    import yaml

    # sorted keys: Kubernetes' and podman's order (apiVersion, kind, metadata, spec)
    text: str = yaml.safe_dump(encode(obj), sort_keys=True, default_flow_style=False)
    return text


def render(objects: Sequence[KubeObject], notes: Sequence[str], version: str) -> str:
    """The whole file ``kube generate`` writes."""
    lines = [
        "# Save the output of this file and use kubectl create -f to import",
        "# it into Kubernetes.",
        "#",
        f"# Created with hutch-{version}",
    ]
    if notes:
        lines += ["#", "# Left out (Kubernetes cannot express it):"]
        lines += [f"#   {note}" for note in notes]
    header = "\n".join(lines) + "\n"
    return header + "".join(f"---\n{to_yaml(obj)}" for obj in objects)
