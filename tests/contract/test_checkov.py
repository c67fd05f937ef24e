"""checkov on the template as CloudFormation deploys it (after the SAM transform): every failing check is
fixed or listed, with its reason, in docs/checkov-skips.yaml, and nothing listed there passes by now.

checkov runs from its own venv (.venv-checkov, `make test` installs it from constraints-checkov.txt): its
pins conflict with ours. It runs offline (no policy download, no guideline mapping).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
SKIPS = ROOT / "docs" / "checkov-skips.yaml"


@pytest.fixture(scope="module")
def failing(translated, tmp_path_factory) -> dict[str, set[str]]:
    """check id -> logical ids of the resources failing it."""
    if not CHECKOV.is_file():
        pytest.fail(f"checkov is missing: run `make test` (it installs {CHECKOV.parents[1].name})")
    folder = tmp_path_factory.mktemp("checkov")
    (folder / "template.json").write_text(json.dumps(translated, indent=1, default=str))
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}
    run = subprocess.run(
        [str(CHECKOV), "--file", "template.json", "--framework", "cloudformation", "--output", "json"]
        + ["--compact", "--quiet", "--skip-download"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode in (0, 1), run.stderr[-3000:]
    report = json.loads(run.stdout)
    reports = report if isinstance(report, list) else [report]
    assert [r["check_type"] for r in reports] == ["cloudformation"]
    assert reports[0]["summary"]["parsing_errors"] == 0
    found: dict[str, set[str]] = defaultdict(set)
    for check in reports[0]["results"]["failed_checks"]:
        found[check["check_id"]].add(check["resource"].rpartition(".")[2])
    return dict(found)


@pytest.fixture(scope="module")
def skips() -> list[dict]:
    return yaml.safe_load(SKIPS.read_text())["skips"]


def test_every_skip_says_why_in_one_line(skips):
    ids = [s["check"] for s in skips]
    assert len(ids) == len(set(ids)), "one entry per check"
    for skip in skips:
        assert set(skip) <= {"check", "resources", "reason"}, skip
        reason = skip.get("reason", "")
        assert isinstance(reason, str) and len(reason) > 20 and "\n" not in reason.strip(), skip["check"]


def test_checkov_finds_nothing_that_is_not_listed_with_a_reason(failing, skips):
    listed = {s["check"]: set(s.get("resources") or ()) for s in skips}
    unlisted = {}
    for check, resources in failing.items():
        if check not in listed:
            unlisted[check] = sorted(resources)
        elif listed[check] and resources - listed[check]:  # a skip naming resources covers only those
            unlisted[check] = sorted(resources - listed[check])
    assert unlisted == {}, "fix these, or list them in docs/checkov-skips.yaml"


def test_no_skip_is_stale(failing, skips):
    stale = []
    for skip in skips:
        resources = set(skip.get("resources") or ())
        failing_now = failing.get(skip["check"], set())
        if not failing_now or resources - failing_now:
            stale.append((skip["check"], sorted(resources - failing_now) if resources else "passes everywhere"))
    assert stale == [], "these pass now: remove them from docs/checkov-skips.yaml"
