"""The Docker Engine API (v1.41) on a unix socket: ``hutch system service``.

HTTP/1.1 comes from h11 (``http11.py``); requests are routed (``router.py``)
to handlers of one module per noun (``routes_*.py``), which call the same
engine as the CLI and build Docker's JSON shapes. docs/architecture.md
("The API service") says how the parts fit.
"""
