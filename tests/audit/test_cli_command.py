"""The `mlmarket audit` command line: usage errors (exit 2), exit-code precedence, region choice, and a cheap import."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from mlmarket import limits
from mlmarket.audit import AuditOutcome, Unreadable
from mlmarket.audit.cli_command import (
    EXIT_FAILED,
    EXIT_INCOMPLETE,
    EXIT_INPUT_ERROR,
    EXIT_OK,
    _regions,
    _report,
    add_audit_parser,
    run_audit_command,
)
from mlmarket.engine import Result
from mlmarket.model import Verdict


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mlmarket")
    add_audit_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["audit", *argv])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "no region to audit: give --region REGION (repeatable) or --all-publishing-regions, or set AWS_REGION"),
        (("--region", "US_EAST"), "--region 'US_EAST' is not a region name"),
        (("--region", "us-east-1", "--profile", "nope"), "The config profile (nope) could not be found"),
        (("--region", "us-east-1", "--max-attempts", "0"), "--max-attempts must be at least 1"),
        (
            ("--region", "us-east-1", "--format", "json", "--output-file", "a", "--output-file", "b"),
            "more --output-file than --format options",
        ),
        (
            ("--region", "us-east-1", "--format", "json", "--format", "cli"),
            "only one --format can go to standard output; give the others an --output-file",
        ),
        (
            ("--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"),
            "Unable to locate credentials: give --profile, or set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(no_aws, capsys, argv, message):
    assert run_audit_command(parse(*argv)) == EXIT_INPUT_ERROR
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"mlmarket: error: {message}\n")


def test_a_config_file_that_fails_its_schema_exits_2(no_aws, tmp_path, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("image_size_budget_gib: -1\n")
    assert run_audit_command(parse("--region", "us-east-1", "--config", str(config))) == EXIT_INPUT_ERROR
    assert capsys.readouterr().err == (
        f"mlmarket: error: {config}: image_size_budget_gib: -1 is less than or equal to the minimum of 0\n"
    )


def test_all_publishing_regions_adds_every_publishing_region_once():
    args = parse("--region", "af-south-1", "--region", "us-east-1", "--all-publishing-regions")
    regions = _regions(args)
    assert regions[:2] == ["af-south-1", "us-east-1"]
    assert sorted(regions[1:]) == sorted(limits.publishing_regions())
    assert len(regions) == len(set(regions))


def result(verdict: Verdict) -> Result:
    return Result("CKV_MLM_019", "t", "HIGH", "addr", verdict, "m", None, None, "aws_ecr_image")


@pytest.mark.parametrize(
    ("verdicts", "unreadable", "strict", "code"),
    [
        ((Verdict.PASSED,), False, False, EXIT_OK),
        ((Verdict.PASSED, Verdict.UNKNOWN), False, False, EXIT_OK),
        ((Verdict.PASSED, Verdict.UNKNOWN), False, True, EXIT_FAILED),
        ((Verdict.FAILED,), False, False, EXIT_FAILED),
        ((Verdict.PASSED,), True, False, EXIT_INCOMPLETE),
        ((Verdict.FAILED,), True, False, EXIT_INCOMPLETE),  # incomplete wins over a failure
    ],
)
def test_exit_codes(capsys, verdicts, unreadable, strict, code):
    failures = [Unreadable("us-east-1", "ecr", "DescribeImages", "ThrottlingException")] if unreadable else []
    outcome = AuditOutcome(results=[result(v) for v in verdicts], unreadable=failures)
    assert _report(outcome, [("json", "-")], strict) == code
    err = capsys.readouterr().err
    assert ("audit incomplete" in err) is unreadable


def test_importing_the_command_imports_neither_boto3_nor_the_rules():
    probe = (
        "import sys, mlmarket.audit.cli_command;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'yaml', 'jsonschema'}),"
        "'mlmarket.rules' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout == "[] False\n"
