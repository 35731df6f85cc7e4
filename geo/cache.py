"""On-disk cache of numpy arrays (road networks, travel matrices).

Entries are single uncompressed ``.npz`` files named by a content key, written atomically
(temporary file then rename).  The cache is an optimisation only: a failed write is logged
as a warning, and an unreadable entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["cache_key", "default_cache_dir", "read_entry", "resolve_cache_dir", "write_entry"]

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """The cache folder used when none is given.

    Returns
    -------
    pathlib.Path
        ``$FOODHUB_CACHE_DIR`` when set and not empty, else ``~/.cache/foodhub``.
    """
    env = os.environ.get("FOODHUB_CACHE_DIR", "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "foodhub"


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    """``cache_dir`` as a path, or :func:`default_cache_dir` when it is ``None``."""
    return default_cache_dir() if cache_dir is None else Path(cache_dir)


def cache_key(*parts: str | bytes) -> str:
    """A stable hex key (sha256, 40 characters) for an ordered list of parts."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def read_entry(path: Path) -> dict[str, np.ndarray] | None:
    """Read a cache entry.

    Parameters
    ----------
    path
        The ``.npz`` file.

    Returns
    -------
    dict or None
        The arrays, or ``None`` when the entry is absent or unreadable (then logged).
    """
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except Exception as exc:  # any damage means "rebuild"
        logger.warning("ignoring unreadable cache entry %s: %s", path, exc)
        return None


def write_entry(path: Path, arrays: dict[str, np.ndarray]) -> bool:
    """Write a cache entry atomically.

    Parameters
    ----------
    path
        The ``.npz`` file to create or replace; parent folders are created.
    arrays
        Named arrays (no object arrays).

    Returns
    -------
    bool
        ``True`` when written; ``False`` when writing failed (logged as a warning, never raised).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        logger.warning("could not write cache entry %s (continuing without cache): %s", path, exc)
        return False
    logger.debug("wrote cache entry %s", path)
    return True
