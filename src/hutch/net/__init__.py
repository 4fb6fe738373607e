"""Networking: the private network backends, user-defined networks, published ports."""
