"""The registry client: Registry API v2, authentication, TLS, registries.conf.

Layer 2: imports ``oci``, ``config``, ``util``, ``api`` and ``linux`` only;
the engine drives it (``engine/distribution.py``) and stores what it fetches.
"""
