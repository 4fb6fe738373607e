from __future__ import annotations

import pytest

from hutch.net.backend import pasta_loses_loopback_udp


@pytest.mark.parametrize(
    ("text", "loses"),
    [
        ("pasta unknown version\nCopyright Red Hat\n", True),  # Debian 12's build
        ("", True),
        ("pasta 0^20230309.g7c7625d-1\n", True),
        ("pasta 2023_12_30.f091893\n", True),
        ("pasta 0^20250217.ga1e48a0-2\n", False),
        ("pasta 2024_06_07.8a83b53\n", False),
    ],
)
def test_pasta_version_decides_the_udp_fallback(text: str, loses: bool) -> None:
    assert pasta_loses_loopback_udp(text) is loses
