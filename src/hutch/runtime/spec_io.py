"""The runtime spec as JSON, so that an exec'd monitor can read it.

Generic over the dataclasses (``util/jsondata.py``): a field added to any
part of the spec needs no change here.
"""

from __future__ import annotations

import json

from hutch.runtime.spec import Spec
from hutch.util.jsondata import from_data, to_data


def spec_to_json(spec: Spec) -> bytes:
    return json.dumps(to_data(spec), separators=(",", ":")).encode()


def spec_from_json(raw: bytes) -> Spec:
    return from_data(Spec, json.loads(raw))
