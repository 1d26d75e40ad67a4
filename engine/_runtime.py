"""Process-level runtime settings applied once at import.

glibc returns freed large arrays to the OS by default, so every training step
re-faults thousands of pages; raising the mmap and trim thresholds keeps them
(measured: CNN step 12.7 ms → 5.9 ms, see specs/engine-notes.md §B3).
Both settings are needed; a no-op where glibc is absent.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> bool:
    """Set glibc's mmap/trim thresholds; returns True when applied."""
    if os.environ.get("ENGINE_NO_MALLOPT"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok1 = mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    ok2 = mallopt(_M_TRIM_THRESHOLD, 1024 * 1024 * 1024)
    return bool(ok1 and ok2)


def warm_sgemm() -> None:
    """One mid-sized float32 GEMM at import.

    Measured (numpy 2.4.6's OpenBLAS 0.3.31, Haswell kernel, 1 thread): until the
    process has run one sgemm with an inner or outer dimension of about 1024,
    blocked conv dW products (e.g. 15 x (144x512 @ 512x32)) run 3x slower
    (7.5 ms vs 2.6 ms of CPU time), in every thread; one such GEMM fixes it for
    the life of the process.  Costs ~0.3 ms once.

    Measured again on a 2-vCPU AVX2-only EPYC (OpenBLAS Haswell kernel, 1 thread):
    until one sgemm with *both* M and N of about 384 or more has run, every
    mid-sized product stays in a slow mode (128x784 @ 784x256: 4.3 ms, 12 GFLOP/s,
    instead of 1.4 ms, 35 GFLOP/s; 64x64 @ 64x256: 169 us instead of 74 us;
    the engine's MLP epoch 30% slower).  The 64x1024x64
    product does not leave it, a 512x16x512 one does (~1 ms once), so both run.
    """
    import numpy as np
    a = np.ones((64, 1024), np.float32)
    a @ np.ones((1024, 64), np.float32)
    np.ones((512, 16), np.float32) @ np.ones((16, 512), np.float32)


MALLOPT_APPLIED = keep_freed_memory()
warm_sgemm()
