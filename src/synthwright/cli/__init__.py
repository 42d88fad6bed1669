"""Command-line surface; calls only the public facade (`synthwright.api`)."""

from .app import app, main

__all__ = ["app", "main"]
