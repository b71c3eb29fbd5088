"""Freed memory that glibc hands back to Linux after every batch, and how to keep it.

A BiLSTM's training step allocates tensors of tens of MB: chapter 8's batch of
128 reviews of up to 400 words holds, per direction, gates of
400 x 128 x 4 x 32 float32 values (26 MB). PyTorch's CPU allocator asks the C
library's ``malloc`` for each tensor and frees it when the step is done.
glibc's ``malloc`` serves every block above its *mmap threshold* (128 KB to
start with, at most 32 MB on 64-bit Linux) with a fresh ``mmap`` and returns
it to the kernel with ``munmap`` when it is freed. So the next batch gets new
pages, and the kernel zero-fills each 4 KB page on its first touch: a minor
page fault, counted as system time, on every batch.

:func:`keep_freed_memory` sets two of ``malloc``'s options (``mallopt``):
``M_MMAP_MAX = 0`` serves large blocks from the heap as well, and
``M_TRIM_THRESHOLD`` keeps up to ``keep_mb`` of free memory at the heap's top
instead of returning it. The next batch then reuses pages that are already
mapped. The price is resident memory: the heap keeps what the largest batches
needed, and a freed block is not always reused (PyTorch asks for 64-byte-aligned
blocks, and a hole of exactly the size asked for is a little too small for
that), so the heap can grow past what is alive at any moment.
:func:`bilstm_helpers.runtime.release_memory` (``malloc_trim``) still hands free
memory back between experiments.

``benchmarks/bench_torch_memory.py`` measures both sides (time, page faults
and peak memory of the same training, with and without). PyTorch's
*Performance Tuning Guide* recommends swapping in another allocator (jemalloc
or TCMalloc, loaded with ``LD_PRELOAD`` before Python starts) for the same
reason; this needs nothing installed and works inside a running notebook.
It changes where tensors live, not what is computed: chapters 8 and 10 printed
the same figures with and without it.
"""

from __future__ import annotations

import ctypes
import sys

import torch  # noqa: F401  (the subpackage's rule: import the framework at the top)

M_TRIM_THRESHOLD = -1  # mallopt option numbers, from glibc's <malloc.h>
M_MMAP_MAX = -4


def keep_freed_memory(keep_mb: int = 512) -> bool:
    """Make glibc's ``malloc`` reuse freed memory instead of returning it to Linux.

    Affects the whole process (every framework in it) from the call on;
    blocks allocated before keep their old kind. Call it once, before training.

    Args:
        keep_mb: free memory (MB) the heap may keep at its top before it is
            returned to the kernel, 1..2047.

    Returns:
        True when both options were set (Linux with glibc); False elsewhere
        (macOS, Windows, musl), where nothing changes.
    """
    if not 1 <= keep_mb <= 2047:
        raise ValueError(f"keep_mb must lie in 1..2047 (mallopt takes a C int of bytes), got {keep_mb}; "
                         "e.g. keep_mb=512.")
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, keep_mb << 20))
