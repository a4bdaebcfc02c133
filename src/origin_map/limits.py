"""Input limits shared by the readers, the command line and the app.

This module imports nothing, so that ``origin-map --help`` can show the defaults without loading
pandas. The readers look the limits up here when they read (``limits.MAX_ROWS``), so a test can
lower one with ``monkeypatch.setattr(limits, "MAX_ROWS", 3)``; :mod:`origin_map.io.readers`
re-exports the names for older imports.
"""

MAX_UPLOAD_MB = 200
"""Largest input in MB (1 MB = 1024 × 1024 bytes, as Streamlit counts them).

``.streamlit/config.toml``'s ``server.maxUploadSize`` must equal it (a test checks); the command
line uses it as the default of ``--max-mb``.
"""
MAX_BYTES_DEFAULT = MAX_UPLOAD_MB * 1024 * 1024
"""Largest input in bytes by default (:data:`MAX_UPLOAD_MB` MB)."""
MAX_ROWS = 2_000_000
"""Largest number of data rows read from one file."""
MAX_COLUMNS = 1_000
"""Largest number of columns read from one file."""

__all__ = ["MAX_BYTES_DEFAULT", "MAX_COLUMNS", "MAX_RADIUS_M", "MAX_ROWS", "MAX_UPLOAD_MB"]
MAX_RADIUS_M = 100_000.0
"""Largest ring radius accepted: rings are a walking/district-scale measure."""
