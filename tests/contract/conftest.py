from __future__ import annotations

import copy
from pathlib import Path

import pytest
from local_runtime.template import prepare_sam, translate
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def template() -> dict:
    """template.yaml as written (SAM, local paths)."""
    return yaml_parse((ROOT / "template.yaml").read_text())


@pytest.fixture(scope="session")
def translated(template) -> dict:
    """template.yaml as CloudFormation sees it after the SAM transform (offline)."""
    sam = copy.deepcopy(template)
    prepare_sam(sam, ROOT)
    return translate(sam, {}, "eu-west-1")
