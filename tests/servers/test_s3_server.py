"""The moto S3 test server: buckets on request, and nothing left of its process group once stopped."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.servers.s3 import group_alive, running_s3


def test_a_new_bucket_is_empty_and_listed_by_its_url(s3_server):
    assert s3_server.new_bucket("fresh-bucket") == "s3://fresh-bucket/"
    assert s3_server.keys("fresh-bucket") == []


def test_an_unknown_bucket_is_not_found(s3_server):
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(f"{s3_server.url}/never-made/x.parquet", timeout=10)


def test_stopping_the_s3_server_leaves_no_process(tmp_path):
    with running_s3(tmp_path / "moto.log") as server:
        server.new_bucket("while-running")
        pgid = server.process.pid
        assert group_alive(pgid)
    assert server.process.returncode is not None
    assert not group_alive(pgid)
