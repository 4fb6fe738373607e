"""Asking a container's monitor to do something: one control frame, one reply.

The monitor is the only writer of the container's state.json; commands that
change the state of a running container (pause, unpause, a health check run
now) connect to its attach socket, send a control frame and wait for the
REPLY frame (output frames that arrive meanwhile are ignored).
"""

from __future__ import annotations

import json
import socket
from typing import Any

from hutch.runtime import attachproto as ap


def request(
    socket_path: str, kind: int, timeout: float = 120.0, payload: bytes = b""
) -> dict[str, Any]:
    """Send one control request; the monitor's JSON reply (OSError if it is gone).

    A PAUSE whose payload is "PID START" is held by that process: the
    monitor resumes the container when the process is gone."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC) as conn:
        conn.settimeout(timeout)
        conn.connect(socket_path)
        ap.send_frame(conn, kind, payload)
        reader = ap.FrameReader()
        while True:
            data = conn.recv(65536)
            if not data:
                raise ConnectionError("the container monitor hung up without replying")
            for frame_kind, payload in reader.feed(data):
                if frame_kind == ap.REPLY:
                    answer: dict[str, Any] = json.loads(payload)
                    return answer
                if frame_kind == ap.EXIT:
                    return {"error": "the container exited", "exited": True}
