"""An S3-compatible object store on loopback for the DuckLake data-path tests: moto in server mode.

`python -m moto.server` runs in a process group of its own on a free port, once per session; a test
asks for a bucket with `new_bucket(name)`. DuckDB reaches it through httpfs with path-style URLs and
no TLS (see `duckdb_secret`). Stopped, with its whole group, at the end of the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.loopback import free_port
from tests.processes import group_alive, stop_group  # noqa: F401 - group_alive re-exported


@dataclass
class S3Server:
    """A running moto server: its endpoint (host:port, as DuckDB's ENDPOINT wants it) and credentials."""

    host: str
    port: int
    process: subprocess.Popen = field(repr=False)
    access_key: str = "pulse-test-key"  # moto accepts any credentials; fixed ones keep the secret explicit
    secret: str = "pulse-test-secret"
    region: str = "us-east-1"

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def new_bucket(self, name: str) -> str:
        """Create the bucket and return its URL prefix, `s3://name/`."""
        request = urllib.request.Request(f"{self.url}/{name}", method="PUT")  # S3's CreateBucket, path-style
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200:
                raise RuntimeError(f"moto at {self.url}: creating bucket {name!r} answered {response.status}")
        return f"s3://{name}/"

    def keys(self, bucket: str) -> list[str]:
        """Every object key in the bucket (for tests that check where the data files went)."""
        import boto3  # moto's own dependency

        client = boto3.client("s3", endpoint_url=self.url, aws_access_key_id=self.access_key,
                              aws_secret_access_key=self.secret, region_name=self.region)
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def duckdb_secret(self, name: str = "pulse_test_s3") -> str:
        """The CREATE SECRET statement that points DuckDB's httpfs at this server."""
        return (f"CREATE OR REPLACE SECRET {name} (TYPE s3, KEY_ID '{self.access_key}', SECRET '{self.secret}', "
                f"REGION '{self.region}', ENDPOINT '{self.endpoint}', URL_STYLE 'path', USE_SSL false)")


def wait_answers(server: S3Server, log: Path, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"moto at {server.url} exited at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/moto-api/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: that is all we wait for
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto at {server.url} did not answer in {limit_s:.0f} s:\n{log.read_text()}")


@contextmanager
def running_s3(log: Path) -> Iterator[S3Server]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULSE_"))}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = S3Server(host="127.0.0.1", port=port, process=process)
    try:
        wait_answers(server, log)
        yield server
    finally:
        stop_group(process)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    with running_s3(tmp_path_factory.mktemp("moto") / "moto.log") as server:
        yield server
