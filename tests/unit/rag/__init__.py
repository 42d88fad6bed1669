"""Retrieval tests."""
