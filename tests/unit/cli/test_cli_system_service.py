"""system service: the values it refuses before it listens."""

from __future__ import annotations

from typing import Any, cast

import pytest

from hutch.api.errors import InvalidArgument
from hutch.cli.system_service import service_command


@pytest.mark.parametrize("origin", ["a\r\nSet-Cookie: x", "tab\there", "ünï"])
def test_a_cors_origin_that_cannot_be_a_header_is_refused(origin: str) -> None:
    # the origin goes into a header line of every answer: no line break may smuggle one
    with pytest.raises(InvalidArgument, match="invalid --cors"):
        service_command(cast(Any, None), uri=None, time=5, cors=origin)
