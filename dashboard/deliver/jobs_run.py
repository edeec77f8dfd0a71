"""The four jobs a schedule can run, in-process (one warm Chromium for every brief and alert card)."""

from __future__ import annotations

from dashboard.briefing.export import Renderer
from dashboard.deliver.scheduler import Echo, Schedule
from etl.settings import Settings


class JobRunner:
    def __init__(self, settings: Settings, echo: Echo):
        self.settings, self.echo = settings, echo
        self._renderer: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer()
        return self._renderer

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()

    def __call__(self, job: str, schedule: Schedule) -> str | None:
        """Run one job; None when it went well, else one line saying what failed."""
        return getattr(self, f"_{job}")(schedule)

    def _fetch(self, schedule: Schedule) -> str | None:
        from dashboard.commands.fetch import fetch_and_report

        lines: list[str] = []
        code = fetch_and_report(self.settings, schedule.sources, echo=lambda line, err=False: lines.append(line))
        for line in lines:
            self.echo(f"  fetch: {line}")
        return "some sources failed (see above)" if code else None

    def _load(self, schedule: Schedule) -> str | None:
        from dashboard.deliver.alerts import after_load
        from etl.pipeline import run_load

        result = run_load(self.settings)
        self.echo(f"  load: {result.count('loaded')} loaded, {result.count('skipped')} skipped, "
                  f"{result.count('rejected')} rejected; version {result.published_version or 'unchanged'}")
        after_load(self.settings, result.published_version is not None, lambda line: self.echo(f"  {line}"))
        return f"{result.count('rejected')} file(s) rejected" if result.count("rejected") else None

    def _brief(self, schedule: Schedule) -> str | None:
        from dashboard.deliver.jobs import deliver_briefing

        results = deliver_briefing(self.settings, schedule.template or "", schedule.targets, self.renderer)
        for r in results:
            self.echo(f"  brief {schedule.template}: {r.line()}")
        failed = [r.target for r in results if r.status != "sent"]
        return f"delivery failed for {', '.join(failed)}" if failed else None

    def _alerts(self, schedule: Schedule) -> str | None:
        from dashboard.deliver.alerts import check_and_deliver

        run = check_and_deliver(self.settings, renderer=self.renderer)
        for line in run.lines():
            self.echo(f"  alert {line}")
        failed = [d.target for d in run.deliveries if d.status != "sent"]
        return f"delivery failed for {', '.join(failed)}" if failed else None
