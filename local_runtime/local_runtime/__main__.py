"""``python -m local_runtime --template template.yaml --port 3000``: run a SAM app locally, no Docker.

Provisions everything in in-process moto, serves the API and the ``/_local/`` endpoints, prints what
is running, and stops cleanly on Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _unshadow_package() -> None:
    """Make ``python -m local_runtime`` work from the repository root.

    There the project directory ``local_runtime/`` (no ``__init__.py``) is found on sys.path[0] before
    the editable install's finder runs, so ``local_runtime`` becomes an empty namespace package. Put the
    real package's parent first and import it afresh.
    """
    package = sys.modules.get("local_runtime")
    if package is not None and getattr(package, "__file__", None) is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        for name in [m for m in sys.modules if m == "local_runtime" or m.startswith("local_runtime.")]:
            del sys.modules[name]


_unshadow_package()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local_runtime", description=__doc__.splitlines()[0])
    parser.add_argument("--template", "-t", default="template.yaml", help="SAM template (default: template.yaml)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--port",
        "-p",
        type=int,
        default=int(os.environ.get("PORT") or 3000),
        help="port to serve on (default $PORT or 3000; 0 = any free port)",
    )
    parser.add_argument(
        "--s3-port",
        type=int,
        default=int(os.environ.get("S3_PORT") or 0),
        help="port S3 listens on for browsers' presigned uploads and downloads (default $S3_PORT or 0 = any free "
        "port; presigned URLs name it)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="template parameter override (repeatable)",
    )
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1.0,
        help="virtual clock speed for schedules, waits and timers (default 1.0)",
    )
    parser.add_argument("--stack-name", default="local", help="stack name (AWS::StackName)")
    parser.add_argument(
        "--allow-remote-tokens",
        action="store_true",
        help="let /_local/token mint tokens although --host is not a loopback address (trusted networks only)",
    )
    parser.add_argument(
        "--on-ready",
        action="append",
        default=[],
        metavar="CMD",
        help="shell command to run once the API serves, with LOCAL_API_URL set (repeatable; run in order; "
        "output prefixed; a failure is only a warning)",
    )
    parser.add_argument(
        "--build-dir",
        metavar="DIR",
        help="run what `python -m local_runtime.sam_build --target host` (or sam build) wrote to DIR: its "
        "template.yaml, each function's built folder and layers; functions import only what ships",
    )
    parser.add_argument(
        "--log-format",
        choices=["pretty", "json"],
        default=os.environ.get("LOG_FORMAT") or "pretty",
        help="pretty (default, or $LOG_FORMAT): one line per invocation and per event, errors with their "
        "traceback; json: every line functions print (Powertools records, EMF metrics) as printed",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        default=os.environ.get("QUIET", "") not in ("", "0", "false"),
        help="errors only (and the banner); also $QUIET=1",
    )
    args = parser.parse_args(argv)
    params: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--param needs KEY=VALUE, got {item!r}")
        params[key] = value
    args.parameters = params
    return args


def _line(*cols: str) -> str:
    return "  " + "  ".join(cols).rstrip()


def banner(summary: dict[str, Any], url: str, seconds: float) -> str:
    """Human summary of what runs: routes, functions, rules, state machines, schedules, dev endpoints."""
    from .local_endpoints import ENDPOINTS

    out = [f"local runtime: stack {summary.get('stack')} ready in {seconds:.2f} s on {url}", ""]
    routes = summary.get("routes") or []
    out.append(f"Routes ({len(routes)}):")
    width = max((len(r["path"]) for r in routes), default=0)
    for r in routes:
        out.append(_line(f"{r['method']:<7}", f"{url}{r['path']:<{width}}", f"-> {r['function']}", f"[{r['auth']}]"))
    functions = summary.get("functions") or []
    out += ["", f"Functions ({len(functions)}):"]
    out += [_line(f"{f['logical_id']}", f"{f.get('handler', '')}", f"({f.get('code_dir', '')})") for f in functions]
    rules = summary.get("rules") or []
    if rules:
        out += ["", f"Rules ({len(rules)}):"]
        for r in rules:
            trigger = r.get("schedule") or json.dumps(r.get("pattern"), separators=(",", ":"))
            targets = ", ".join(str(t).rsplit(":", 1)[-1] for t in r.get("targets") or [])
            out.append(_line(f"{r.get('name')}", f"on {r.get('bus') or 'default'}:", trigger, f"-> {targets}"))
    machines = summary.get("state_machines") or []
    if machines:
        out += ["", f"State machines ({len(machines)}):"]
        out += [_line(str(m.get("logical_id")), str(m.get("physical_id"))) for m in machines]
    schedules = summary.get("schedules") or []
    if schedules:
        out += ["", f"Schedules ({len(schedules)}):"]
        out += [
            _line(
                str(s.get("name")),
                str(s.get("expression")),
                f"-> {str(s.get('target')).rsplit(':', 1)[-1]}",
                f"next {s.get('next')}",
            )
            for s in schedules
        ]
    skipped = summary.get("not_emulated") or []
    if skipped:
        out += ["", "Not emulated: " + ", ".join(f"{s['logical_id']} ({s['type']})" for s in skipped)]
    if summary.get("s3_url"):
        out += ["", f"S3 for browsers (presigned URLs point here): {summary['s3_url']}"]
    out += ["", "Local endpoints:"]
    out += [_line(f"{m:<5}", f"{url}{p}", f"  {d}") for m, p, d in ENDPOINTS]
    out += ["", "Ctrl-C to stop."]
    return "\n".join(out)


def network_warning(host: str, allow_remote_tokens: bool) -> str | None:
    """What to tell the developer when the runtime is reachable from other machines (None on loopback)."""
    from .local_endpoints import is_loopback

    if is_loopback(host):
        return None
    if allow_remote_tokens:
        tokens = (
            "/_local/token mints tokens for ANY user and group for anyone who can reach this port "
            "(--allow-remote-tokens)."
        )
    else:
        tokens = "/_local/token is disabled; pass --allow-remote-tokens to enable it on a trusted network."
    return (
        f"local runtime: WARNING: listening on {host}, not a loopback address: the API and /_local/ are "
        f"reachable from other machines, and so is S3 (every bucket, without credentials). {tokens}"
    )


# Third-party loggers that talk too much at INFO (samtranslator also warns about its feature toggles).
_QUIET = {
    "botocore": logging.WARNING,
    "boto3": logging.WARNING,
    "urllib3": logging.WARNING,
    "werkzeug": logging.WARNING,
    "samtranslator": logging.WARNING,
    "samtranslator.feature_toggle": logging.ERROR,
}


REQUEST_LOGGER = "local_runtime.http.requests"  # one line per API request answered by a function


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy, level in _QUIET.items():
        logging.getLogger(noisy).setLevel(level)
    from .console import configure

    configure(args.log_format, quiet=args.quiet)
    if args.log_format == "pretty":  # the invocation's own line says the same, with its correlation id
        logging.getLogger(REQUEST_LOGGER).setLevel(logging.WARNING)
    started = time.perf_counter()
    from . import LocalRuntime

    rt = LocalRuntime(
        Path(args.build_dir) / "template.yaml" if args.build_dir else args.template,
        port=args.port,
        host=args.host,
        clock_speed=args.clock_speed,
        parameters=args.parameters,
        stack_name=args.stack_name,
        shipped_code_only=bool(args.build_dir),
        s3_port=args.s3_port,
    )
    rt.allow_remote_tokens = args.allow_remote_tokens  # read by http_server.serve (LocalEndpoints)
    warning = network_warning(args.host, args.allow_remote_tokens)
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        if stop.is_set():  # a second Ctrl-C: a handler is stuck and threads cannot be killed
            os._exit(130)
        stop.set()

    # Installed explicitly, not left to Python's default: a process started from a background job
    # inherits SIGINT as *ignored*, and Ctrl-C (or a supervisor's SIGINT) must still stop the runtime.
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        rt.start()
    except OSError as exc:
        print(f"local runtime: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        rt.stop()
        return 1
    elapsed = time.perf_counter() - started
    print(banner(rt.summary(), rt.url, elapsed), flush=True)
    if warning:
        print(f"\n{warning}", file=sys.stderr, flush=True)
    from .on_ready import OnReady

    hooks = OnReady(args.on_ready, rt.url).start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nlocal runtime: stopping...", flush=True)
    hooks.stop()
    rt.stop()
    print("local runtime: stopped.", flush=True)
    deadline = time.monotonic() + 2
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.current_thread()):
        # A handler still running cannot be killed, and Python would wait for it at exit.
        print("local runtime: a handler is still running; exiting without waiting for it.", flush=True)
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
