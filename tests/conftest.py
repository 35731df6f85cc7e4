"""Suite-wide settings: the output width is pinned before any console is built.

Rich sizes its consoles from ``COLUMNS`` when they are created (at import of the CLI),
so the tests never depend on the terminal's width or on the checkout path's length.
"""

from __future__ import annotations

import os

os.environ["COLUMNS"] = "200"
os.environ.pop("LINES", None)
