"""Docker Engine API v1.41 shapes, pure: no HTTP, no engine.

Each module turns hutch's typed reports (``hutch.api``) into the JSON a
Docker client expects (``container_json``, ``image_json``, ``network_json``,
``volume_json``, ``system_json``, ``event_json``), or a Docker request body
into hutch's options (``create_body``, ``network_body``), refusing what hutch
cannot do with one clear message (``InvalidArgument``, a 400 for the server).
The server's handlers call these and only these to speak Docker.
"""
