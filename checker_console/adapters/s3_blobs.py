"""Identity images in S3-compatible object storage (scale mode), through boto3.

Why boto3 rather than obstore: our objects are small (a ~1600 px preview is ~200 kB) and are
read one at a time by the image route, so a request's cost is the network round trip, not the
client. boto3 is AWS's own maintained client, reads credentials from the standard AWS
environment (variables, profile, instance or task role) and speaks every S3-compatible server;
obstore's advantage is in parallel and large transfers we do not make.

Every object is written with server-side encryption requested. The store has no way to make a
URL: no presigned links, no public ACLs. Bytes reach browsers only through the console's own
image route, which checks who is asking. Keys are the SHA-256 of the content (as on local disk)
and every read is checked against its key, so a wrong or tampered object is refused.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from checker_console.adapters.blobs import BlobNotFound, blob_key, check_key

#: Server-side encryption modes S3 accepts on PutObject.
SSE_MODES = ("AES256", "aws:kms", "aws:kms:dsse")


class BlobCorrupt(BlobNotFound):
    """The stored object's bytes do not hash to its key: refused, never served."""


class S3BlobStore:
    """Content-addressed objects under ``prefix/ab/cd/<sha256>`` in one bucket."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "blobs",
        sse: str = "AES256",
        kms_key_id: str | None = None,
        client: Any = None,
    ) -> None:
        if sse not in SSE_MODES:
            raise ValueError(f"CHECKER_S3_SSE must be one of {', '.join(SSE_MODES)}, not {sse!r}")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._sse: dict[str, str] = {"ServerSideEncryption": sse}
        if kms_key_id and sse.startswith("aws:kms"):
            self._sse["SSEKMSKeyId"] = kms_key_id
        self._client = client or _make_client(endpoint_url=endpoint_url, region=region)

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        check_key(key)
        path = f"{key[:2]}/{key[2:4]}/{key}"
        return f"{self.prefix}/{path}" if self.prefix else path

    def put(self, data: bytes) -> str:
        key = blob_key(data)
        if self.exists(key):
            return key
        digest = hashlib.md5(data, usedforsecurity=False).digest()  # S3 integrity check
        self._client.put_object(
            Bucket=self.bucket,
            Key=self._object_key(key),
            Body=data,
            ContentType="application/octet-stream",
            ContentMD5=base64.b64encode(digest).decode("ascii"),
            **self._sse,
        )
        return key

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._object_key(key))
        except self._client.exceptions.NoSuchKey as exc:
            raise BlobNotFound(key) from exc
        data = response["Body"].read()
        if blob_key(data) != key:
            raise BlobCorrupt(key)
        return data

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except BlobNotFound:
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        try:
            object_key = self._object_key(key)
        except BlobNotFound:
            return
        self._client.delete_object(Bucket=self.bucket, Key=object_key)


def _make_client(*, endpoint_url: str | None, region: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=20,
        max_pool_connections=32,
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=config
    )
