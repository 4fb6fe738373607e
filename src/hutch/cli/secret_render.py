"""What several ``hutch secret`` verbs show: podman's JSON and ``--format`` fields."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from hutch.util.gotemplate import GoTime

if TYPE_CHECKING:
    from hutch.api.secrets import SecretInfo

# podman's ``secret ls`` columns (report.Headers of its SecretListReport)
HEADERS = {
    "ID": "ID",
    "Name": "NAME",
    "Driver": "DRIVER",
    "CreatedAt": "CREATED",
    "UpdatedAt": "UPDATED",
}
DEFAULT_LS = "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}"

# ``inspect --pretty``: podman's human form of each secret
PRETTY = (
    "ID:              {{.ID}}\n"
    "Name:            {{.Spec.Name}}\n"
    "{{- if .Spec.Labels}}\nLabels:\n{{- range $k, $v := .Spec.Labels}}\n"
    " - {{$k}}={{$v}}{{- end}}{{end}}\n"
    "Driver:          {{.Spec.Driver.Name}}\n"
    "Created at:      {{.CreatedAt}}\n"
    "Updated at:      {{.UpdatedAt}}\n"
)
PRETTY_DATA = "SecretData:      {{.SecretData}}\n"  # with --showsecret


def json_of(secret: SecretInfo) -> dict[str, Any]:
    """``secret inspect``: podman's SecretInfoReport (SecretData only with --showsecret)."""
    out: dict[str, Any] = {
        "ID": secret.id,
        "CreatedAt": GoTime.from_timestamp(secret.created, local=True),
        "UpdatedAt": GoTime.from_timestamp(secret.updated, local=True),
        "Spec": {
            "Name": secret.name,
            "Driver": {"Name": secret.driver, "Options": dict(secret.driver_options)},
            "Labels": dict(secret.labels),
        },
    }
    if secret.data is not None:
        out["SecretData"] = secret.data.decode("utf-8", "replace")
    return out


def ls_row(secret: SecretInfo, now: float | None = None) -> dict[str, Any]:
    """A ``secret ls`` row: podman's SecretListReport (times as "5 minutes ago")."""
    from hutch.util.humantime import human_duration

    now = time.time() if now is None else now
    return {
        "ID": secret.id,
        "Name": secret.name,
        "Driver": secret.driver,
        "CreatedAt": f"{human_duration(now - secret.created)} ago",
        "UpdatedAt": f"{human_duration(now - secret.updated)} ago",
    }
