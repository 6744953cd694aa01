"""An S3-compatible server on loopback for the blob_store: s3 tests.

moto's server (PyPI `moto[server]`, pinned in the test extras) speaks the
S3 REST protocol over real HTTP: Roost's client (obstore) signs and sends
the same requests it sends to AWS or MinIO. It runs in a thread of the test
process on 127.0.0.1 and a free port, so `.ci/run` has nothing to start
and nothing to stop; worker processes the tests spawn reach it over
loopback too. If it cannot start, the tests fail, never skip.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

ACCESS_KEY = "roost-test"
SECRET_KEY = "roost-test-secret"
REGION = "us-east-1"


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str

    def config(self, prefix: str = "") -> str:
        """The imapd.conf lines that put a site's bodies in this bucket."""
        return (f"blob_store: s3\ns3_endpoint: {self.endpoint}\ns3_bucket: {self.name}\n"
                f"s3_region: {REGION}\ns3_access_key_id: {ACCESS_KEY}\n"
                f"s3_secret_access_key: {SECRET_KEY}\ns3_prefix: {prefix}\n")

    def object_names(self, prefix: str = "") -> list[str]:
        """Every object name in the bucket (under `prefix`), read with another client."""
        s3 = client(self.endpoint)
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))


def client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name=REGION)


@contextmanager
def running_s3() -> Iterator[str]:
    """The endpoint URL of an S3 server on 127.0.0.1, stopped at the end."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint: str) -> Bucket:
    """A fresh, empty bucket for one test."""
    name = f"roost-{secrets.token_hex(6)}"
    client(endpoint).create_bucket(Bucket=name)
    return Bucket(endpoint, name)
