"""`pulse schedule run`: the [[schedule]] tables of pulse.toml, run by one long-lived process.

    [[schedule]]
    name = "morning"
    cron = "30 8 * * *"          # croniter syntax; a 6th field is seconds ("* * * * * */10")
    jobs = ["fetch", "load", "brief"]
    template = "monthly_industry" # brief: which briefing, to which targets
    targets = ["ops-mail"]

One runner at a time (a lock beside the warehouse); `load` takes the warehouse's writer lock as
always, so a manual `pulse load` and the schedule wait for each other. Each run is recorded in the
journal (schedule_runs): a run missed while the runner was down is caught up once at start, not
once per missed slot. SIGTERM / SIGINT: the current job finishes, then the process exits 0.
"""

from __future__ import annotations

import fcntl
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from croniter import croniter

from etl import journal
from etl.errors import PulseError
from etl.settings import Settings

JOBS = ("fetch", "load", "brief", "alerts")
KEYS = {"name", "cron", "job", "jobs", "template", "targets", "sources"}
Echo = Callable[[str], None]


class ScheduleError(PulseError):
    exit_code = 2


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    jobs: tuple[str, ...]
    template: str | None = None
    targets: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def next_after(self, moment: datetime) -> datetime:
        return croniter(self.cron, moment).get_next(datetime)

    def previous_before(self, moment: datetime) -> datetime:
        return croniter(self.cron, moment).get_prev(datetime)


def parse_schedules(raw: tuple[dict, ...] | list[dict]) -> list[Schedule]:
    schedules = [_schedule(entry, i) for i, entry in enumerate(raw, start=1)]
    names = [s.name for s in schedules]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ScheduleError(f"pulse.toml: schedule name(s) {', '.join(dupes)} used twice; names must be unique.")
    return schedules


def _schedule(entry: dict, i: int) -> Schedule:
    if not isinstance(entry, dict):
        raise ScheduleError(f"schedule #{i} is {entry!r}; schedules are [[schedule]] tables in pulse.toml.")
    name = str(entry.get("name") or f"schedule{i}")
    where = f"pulse.toml schedule '{name}'"
    if unknown := set(entry) - KEYS:
        raise ScheduleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(KEYS))}.")
    cron = str(entry.get("cron", ""))
    if not croniter.is_valid(cron):
        raise ScheduleError(f"{where}: cron {cron!r} is not a cron expression (minute hour day month weekday "
                            "[second]).")
    jobs = entry.get("jobs", entry.get("job", []))
    jobs = (jobs,) if isinstance(jobs, str) else tuple(jobs)
    if not jobs or any(j not in JOBS for j in jobs):
        raise ScheduleError(f"{where}: jobs must be some of {', '.join(JOBS)} (got {', '.join(jobs) or 'none'}).")
    if "brief" in jobs and not (entry.get("template") and entry.get("targets")):
        raise ScheduleError(f"{where}: a brief job needs template and targets.")
    return Schedule(name, cron, jobs, entry.get("template"), tuple(entry.get("targets", ())),
                    tuple(entry.get("sources", ())))


def last_due(db: Path, schedule: Schedule) -> datetime | None:
    rows = journal.recent(db, "schedule_runs", 1, "schedule = ?", (schedule.name,))
    return datetime.fromisoformat(rows[0]["due"]) if rows else None


def first_due(db: Path, schedule: Schedule, now: datetime) -> datetime:
    """When to run first: now, if a run came due since the last recorded one (caught up once), else the next slot."""
    last = last_due(db, schedule)
    if last is not None and schedule.next_after(last) <= now:
        return schedule.previous_before(now)  # the most recent missed slot stands for all of them
    return schedule.next_after(now)


@contextmanager
def runner_lock(db: Path):
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".schedule.lock"), "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ScheduleError(f"another `pulse schedule run` is running for {db}; stop it first.") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Runner:
    def __init__(self, settings: Settings, schedules: list[Schedule], run_job, echo: Echo, now=datetime.now):
        self.settings, self.schedules, self.run_job, self.echo, self.now = settings, schedules, run_job, echo, now
        self.stop = threading.Event()

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop.set())

    def run(self) -> None:
        start = self.now()
        due = {s.name: first_due(self.settings.db, s, start) for s in self.schedules}
        for s in self.schedules:
            self.echo(f"schedule {s.name}: next run {due[s.name].isoformat(sep=' ', timespec='seconds')}")
        while not self.stop.is_set():
            schedule = min(self.schedules, key=lambda s: due[s.name])
            wait = (due[schedule.name] - self.now()).total_seconds()
            if wait > 0 and self.stop.wait(min(wait, 60)):
                break
            if self.now() < due[schedule.name]:
                continue
            self._run(schedule, due[schedule.name])
            due[schedule.name] = schedule.next_after(max(self.now(), due[schedule.name]))
        self.echo("schedule runner stopped")

    def _run(self, schedule: Schedule, due: datetime) -> None:
        for job in schedule.jobs:
            if self.stop.is_set():
                return
            try:
                error = self.run_job(job, schedule)
            except Exception as exc:  # noqa: BLE001 - one failed job never stops the runner
                error = f"{type(exc).__name__}: {exc}"
            status = "failed" if error else "ok"
            journal.record(self.settings.db, "schedule_runs", schedule=schedule.name, due=due.isoformat(),
                           job=job, status=status, error=error)
            self.echo(f"schedule {schedule.name}: {job} {status}" + (f": {error}" if error else ""))
