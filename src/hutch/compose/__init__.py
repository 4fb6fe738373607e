"""Layer 5: compose files as a pure model (load, merge, interpolate, validate,
normalise) and, on top of it, a planner that drives the engine through ``api``.

Nothing in the model touches the engine: ``load_project`` reads files and an
environment given to it and returns a frozen ``Project`` (or raises a
``ComposeError`` naming file, line and key path).
"""
