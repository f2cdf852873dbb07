"""Files that hold personal data are created readable by the service user only.

The process umask decides the mode of a file that some library creates, and
a typical umask (022) makes it world-readable. Creating the file ourselves
with an explicit mode first means SQLite, filelock and openpyxl only ever
open a file that is already private (SQLite gives its -wal and -shm files
the mode of the database file).
"""

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def create_private_file(path):
    """Create `path` with mode 0600 unless it exists; an existing file keeps the mode staff gave it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return Path(path)
    os.close(descriptor)
    return Path(path)


def create_private_dir(path):
    """mkdir -p with mode 0700 for the folders formsvc creates (not for existing ones)."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return path
