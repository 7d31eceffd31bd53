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
from functools import lru_cache
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


def check_key(key: str) -> None:
    """Refuse anything that is not a SHA-256 in lower-case hex (no paths, no other objects)."""
    if not isinstance(key, str) or len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise BlobNotFound(key)


class LocalBlobStore:
    """Files under ``root/ab/cd/<sha256>``, written atomically (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        check_key(key)
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
    """The configured store: S3-compatible storage when ``CHECKER_S3_BUCKET`` is set (scale
    mode), otherwise local disk under the settings' blob folder (or ``root``, if given)."""
    from checker_console.settings import get_settings

    settings = get_settings()
    if settings.s3_bucket:
        return _s3_store(
            settings.s3_bucket,
            settings.s3_endpoint_url,
            settings.s3_region,
            settings.s3_prefix,
            settings.s3_sse,
            settings.s3_kms_key_id,
        )
    return LocalBlobStore(root if root is not None else settings.blob_dir)


@lru_cache(maxsize=4)
def _s3_store(
    bucket: str,
    endpoint_url: str | None,
    region: str | None,
    prefix: str,
    sse: str,
    kms_key_id: str | None,
) -> BlobStore:
    """One client per configuration: boto3 clients are thread-safe and pool connections."""
    from checker_console.adapters.s3_blobs import S3BlobStore

    return S3BlobStore(
        bucket=bucket,
        endpoint_url=endpoint_url,
        region=region,
        prefix=prefix,
        sse=sse,
        kms_key_id=kms_key_id,
    )
