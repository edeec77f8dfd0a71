"""The DuckLake backend: catalog in PostgreSQL, data files in a folder or on S3.

A load is one transaction on the lake, so its commit is one new snapshot: readers keep reading the
snapshot they attached and never see half a load; writers never wait for readers. Concurrent
writers are optimistic: a commit that conflicts with another writer's (both deleted rows of one
table, both changed the schema) fails, and the caller runs the whole load again on the new
snapshot (etl.pipeline, bounded by MAX_TRIES). DuckLake has no primary keys or sequences, so the
migrations are translated (lake_ddl) and ids are given here (fill_ids); upserts are
delete-then-insert of the rows that changed only, so an unchanged catalog writes nothing.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb

from etl import extensions
from etl.errors import PulseError, WarehouseMissing
from etl.target import LakeTarget

ALIAS = "pulse"  # the catalog name readers see, as for the file backend
MAX_TRIES = 5  # attempts of one load's commit when other writers keep winning
HERE = Path(__file__).parent
# tables whose id column the file backend fills from a sequence
ID_COLUMNS = {"observations": "obs_id", "review_decisions": "decision_id"}


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _s3_secret(con: duckdb.DuckDBPyConnection, target: LakeTarget) -> None:
    """The object store's keys as a DuckDB secret scoped to the data path (never in a query text)."""
    s3 = target.s3
    parts = ["TYPE s3", "PROVIDER config", f"SCOPE {_lit(target.data_path)}"]
    if s3.key_id:
        parts += [f"KEY_ID {_lit(s3.key_id)}", f"SECRET {_lit(s3.secret)}"]
    if s3.region:
        parts.append(f"REGION {_lit(s3.region)}")
    if s3.endpoint:
        host = re.sub(r"^https?://", "", s3.endpoint).rstrip("/")
        parts += [f"ENDPOINT {_lit(host)}", f"USE_SSL {'false' if s3.endpoint.startswith('http://') else 'true'}"]
    if s3.url_style:
        parts.append(f"URL_STYLE {_lit(s3.url_style)}")
    con.execute(f"CREATE OR REPLACE SECRET pulse_s3 ({', '.join(parts)})")


_SECRET_KEYS = {"dbname": "DATABASE", "host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}
_DSN_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


def _pg_secret(con: duckdb.DuckDBPyConnection, catalog: str) -> str:
    """Move the DSN's connection keys into the default postgres secret; return what is left of the
    DSN. So the password is in no query text, no duckdb_databases() path and no setting."""
    dsn = catalog[len("postgres:"):]
    pairs = {k.lower(): v.strip("'") for k, v in _DSN_PAIR.findall(dsn)}
    keyed = {_SECRET_KEYS[k]: v for k, v in pairs.items() if k in _SECRET_KEYS}
    if keyed:
        body = ", ".join(f"{k} {_lit(v)}" for k, v in keyed.items())
        con.execute(f"CREATE OR REPLACE SECRET __default_postgres (TYPE postgres, {body})")
    return "postgres:" + " ".join(f"{k}={v}" for k, v in pairs.items() if k not in _SECRET_KEYS)


def connect(target: LakeTarget, read_only: bool = False, config: dict | None = None,
            snapshot_time: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `pulse` (and made the default)."""
    s3 = target.data_path.startswith("s3://")
    con = extensions.connect(("ducklake", "postgres_scanner", *(("httpfs",) if s3 else ())), config)
    try:
        if s3:
            _s3_secret(con, target)
        options = [f"DATA_PATH {_lit(target.data_path)}"]
        if read_only:
            options.append("READ_ONLY")
        when = snapshot_time or target.as_of
        if when is not None:
            options.append(f"SNAPSHOT_TIME {_lit(when.isoformat(sep=' '))}")
        if read_only:  # one pooled connection, opened by the ATTACH: the secret can then go
            con.execute("SET pg_connection_limit = 1")
        metadata = _pg_secret(con, target.catalog)
        _attach(con, f"ATTACH {_lit('ducklake:' + metadata)} AS {ALIAS} ({', '.join(options)})")
        con.execute(f"USE {ALIAS}")
        if read_only:  # readers (the SQL sandbox among them) keep no credentials to look at
            con.execute("DROP SECRET IF EXISTS __default_postgres")
    except duckdb.Error as exc:
        con.close()
        if "does not exist" in str(exc) or "creating a new DuckLake is explicitly disabled" in str(exc):
            raise WarehouseMissing(f"no warehouse in the lake {target}; run `pulse load` first.") from None
        if "no snapshot found" in str(exc).lower() and when is not None:
            raise WarehouseMissing(f"the lake {target} has no snapshot as of {when}; pick a later time.") from None
        raise WarehouseMissing(f"cannot open the lake {target} ({_first_line(exc)}); "
                               "check the warehouse setting and that PostgreSQL is up.") from None
    return con


def _attach(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """ATTACH, again when another process was creating the same new lake's catalog at that moment
    (both ran CREATE TABLE ducklake_metadata; PostgreSQL refuses the second with a duplicate key)."""
    for attempt in range(MAX_TRIES):
        try:
            con.execute(sql)
            return
        except duckdb.Error as exc:
            racing = "duplicate key" in str(exc) or "already exists" in str(exc)
            if not racing or attempt == MAX_TRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def is_published(target: LakeTarget) -> bool:
    try:
        con = connect(target, read_only=True)
    except WarehouseMissing:
        return False
    try:
        return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_catalog = 'pulse' AND table_name = 'warehouse_info'").fetchone()[0])
    finally:
        con.close()


def is_lake_connection(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


# ---- schema -------------------------------------------------------------------------------------

def lake_ddl(sql: str) -> str:
    """A file-backend migration in the DDL DuckLake takes: no keys, no sequences, no UNIQUE."""
    sql = re.sub(r"CREATE SEQUENCE\s+\w+\s*;", "", sql)
    sql = re.sub(r"\s+DEFAULT\s+nextval\('\w+'\)", "", sql)
    sql = re.sub(r",(\s*--[^\n]*)?\s*\n\s*PRIMARY KEY\s*\([^)]*\)", r"\1\n", sql)
    sql = re.sub(r"\s+PRIMARY KEY\b(?!\s*\()", "", sql)
    return re.sub(r"\s+UNIQUE\b", "", sql)


def migrations() -> list[tuple[str, str]]:
    """(name, SQL) of every migration as run on the lake, in order; the lake's own tables last."""
    files = [f for f in resources.files("etl.migrations").iterdir() if f.name.endswith(".sql")]
    out = [(f.name, lake_ddl(f.read_text(encoding="utf-8"))) for f in sorted(files, key=lambda f: f.name)]
    return out + [("lake_001_telemetry.sql", (HERE / "lake_telemetry.sql").read_text(encoding="utf-8"))]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The migrations not yet applied, inside the caller's transaction: a new lake's first load
    is its first snapshot, schema and rows together (a concurrent first load conflicts and retries)."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    done = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, sql in migrations():
        if name in done:
            continue
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
        applied.append(name)
    return applied


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # a failed COMMIT has already ended the transaction


def is_conflict(exc: BaseException) -> bool:
    """Another writer committed first and this transaction cannot be merged over it."""
    text = str(exc)
    return isinstance(exc, duckdb.Error) and ("conflict" in text.lower() or "Catalog write-write" in text)


def conflict_error(what: str, tries: int, exc: BaseException) -> PulseError:
    return PulseError(f"{what} could not commit in {tries} attempt(s): another writer changed the lake first "
                      f"each time ({_last_line(exc)}); nothing of it was published, run it again.")


def _last_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[-1] if lines else type(exc).__name__


# ---- the writer ---------------------------------------------------------------------------------

def open_writer(target: LakeTarget, applied: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the lake migrated and the load's transaction begun (no staging copy)."""
    con = connect(target)
    try:
        con.execute("BEGIN")
        done = apply_migrations(con)
        if applied is not None:
            applied += done
    except BaseException:
        _rollback(con)
        con.close()
        raise
    return con


def views_digest(files: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(f"{n}\n{s}" for n, s in files).encode()).hexdigest()


def view_files(file_views: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The file backend's views with the lake's own versions (etl/backends/views) in their place.

    A table the file backend rebuilds at every publish (CREATE OR REPLACE TABLE … AS) is a view
    on the lake: rebuilding it in every load would make every two concurrent loads conflict."""
    own = {p.name: p.read_text(encoding="utf-8") for p in (HERE / "views").glob("*.sql")}
    return [(name, re.sub(r"CREATE\s+OR\s+REPLACE\s+TABLE\s+(\w+)\s+AS", r"CREATE OR REPLACE VIEW \1 AS",
                          own.get(name, sql), flags=re.IGNORECASE)) for name, sql in file_views]


def create_views(con: duckdb.DuckDBPyConnection, file_views: list[tuple[str, str]]) -> None:
    """(Re)create the views when their SQL changed: a view change is a schema change, which would
    make every concurrent load conflict if each one recreated them."""
    files = view_files(file_views)
    digest = views_digest(files)
    row = con.execute("SELECT value FROM warehouse_info WHERE key = 'views_sha256'").fetchone()
    if row and row[0] == digest:
        return
    for name, sql in files:
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            raise PulseError(f"view file etl/views/{name} failed on the lake: {exc}") from exc
    upsert(con, "warehouse_info", "key", ["key", "value"], [("views_sha256", digest)])


def upsert(con: duckdb.DuckDBPyConnection, table: str, key: str, columns: list[str], rows: list[tuple]) -> None:
    """INSERT OR REPLACE without a primary key: only rows that differ are deleted and inserted."""
    if not rows:
        return
    import pyarrow as pa  # writers only: readers and `pulse sql` must not import it

    batch = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    cols = ", ".join(columns)
    con.register("_upsert_batch", batch)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _upsert_changed AS SELECT {cols} FROM _upsert_batch "
                    f"EXCEPT SELECT {cols} FROM {table}")
        if con.execute("SELECT count(*) FROM temp._upsert_changed").fetchone()[0]:
            con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM temp._upsert_changed)")
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM temp._upsert_changed")
        con.execute("DROP TABLE temp._upsert_changed")
    finally:
        con.unregister("_upsert_batch")


def next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The first of a block of new ids for `table` (see fill_ids for why these never collide)."""
    column = ID_COLUMNS[table]
    top = con.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0]
    return max(top + 1, (time.time_ns() // 1000) << 12)


def append_with_ids(con: duckdb.DuckDBPyConnection, table: str, staged: str) -> None:
    """Insert the rows of the temp table `staged` into `table`, numbered in their order. An UPDATE
    that filled ids afterwards would delete rows in DuckLake's terms, and two loads that delete
    from one table conflict: so the ids are given on the way in."""
    base = next_id(con, table)
    column = ID_COLUMNS[table]
    con.execute(f"INSERT INTO {table} BY NAME SELECT * REPLACE ({base} - 1 + row_number() OVER (ORDER BY rowid) "
                f"AS {column}) FROM {staged}")


def fill_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Give rows inserted without an id (the file backend's sequences) one, in insertion order.

    Ids start above the largest visible one and above the clock in microseconds << 12, so two
    writers that cannot see each other's rows still hand out disjoint ranges (unless both insert
    more than 4096 rows per microsecond between them)."""
    for table, column in ID_COLUMNS.items():
        if not con.execute(f"SELECT count(*) FROM {table} WHERE {column} IS NULL").fetchone()[0]:
            continue
        base = next_id(con, table)
        con.execute(f"""UPDATE {table} SET {column} = n.id
                        FROM (SELECT rowid AS r, {base} - 1 + row_number() OVER (ORDER BY rowid) AS id
                              FROM {table} WHERE {column} IS NULL) n
                        WHERE {table}.rowid = n.r""")


def publish(con: duckdb.DuckDBPyConnection, file_views: list[tuple[str, str]]) -> int:
    """Commit the load's transaction: one new snapshot, whose id is the version readers show."""
    fill_ids(con)
    create_views(con, file_views)
    con.execute("COMMIT")
    number = con.execute("SELECT id FROM pulse.current_snapshot()").fetchone()[0]
    con.close()
    return int(number)


def discard(con: duckdb.DuckDBPyConnection | None) -> None:
    if con is None:
        return
    try:
        _rollback(con)
        con.close()
    except duckdb.Error:
        pass


# ---- one file inside the load's transaction -----------------------------------------------------

def undo_file(con: duckdb.DuckDBPyConnection, document_id: str, load_id: str, path: str) -> None:
    """Take one failed file's rows back out (DuckDB has no savepoints; the load stays one transaction)."""
    for table in ("observations", "documents", "telemetry_weld", "telemetry_gallium"):
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
    con.execute("DELETE FROM rejects WHERE load_id = ? AND file_path = ?", [load_id, path])


def write_telemetry(con: duckdb.DuckDBPyConnection, staged: duckdb.DuckDBPyConnection, kind: str, columns: str,
                    id_column: str, document_id: str, load_id: str) -> tuple[int, list[tuple[str, str]]]:
    """Insert the good staged rows (table `staged` of the plant validator's connection) into the
    lake table telemetry_<kind>; returns (rows written, [(id, file it was loaded from)] of rows
    already in the lake, which are not written: the lake's form of the across-file check)."""
    reader = staged.execute(f"SELECT plant, date, {columns}, '{document_id}' AS document_id, "
                            f"'{load_id}' AS load_id FROM staged WHERE reason IS NULL").to_arrow_reader()
    con.register("_staged_telemetry", reader)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _incoming AS SELECT * FROM _staged_telemetry")
    finally:
        con.unregister("_staged_telemetry")
    table = f"telemetry_{kind}"
    seen = con.execute(f"""SELECT i.{id_column}, coalesce(any_value(d.file_name), any_value(t.document_id))
                           FROM temp._incoming i JOIN {table} t ON t.{id_column} = i.{id_column}
                           LEFT JOIN documents d ON d.document_id = t.document_id
                           GROUP BY 1 ORDER BY 1""").fetchall()
    con.execute(f"INSERT INTO {table} SELECT * FROM temp._incoming i "
                f"WHERE i.{id_column} NOT IN (SELECT {id_column} FROM {table})")
    rows = con.execute("SELECT count(*) FROM temp._incoming").fetchone()[0] - len(seen)
    con.execute("DROP TABLE temp._incoming")
    return rows, seen


# ---- reading ------------------------------------------------------------------------------------

def snapshot(con: duckdb.DuckDBPyConnection) -> tuple[int, datetime]:
    """(id, time) of the snapshot this connection reads."""
    row = con.execute(f"SELECT snapshot_id, snapshot_time FROM {ALIAS}.snapshots() "
                      f"WHERE snapshot_id = (SELECT id FROM {ALIAS}.current_snapshot())").fetchone()
    return int(row[0]), row[1]


def at(target: LakeTarget, when: datetime) -> LakeTarget:
    """The same lake, read as of `when` (the snapshot current then)."""
    return replace(target, as_of=when)
