"""PNG export with kaleido 1.x and a system Chromium, kept warm for the whole export (and the app).

One `Kaleido` browser runs on a private event-loop thread; every render is a coroutine submitted
to it, so many threads (Streamlit sessions) can share it safely and errors and time-outs come
back to the caller instead of hanging a queue. Before the browser starts we check that a browser
exists and that a CJK font is installed: a missing font must be an error, never boxes in an image.

    figure_png(fig, width=None, height=None, scale=2) -> bytes   # for "PNG download" on any chart
    figure_png_later(fig, ...) -> Callable[[], bytes]            # st.download_button(data=...) renders on click
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from etl.errors import PulseError

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
                "Microsoft YaHei", "PingFang SC")
RENDER_TIMEOUT_S = 120.0


class BrowserMissing(PulseError):
    """No Chromium to render with."""


class FontMissing(PulseError):
    """No font with Chinese glyphs: the image would show boxes."""


class RenderError(PulseError):
    """The browser failed to render a figure."""


def find_browser(explicit: str | Path | None = None) -> str:
    """The Chromium to use: `explicit`, else $BROWSER_PATH, else a chromium/chrome on PATH, else kaleido's download."""
    if explicit or os.environ.get("BROWSER_PATH"):
        path = Path(str(explicit or os.environ["BROWSER_PATH"]))
        where = "--browser" if explicit else "BROWSER_PATH"
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise BrowserMissing(f"no browser at {where}={path}; install Chromium (apt install chromium) "
                             "or run `plotly_get_chrome` on a machine with internet access, then try again.")
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    try:
        from choreographer.cli._cli_utils import get_chrome_download_path  # where plotly_get_chrome puts it

        local = get_chrome_download_path(mkdir=False)
        if local and Path(local).is_file():
            return str(local)
    except (ImportError, OSError, TypeError):
        pass
    raise BrowserMissing("no Chromium found (looked for chromium or google-chrome on PATH and $BROWSER_PATH); "
                         "install the system package (apt install chromium) or run `plotly_get_chrome` "
                         "where there is internet access.")


def check_cjk_font() -> str:
    """The first installed CJK family (a preferred one if present); FontMissing if there is none."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontMissing("cannot check for a Chinese font: fc-list is missing; install fontconfig and "
                          "fonts-noto-cjk (apt install fontconfig fonts-noto-cjk).")
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FontMissing(f"cannot check for a Chinese font ({exc}); install fonts-noto-cjk.") from None
    families = {f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()}
    if not families:
        raise FontMissing("no Chinese (CJK) font is installed, so Chinese text would print as boxes; "
                          "install fonts-noto-cjk (apt install fonts-noto-cjk) and try again.")
    return next((f for f in CJK_FAMILIES if f in families), sorted(families)[0])


class Renderer:
    """One warm Chromium (kaleido.Kaleido) on its own event loop; `png()` may be called from any thread."""

    def __init__(self, browser: str | Path | None = None, check_font: bool = True) -> None:
        """check_font=False skips the CJK font check (only to demonstrate tofu in tests)."""
        self.font = check_cjk_font() if check_font else ""
        self.browser = find_browser(browser)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pulse-kaleido", daemon=True)
        self._thread.start()
        self._kaleido: Any = None
        self._call(self._open(), timeout=RENDER_TIMEOUT_S)

    async def _open(self) -> None:
        import kaleido

        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=self.browser)
        try:
            await k.open()
        except Exception as exc:
            raise BrowserMissing(f"the browser {self.browser} did not start ({type(exc).__name__}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else ''}); reinstall Chromium "
                                 "(apt install chromium) or run `plotly_get_chrome`.") from None
        self._kaleido = k

    def _call(self, coro: Any, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise RenderError(f"the browser took longer than {timeout:.0f} s to render; try again.") from None

    def png(self, fig: go.Figure | dict[str, Any], width: int, height: int, scale: float = 1.0) -> bytes:
        opts = {"format": "png", "width": int(width), "height": int(height), "scale": scale}
        try:
            return self._call(self._kaleido.calc_fig(fig, opts=opts), timeout=RENDER_TIMEOUT_S)
        except PulseError:
            raise
        except Exception as exc:
            raise RenderError(f"the browser could not render the figure ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}).") from None

    def write_batch(self, figs: list[tuple[go.Figure, Path, int, int, float]]) -> None:
        """kaleido's own batch export (write_fig_from_object) on this browser: the benchmark's baseline."""
        specs = [{"fig": f, "path": str(p), "opts": {"format": "png", "width": w, "height": h, "scale": s}}
                 for f, p, w, h, s in figs]
        self._call(self._kaleido.write_fig_from_object(specs, cancel_on_error=True), timeout=RENDER_TIMEOUT_S * 4)

    @property
    def alive(self) -> bool:
        return self._kaleido is not None and self._thread.is_alive()

    def close(self) -> None:
        if self._kaleido is not None:
            try:
                self._call(self._kaleido.close(), timeout=30)
            except Exception:  # noqa: BLE001 - closing a dead browser is best effort
                pass
            self._kaleido = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared_renderer(browser: str | Path | None = None) -> Renderer:
    """The process-wide warm renderer (started on first use, closed at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive:
            _shared = Renderer(browser)
            atexit.register(_shared.close)
        return _shared


_warming: threading.Thread | None = None


def warm_up() -> None:
    """Start the shared renderer in the background (once), so the first PNG download finds Chromium
    running. Only where PULSE_PNG_WARM=1 (`pulse serve` sets it; tests and scripts start no browser)."""
    global _warming
    if os.environ.get("PULSE_PNG_WARM") != "1" or _warming is not None:
        return

    def start() -> None:
        try:
            shared_renderer()
        except PulseError:  # no browser or font: the click will say so in one line
            pass

    _warming = threading.Thread(target=start, name="pulse-png-warm-up", daemon=True)
    _warming.start()


def figure_png(fig: go.Figure, width: int | None = None, height: int | None = None, scale: float = 2.0) -> bytes:
    """PNG bytes of any chart at `width` x `height` layout px (default: the figure's size, else 1000 x 500).

    For the app's "PNG download" on every chart: the first call starts Chromium (a few seconds),
    later calls reuse it (well under a second for a dashboard chart).
    """
    width = int(width or fig.layout.width or 1000)
    height = int(height or fig.layout.height or 500)
    return shared_renderer().png(fig, width, height, scale)


def figure_png_later(fig: go.Figure, width: int | None = None, height: int | None = None,
                     scale: float = 2.0) -> Callable[[], bytes]:
    """A zero-argument callable rendering a snapshot of `fig`: pass it as st.download_button(data=...),
    so the PNG is made only when the user clicks (on Streamlit's download thread)."""
    snapshot = go.Figure(fig.to_dict())
    return lambda: figure_png(snapshot, width, height, scale)
