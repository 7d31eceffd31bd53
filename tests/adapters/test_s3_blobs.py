"""The S3 blob store against a real S3 API (moto's server mode on 127.0.0.1)."""

from __future__ import annotations

import boto3
import pytest

from checker_console.adapters.blobs import BlobNotFound, blob_key, get_blob_store
from checker_console.adapters.s3_blobs import BlobCorrupt, S3BlobStore
from tests.support.s3 import TEST_AWS_ENV, make_bucket

SELFIE = b"\xff\xd8\xff\xe0 a synthetic selfie, not a real person"


@pytest.fixture
def store(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> S3BlobStore:
    for name, value in TEST_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return S3BlobStore(
        bucket=make_bucket(s3_server), endpoint_url=s3_server, region="eu-west-2", prefix="blobs"
    )


def _raw_client(endpoint: str):
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="eu-west-2")


def test_an_image_round_trips_through_the_bucket_under_its_content_address(
    store: S3BlobStore, s3_server: str
) -> None:
    key = store.put(SELFIE)

    assert key == blob_key(SELFIE)
    assert store.exists(key)
    assert store.get(key) == SELFIE
    listed = _raw_client(s3_server).list_objects_v2(Bucket=store.bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"blobs/{key[:2]}/{key[2:4]}/{key}"]


def test_storing_the_same_image_twice_keeps_one_object(store: S3BlobStore, s3_server: str) -> None:
    assert store.put(SELFIE) == store.put(SELFIE)

    assert _raw_client(s3_server).list_objects_v2(Bucket=store.bucket)["KeyCount"] == 1


def test_every_object_is_written_with_server_side_encryption(
    store: S3BlobStore, s3_server: str
) -> None:
    key = store.put(SELFIE)

    head = _raw_client(s3_server).head_object(
        Bucket=store.bucket, Key=f"blobs/{key[:2]}/{key[2:4]}/{key}"
    )
    assert head["ServerSideEncryption"] == "AES256"


def test_a_key_that_is_not_a_content_address_is_refused_without_asking_the_server(
    store: S3BlobStore,
) -> None:
    for wrong in ("../../etc/passwd", "blobs/x", "A" * 64, "", "0" * 63):
        with pytest.raises(BlobNotFound):
            store.get(wrong)
        assert store.exists(wrong) is False


def test_a_key_with_no_object_is_refused(store: S3BlobStore) -> None:
    with pytest.raises(BlobNotFound):
        store.get(blob_key(b"never stored"))


def test_an_object_whose_bytes_do_not_match_its_key_is_refused(
    store: S3BlobStore, s3_server: str
) -> None:
    key = store.put(SELFIE)
    _raw_client(s3_server).put_object(
        Bucket=store.bucket, Key=f"blobs/{key[:2]}/{key[2:4]}/{key}", Body=b"swapped image"
    )

    with pytest.raises(BlobCorrupt):
        store.get(key)


def test_the_store_never_makes_a_url_and_objects_are_not_public(
    store: S3BlobStore, s3_server: str
) -> None:
    key = store.put(SELFIE)

    assert not [name for name in dir(store) if "url" in name.lower() or "presign" in name.lower()]
    assert s3_server not in repr(store)
    acl = _raw_client(s3_server).get_object_acl(
        Bucket=store.bucket, Key=f"blobs/{key[:2]}/{key[2:4]}/{key}"
    )
    grantees = {grant["Grantee"].get("URI", "") for grant in acl["Grants"]}
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)


def test_deleting_removes_the_object(store: S3BlobStore) -> None:
    key = store.put(SELFIE)

    store.delete(key)
    store.delete("not a key")

    assert not store.exists(key)


def test_the_settings_choose_s3_when_a_bucket_is_named(s3_settings: str) -> None:
    store = get_blob_store()

    assert isinstance(store, S3BlobStore) and store.bucket == s3_settings
    assert store.get(store.put(SELFIE)) == SELFIE


def test_local_disk_stays_the_default(settings_env) -> None:
    from checker_console.adapters.blobs import LocalBlobStore

    assert isinstance(get_blob_store(), LocalBlobStore)
