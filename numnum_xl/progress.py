"""Progress bars for long work on a terminal (tqdm), silent everywhere else.

One bar per long job (validating, matching duplicates, writing the Exact CSV, sending)::

    with bar(len(rows), desc="rijen gecontroleerd") as b:
        for row in rows:
            ...
            b.update()

A bar is drawn on stderr only when stderr is a terminal (``enabled=None``, the default) or when
``enabled=True``; ``enabled=False`` (``--json``, scripts) makes it a no-op. A bar is also a
``progress(done, total)`` callback, the form the library functions take, so
``check_report(report, progress=b)`` feeds it. Updates may come from several threads.

>>> import io
>>> quiet = io.StringIO()            # not a terminal: nothing is written
>>> with bar(3, desc="rijen", stream=quiet) as b:
...     b.update(); b(3, 3)
>>> quiet.getvalue(), b.done
('', 3)
>>> with bar(2, desc="rijen", enabled=False) as b:
...     b.update(2)
>>> b.done
2
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

#: The bar's look: ``██████░░░░ 120/500 rijen verstuurd · 35/s, nog 00:10``.
BAR_FORMAT = "  {bar:30} {n_fmt}/{total_fmt} {desc} · {rate_fmt}{postfix}, {remaining}"


def stderr_is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is an interactive terminal."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


class Bar:
    """A running bar; see :func:`bar`. ``done`` counts even when nothing is drawn."""

    def __init__(self, total: int, desc: str, enabled: bool | None,
                 stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = stderr_is_terminal(self.stream) if enabled is None else bool(enabled)
        self.total = max(0, int(total))
        self.desc = desc
        self.done = 0
        self._lock = threading.Lock()
        self._tqdm: Any = None
        if self.enabled:
            import shutil

            from tqdm import tqdm

            # a terminal that reports no size (a bare pseudo-terminal) still gets a full line
            size = shutil.get_terminal_size((100, 24))
            self._tqdm = tqdm(total=self.total, desc=desc, file=self.stream, unit="",
                              bar_format=BAR_FORMAT, ascii="░█", ncols=max(60, size.columns),
                              nrows=max(10, size.lines),
                              mininterval=0.1, leave=True)

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units of work."""
        with self._lock:
            self.done += n
            if self._tqdm is not None:
                self._tqdm.update(n)

    def __call__(self, done: int, total: int | None = None) -> None:
        """The ``progress(done, total)`` callback form: set the absolute position."""
        with self._lock:
            if total is not None and total != self.total:
                self.total = max(0, int(total))
                if self._tqdm is not None:
                    self._tqdm.total = self.total
                    self._tqdm.refresh()
            step = done - self.done
            self.done = done
            if self._tqdm is not None and step:
                self._tqdm.update(step)

    def detach(self) -> None:
        """Another process (a forked worker with a copy of this bar) draws it from now on:
        this one stays silent, also when it is closed."""
        with self._lock:
            if self._tqdm is not None:
                self._tqdm.disable = True  # tqdm's close() then writes nothing
                self._tqdm = None

    def close(self) -> None:
        """Draw the final state and end the line (once)."""
        with self._lock:
            if self._tqdm is not None:
                self._tqdm.close()
                self._tqdm = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bar(total: int, *, desc: str, enabled: bool | None = None,
        stream: TextIO | None = None) -> Bar:
    """A progress bar over ``total`` units labelled ``desc`` (a context manager with
    ``.update(n=1)``; also a ``progress(done, total)`` callback). Drawn on ``stream``
    (stderr) when it is a terminal, unless ``enabled`` says otherwise."""
    return Bar(total, desc, enabled, stream)
