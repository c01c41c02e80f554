"""formcheck: checks gentle stretches against pose specs, times good holds,
and warns before an over-stretch. It guides; it does not diagnose."""

__version__ = "0.1.0"
