"""Helpers of the kube integration tests."""

from __future__ import annotations

import time
import urllib.request


def fetch(url: str, within: float = 15) -> bytes:
    """GET ``url``, retrying while the published port comes up."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as reply:
                body: bytes = reply.read()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
