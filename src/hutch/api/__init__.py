"""Layer 0: the contract between the CLI (and REST API) and the engine.

Only protocols, option and report dataclasses and errors live here; nothing in
this package imports anything outside the standard library.
"""
