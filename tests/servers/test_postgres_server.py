"""The PostgreSQL test server: a real server, a database per call, and nothing left once stopped."""

from __future__ import annotations

import subprocess

import pytest

from tests.servers.postgres import bin_dir, processes_in, running_postgres


def test_new_database_returns_a_dsn_a_client_can_use(postgres_server):
    dsn = postgres_server.new_database("dsn_check")
    assert dsn == f"dbname=dsn_check host=127.0.0.1 port={postgres_server.port} user={postgres_server.user}"
    assert postgres_server.psql("SELECT current_database() || ' ' || current_user", dbname="dsn_check") == \
        f"dsn_check {postgres_server.user}"


def test_each_test_gets_its_own_empty_database(postgres_server, postgres_db):
    name = postgres_db.split()[0].removeprefix("dbname=")
    assert postgres_server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", dbname=name) == "0"


def test_a_database_name_that_is_not_plain_is_refused(postgres_server):
    with pytest.raises(ValueError, match=r"'x\"; DROP' is not a plain database name"):
        postgres_server.new_database('x"; DROP')


def test_stopping_the_server_leaves_no_process_and_no_folder():
    with running_postgres() as server:
        # a client session, so a backend exists besides the postmaster's own children
        client = subprocess.Popen([str(bin_dir() / "psql"), "-X", "-h", server.host, "-p", str(server.port),
                                   "-U", server.user, "-d", "postgres", "-c", "SELECT pg_sleep(600)"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while server.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") != "1":
                pass  # until the backend runs the sleep (a state, not a time)
            running = processes_in(server.data)
            assert server.process.pid in running and len(running) >= 4  # postmaster, checkpointer, writers, backend
        finally:
            server.stop()
            client.wait(timeout=60)
    assert processes_in(server.data) == []
    assert not server.root.exists()


def test_without_postgresql_installed_the_fixture_fails_saying_to_run_setup(monkeypatch):
    monkeypatch.setattr("tests.servers.postgres.bin_dir", lambda: None)
    with pytest.raises(pytest.fail.Exception, match=r"^PostgreSQL is not installed .*: run scripts/setup\.sh"):
        with running_postgres():
            pass
