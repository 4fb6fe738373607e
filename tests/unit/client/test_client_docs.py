"""docs/python-api.md names only verbs the client has, and every public verb is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hutch.client.containers import ContainerClient
from hutch.client.images import ImageClient
from hutch.client.networks import NetworkClient, VolumeClient

DOC = Path(__file__).resolve().parents[3] / "docs" / "python-api.md"
NOUNS = {
    "containers": ContainerClient,
    "images": ImageClient,
    "networks": NetworkClient,
    "volumes": VolumeClient,
}


@pytest.mark.parametrize("noun", sorted(NOUNS))
def test_the_table_lists_each_nouns_verbs(noun: str) -> None:
    row = next(line for line in DOC.read_text().splitlines() if f"`client.{noun}`" in line)
    verbs_cell = row.split("|")[2]
    named = {n for n in re.findall(r"`(\w+)`", verbs_cell) if not n[0].isupper()}
    named -= {"run_options", "all", "filters", "creds", "tls_verify", "logfile", "hutch"}
    named -= {"on_progress", "add_hosts"}
    public = {n for n in vars(NOUNS[noun]) if not n.startswith("_")}
    assert named == public
