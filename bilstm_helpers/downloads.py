"""Where the case studies' data files are looked for and downloaded to.

The loaders of the IMDB reviews and of UD English EWT share these: a folder of
local copies (``$BILSTM_DATA_DIR``, searched first, the way CI runs offline)
and a download cache (``$BILSTM_CACHE_DIR``, default
``~/.cache/bilstm_helpers``); every download is checked against its
published SHA-256.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: Name of the environment variable that gives a folder of local data files, searched before the cache.
ENV_DATA_DIR = "BILSTM_DATA_DIR"
#: Name of the environment variable that gives the download cache (default ``~/.cache/bilstm_helpers``).
ENV_CACHE_DIR = "BILSTM_CACHE_DIR"


def cache_dir() -> Path:
    """The download cache: ``$BILSTM_CACHE_DIR``, else ``~/.cache/bilstm_helpers``."""
    return Path(os.environ.get(ENV_CACHE_DIR) or Path.home() / ".cache" / "bilstm_helpers")


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()
