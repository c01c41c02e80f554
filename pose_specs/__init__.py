"""Bundled pose specs (data only)."""
