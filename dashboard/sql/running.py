"""One running ad hoc query per user session: a second Run while one is running is told so.

Streamlit runs each browser session's script in its own thread of one server process, so the
registry is one per process (`RUNNING`, a module global: the page's script reruns, its imports do not). The key is the signed-in user
when there is one, otherwise the browser session, so several tabs of one user share one slot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

BUSY = "a query of this session is still running; wait for it to finish or for its time limit"


class QueryBusy(Exception):
    """The session already has a query running."""


class OneQueryPerSession:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        """Hold the session's slot while the query runs; QueryBusy if it is taken."""
        with self._lock:
            if key in self._running:
                raise QueryBusy(BUSY)
            self._running.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(key)

    def is_running(self, key: str) -> bool:
        with self._lock:
            return key in self._running


RUNNING = OneQueryPerSession()
