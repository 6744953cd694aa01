"""Giving the memory of large buffers back to the system when they are freed.

A FETCH of large bodies makes buffers of a megabyte or more; a client that
never reads holds them until `write_timeout` cuts it off. glibc serves such
buffers with mmap and returns them to the system when freed, but only up
to a threshold it raises by itself each time one is freed (up to 32 MiB),
after which they come from the heap and freed memory stays with the
process (bench/unread_output.py: 54-169 MiB left after 200 clients were cut
off, 36 MiB with the threshold fixed). Fixing the threshold keeps every
buffer of 128 KiB or more on mmap.
"""

from __future__ import annotations

import ctypes
import ctypes.util

#: glibc's mallopt() parameter number (malloc.h).
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def return_large_buffers() -> bool:
    """Fix glibc's mmap threshold for this process; False where there is no glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
