"""Read Kubernetes YAML (one or many documents) into the typed model, or refuse it.

Every refusal names the source, the document (counted from 1) and the field
path: ``kube.yaml document 2: spec.containers[0].ports[0].hostPort: expected
an integer, got a string``. The types come from the model (``kube/codec.py``);
the rules a type cannot say (one volume source, known enum values, names that
refer to something declared) are ``kube/checks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hutch.kube.checks import check_object
from hutch.kube.codec import decode
from hutch.kube.errors import FieldError, KubeError
from hutch.kube.model import KINDS, KubeObject


@dataclass(frozen=True)
class Document:
    index: int  # from 1, as the messages count
    obj: KubeObject


def load_yaml(text: str, source: str) -> list[Any]:
    """The YAML documents of ``text`` (empty ones are ``None``)."""
    import yaml

    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise KubeError(f"not valid YAML{where}: {problem}", source=source) from None


def parse_documents(text: str, source: str) -> tuple[Document, ...]:
    """Every non-empty document of ``text``, typed and checked."""
    out = []
    for index, data in enumerate(load_yaml(text, source), start=1):
        if data is None:
            continue
        out.append(Document(index, parse_object(data, source, index)))
    if not out:
        raise KubeError("no Kubernetes objects found", source=source)
    return tuple(out)


def parse_object(data: Any, source: str, index: int) -> KubeObject:
    if not isinstance(data, dict):
        raise KubeError("expected a Kubernetes object (a mapping)", source=source, document=index)
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise KubeError(
            "not a Kubernetes object: no kind", source=source, document=index, path=("kind",)
        )
    if kind not in KINDS:
        raise KubeError(
            f"unsupported kind {kind!r}",
            source=source,
            document=index,
            path=("kind",),
            hint="hutch plays " + ", ".join(KINDS),
        )
    api_version, cls = KINDS[kind]
    if data.get("apiVersion") != api_version:
        got = data.get("apiVersion")
        raise KubeError(
            f"unsupported apiVersion {got!r} for {kind}: expected {api_version!r}",
            source=source,
            document=index,
            path=("apiVersion",),
        )
    try:
        obj: KubeObject = decode(cls, data)
        check_object(obj)
    except FieldError as exc:
        raise KubeError(exc.message, source=source, document=index, path=exc.path) from None
    return obj
