"""Layer 4: the engine implements the ``api`` protocols on top of the parts below."""
