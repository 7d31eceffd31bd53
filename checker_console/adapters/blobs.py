"""Content-addressed blob storage for identity images (local disk; S3-compatible in scale mode).

A key is the SHA-256 of the bytes, so storing the same image twice stores it once, and a key
can never point at different content. Blobs live outside any public folder: they are served only
through the console's own image route, which checks who is asking.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class BlobNotFound(KeyError):
    pass


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def blob_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalBlobStore:
    """Files under ``root/ab/cd/<sha256>``, written atomically (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise BlobNotFound(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = blob_key(data)
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except BlobNotFound:
            return False

    def delete(self, key: str) -> None:
        with contextlib.suppress(BlobNotFound):
            self._path(key).unlink(missing_ok=True)


def get_blob_store(root: Path | None = None) -> BlobStore:
    """The configured store: local disk under the settings' blob folder."""
    if root is None:
        from checker_console.settings import get_settings

        root = get_settings().blob_dir
    return LocalBlobStore(root)
