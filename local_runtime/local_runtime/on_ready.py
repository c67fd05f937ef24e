"""``--on-ready CMD``: commands run once the runtime serves, e.g. to load demo data through the API.

Each command runs through the shell, one after the other, on a background thread, with the runtime's
environment plus ``LOCAL_API_URL`` (the base URL). Its output is printed line by line with a
``[on-ready]`` prefix; a non-zero exit is a warning only: the runtime keeps running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

PREFIX = "[on-ready] "


class OnReady:
    """Runs ``commands`` in order on a daemon thread; ``stop()`` ends the one still running."""

    def __init__(
        self,
        commands: Sequence[str],
        url: str,
        *,
        out: TextIO | None = None,
        err: TextIO | None = None,
        cwd: str | None = None,
    ) -> None:
        self.commands = list(commands)
        self.url = url
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.cwd = cwd
        self.exit_codes: list[int] = []
        self._proc: subprocess.Popen[str] | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run_all, name="on-ready", daemon=True)

    def start(self) -> OnReady:
        if self.commands:
            self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> bool:
        """True once every command has finished (or none was given)."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """No further command starts; the running one is terminated (killed after 2 s)."""
        self._stopped.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
        self.join(timeout=2)

    @staticmethod
    def _signal(proc: subprocess.Popen[str], signum: int) -> None:
        """Signal the command's own process group (the shell and what it started), else the shell."""
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signum)
            else:
                proc.kill()
        except OSError:
            pass

    def _run_all(self) -> None:
        env = {**os.environ, "LOCAL_API_URL": self.url}
        for command in self.commands:
            if self._stopped.is_set():
                return
            self.exit_codes.append(self._run(command, env))

    def _run(self, command: str, env: dict[str, str]) -> int:
        try:
            proc = subprocess.Popen(
                command,
                shell=True,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                # Its own process group: stop() ends the shell and its children, nothing else.
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            self._warn(f"on-ready command could not start ({exc}): {command}")
            return -1
        self._proc = proc
        assert proc.stdout is not None
        for line in proc.stdout:
            print(PREFIX + line.rstrip("\n"), file=self.out, flush=True)
        code = proc.wait()
        if code != 0 and not self._stopped.is_set():
            self._warn(f"on-ready command exited with {code} (the runtime keeps running): {command}")
        return code

    def _warn(self, message: str) -> None:
        print(f"local runtime: WARNING: {message}", file=self.err, flush=True)
