"""The catalog's own contract: every rule is complete (metadata, docs, examples, tests, checkov check)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import subprocess
import sys

import jsonschema
import pytest

from mlmarket.checkov_plugin import checks_dir
from mlmarket.rules import all_rules, rule_ids

from support import EXAMPLES, REPO

CATALOG = tuple(f"CKV_MLM_{n:03d}" for n in range(1, 18))
SCHEMA = json.loads((REPO / "policies/schemas/rule-metadata.schema.json").read_text())
DOC_SECTIONS = ("## Description", "## Example failing Terraform", "## Output", "## Why", "## How to fix")


def test_the_catalog_of_design_md_is_implemented():
    assert set(CATALOG) <= set(rule_ids())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_rule_id_file_and_class_agree(rule):
    meta = rule.metadata
    assert type(rule).__name__ == meta.id
    assert type(rule).__module__ == f"mlmarket.rules.{meta.id.lower()}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_metadata_is_valid(rule):
    # Through JSON, as a consumer of `mlmarket rules --format json` sees it (tuples become arrays).
    jsonschema.validate(json.loads(json.dumps(dataclasses.asdict(rule.metadata))), SCHEMA)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_rule_has_a_docs_page_with_every_section(rule):
    page = REPO / "docs" / "rules" / f"{rule.metadata.id}.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {rule.metadata.id}: {rule.metadata.title}\n")
    positions = [text.find(section) for section in DOC_SECTIONS]
    assert -1 not in positions, f"{page} lacks a section of {DOC_SECTIONS}"
    assert positions == sorted(positions)


TERRAFORM_RULES = [r for r in all_rules() if "terraform" in r.metadata.sources]


def test_audit_only_rules_are_exactly_018_and_019():
    # Terraform never produces their results (image size and scan findings exist only in ECR), so they have
    # no Terraform examples; their pass and fail cases are the audit's seeded images (tests/audit).
    assert {r.metadata.id for r in all_rules() if "terraform" not in r.metadata.sources} == {
        "CKV_MLM_018", "CKV_MLM_019"}


@pytest.mark.parametrize("rule", TERRAFORM_RULES, ids=lambda r: r.metadata.id)
def test_rule_has_pass_and_fail_examples(rule):
    names = set()
    for tf in (EXAMPLES / "rules" / rule.metadata.id).rglob("*.tf"):
        names.update(re.findall(r'^(?:resource|data)\s+"[\w]+"\s+"(\w+)"', tf.read_text(), flags=re.M))
    assert any(n.startswith("pass_") for n in names), "no pass_ example"
    assert any(n.startswith("fail_") for n in names), "no fail_ example"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_rule_has_a_test_module(rule):
    assert (REPO / "tests" / "rules" / f"test_{rule.metadata.id.lower()}.py").is_file()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_rule_has_a_checkov_check(rule):
    module = importlib.import_module(f"mlmarket.checkov_plugin.checks.mlmarket_{rule.metadata.id.lower()}")
    assert module.check.id == rule.metadata.id
    assert type(module.check).__name__ == rule.metadata.id
    assert sorted(module.check.supported_resources) == sorted(rule.metadata.resource_types)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_the_stand_in_for_an_unloadable_check_covers_every_type_the_rule_judges(rule):
    from fnmatch import fnmatchcase

    from mlmarket.checkov_plugin.unloadable import JUDGED_TYPE_PATTERNS

    uncovered = [t for t in rule.metadata.resource_types if not any(fnmatchcase(t, p) for p in JUDGED_TYPE_PATTERNS)]
    assert uncovered == []


def test_checks_dir_holds_only_init_and_one_module_per_rule():
    from pathlib import Path

    names = sorted(p.name for p in Path(checks_dir()).iterdir() if p.name != "__pycache__")
    assert names == ["__init__.py", *sorted(f"mlmarket_{i.lower()}.py" for i in rule_ids())]


def test_docs_index_is_current():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts/gen_rule_docs_index.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
