"""Both body backends keep the BlobStore rules (roost.store.blobstore):
files under a partition, and objects in an S3 bucket on loopback (moto).
The same cases run on each."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.s3 import Bucket

from roost.config import parse_config
from roost.store.api import StoreCorrupt, StoreError, StoreUnavailable
from roost.store.blobstore import BlobStore, content_key
from roost.store.s3blobs import S3Blobs
from roost.store.sqlite.blobs import BlobFiles

BODY = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"


@pytest.fixture(params=["files", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "files":
        yield BlobFiles({"default": tmp_path / "spool", "other": tmp_path / "other"})
        return
    bucket: Bucket = request.getfixturevalue("bucket")
    conf = parse_config(f"configdirectory: {tmp_path / 'config'}\n"
                        f"partition-default: {tmp_path / 'spool'}\n"
                        f"partition-other: {tmp_path / 'other'}\n" + bucket.config("site/"))
    yield S3Blobs.from_config(conf)


def test_a_staged_body_reads_back_whole(blobs: BlobStore) -> None:
    staged = blobs.stage("default", BODY)
    blobs.make_durable([staged])
    assert staged.key == content_key(BODY)
    assert blobs.present("default", staged.key, len(BODY))
    assert not blobs.present("default", staged.key, len(BODY) + 1)
    assert blobs.read("default", staged.key) == BODY
    assert blobs.size("default", staged.key) == len(BODY)
    assert blobs.read_prefix("default", staged.key, 4) == b"From"
    assert blobs.digest("default", staged.key) == staged.key


def test_equal_content_is_one_body_per_partition(blobs: BlobStore) -> None:
    key = blobs.write("default", BODY)
    assert blobs.write("default", BODY) == key
    blobs.write("other", BODY)
    assert [b.key for b in blobs.stored("default")] == [key]
    assert [b.key for b in blobs.stored("other")] == [key]
    assert blobs.location("default", key) != blobs.location("other", key)


def test_a_removed_body_is_missing_everywhere(blobs: BlobStore) -> None:
    key = blobs.write("default", BODY)
    blobs.remove("default", key)
    blobs.remove("default", key)  # already gone is fine
    assert not blobs.present("default", key, len(BODY))
    assert list(blobs.stored("default")) == []
    for read in (blobs.read, blobs.size, blobs.digest):
        with pytest.raises(FileNotFoundError):
            read("default", key)
    with pytest.raises(FileNotFoundError):
        blobs.read_prefix("default", key, 4)


def test_an_unknown_partition_is_refused(blobs: BlobStore) -> None:
    with pytest.raises(StoreError):
        blobs.partition_location("nosuch")
    with pytest.raises(StoreError):
        blobs.stage("nosuch", BODY)
    assert sorted(blobs.partition_names()) == ["default", "other"]


async def test_chunks_stream_the_body_and_notice_a_short_one(blobs: BlobStore) -> None:
    big = bytes(range(256)) * 4096  # 1 MiB: several chunks
    key = await asyncio.to_thread(blobs.write, "default", big)
    got = [chunk async for chunk in blobs.chunks("default", key, len(big))]
    assert len(got) > 1 and b"".join(got) == big
    with pytest.raises(StoreCorrupt):
        async for _ in blobs.chunks("default", key, len(big) + 10):
            pass


def test_stored_lists_only_whole_bodies(blobs: BlobStore) -> None:
    key = blobs.write("default", BODY)
    [body] = blobs.stored("default")
    assert (body.partition, body.key) == ("default", key)
    assert body.mtime > 0 and key in body.location


def _s3(tmp_path: Path, bucket: Bucket, cache_size: int) -> S3Blobs:
    conf = parse_config(f"configdirectory: {tmp_path / 'config'}\n"
                        f"partition-default: {tmp_path / 'spool'}\n"
                        + bucket.config() + f"s3_cache_size: {cache_size}\n")
    return S3Blobs.from_config(conf)


def test_s3_bodies_are_objects_named_by_partition_and_hash(tmp_path: Path, bucket: Bucket) -> None:
    blobs = _s3(tmp_path, bucket, 1 << 20)
    key = blobs.write("default", BODY)
    assert bucket.object_names() == [f"default/{key[0:2]}/{key[2:4]}/{key}"]
    assert blobs.location("default", key) == f"s3://{bucket.name}/default/{key[0:2]}/{key[2:4]}/{key}"


def test_s3_reads_survive_a_lost_cache(tmp_path: Path, bucket: Bucket) -> None:
    blobs = _s3(tmp_path, bucket, 1 << 20)
    key = blobs.write("default", BODY)
    assert blobs.cache is not None and blobs.cache.has("default", key, len(BODY))
    for copy in (tmp_path / "config" / "blobcache").rglob(key):
        copy.unlink()
    assert blobs.read("default", key) == BODY  # from the bucket, cached again
    assert blobs.cache.has("default", key, len(BODY))


def test_s3_without_a_cache_reads_from_the_bucket(tmp_path: Path, bucket: Bucket) -> None:
    blobs = _s3(tmp_path, bucket, 0)
    assert blobs.cache is None
    key = blobs.write("default", BODY)
    assert blobs.read("default", key) == BODY
    assert blobs.read_prefix("default", key, 4) == b"From"
    assert not (tmp_path / "config" / "blobcache").exists()


def test_s3_cache_stays_within_its_bound(tmp_path: Path, bucket: Bucket) -> None:
    """40 bodies of 1 KiB through a 10 KiB cache: it never holds much more
    than 10 KiB, keeps the newest, and every body still reads back."""
    blobs = _s3(tmp_path, bucket, 10 * 1024)
    keys = [blobs.write("default", b"%04d" % n * 256) for n in range(40)]
    cached = [p for p in (tmp_path / "config" / "blobcache").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in cached) <= 11 * 1024
    assert blobs.cache is not None and blobs.cache.has("default", keys[-1], 1024)
    assert not blobs.cache.has("default", keys[0], 1024)
    assert [blobs.read("default", k) for k in keys] == [b"%04d" % n * 256 for n in range(40)]


def test_an_unreachable_bucket_refuses_the_write(tmp_path: Path) -> None:
    conf = parse_config(f"configdirectory: {tmp_path / 'config'}\n"
                        f"partition-default: {tmp_path / 'spool'}\n"
                        "blob_store: s3\ns3_endpoint: http://127.0.0.1:9\ns3_bucket: gone\n"
                        "s3_access_key_id: k\ns3_secret_access_key: s\n")
    blobs = S3Blobs.from_config(conf)
    with pytest.raises(StoreUnavailable):
        blobs.stage("default", BODY)


def test_s3_needs_a_bucket(tmp_path: Path) -> None:
    conf = parse_config(f"configdirectory: {tmp_path}\npartition-default: {tmp_path}\n"
                        "blob_store: s3\n")
    with pytest.raises(StoreError, match="s3_bucket"):
        S3Blobs.from_config(conf)
