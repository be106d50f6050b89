"""The `mlmarket audit` command: a read-only compliance audit of the AWS account the credentials belong to.

Exit codes:
  0  the audit read everything it looked for, and no rule failed;
  1  a rule failed (with --strict, an UNKNOWN result too), and everything was read;
  2  bad input or usage: an unknown option or profile, no region, no or rejected credentials, a configuration
     file that fails its schema, an output file that cannot be written;
  3  the audit is incomplete: some reads still failed after the retries (throttling, 5xx, AccessDenied, a
     region that cannot be reached). The report covers what was read and lists what was not. 3 wins over 1:
     a partial audit is never evidence about the whole account, and its failures are in the report anyway.

Importing this module is cheap (the `mlmarket` parser imports it for every command): boto3, the rules and the
reports are imported only when an audit runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT_ERROR = 2
EXIT_INCOMPLETE = 3

FORMATS = ("cli", "json", "sarif", "junit", "markdown")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+$")
_QUIET_CI_VALUES = ("", "0", "false", "no")


class UsageError(Exception):
    """A command line the audit cannot run (exit code 2)."""


def add_audit_parser(subparsers: Any) -> argparse.ArgumentParser:
    audit = subparsers.add_parser(
        "audit",
        help="audit a live AWS account, read-only (SageMaker and ECR, with boto3)",
        description=(
            "Read the SageMaker models, endpoint configurations, endpoints, unversioned model packages, algorithms, "
            "recent training jobs and ECR images of the account the credentials belong to, and judge them with "
            "the mlmarket rules. Read-only: only the operations of policies/iam/mlmarket-audit-policy.json are "
            "ever called. Exit codes: 0 clean, 1 a rule failed, 2 bad input or usage, 3 audit incomplete."
        ),
    )
    audit.add_argument(
        "--region",
        action="append",
        default=[],
        dest="regions",
        metavar="REGION",
        help="a region to audit, repeatable (default: the profile's or AWS_REGION's region)",
    )
    audit.add_argument(
        "--all-publishing-regions",
        action="store_true",
        help="audit every region AWS Marketplace publishes ML products from",
    )
    audit.add_argument("--profile", help="the AWS profile to use (default: the standard credential chain)")
    audit.add_argument("--endpoint-url", help="send every API call to this endpoint (a local emulator such as moto)")
    audit.add_argument(
        "--format",
        "-o",
        action="append",
        choices=FORMATS,
        dest="formats",
        metavar="FORMAT",
        help=f"report format, repeatable: {', '.join(FORMATS)} (default: cli)",
    )
    audit.add_argument(
        "--output-file",
        action="append",
        dest="output_files",
        default=[],
        metavar="PATH",
        help="where the report of the --format in the same position goes (default: stdout)",
    )
    audit.add_argument("--config", help="configuration file (default: .mlmarket.yaml found from the current directory)")
    audit.add_argument("--publishing-region", help="the region the products are published from (CKV_MLM_006)")
    audit.add_argument("--strict", action="store_true", help="UNKNOWN results fail the audit")
    audit.add_argument(
        "--max-attempts",
        type=int,
        metavar="N",
        help="attempts per API call before a read counts as failed (default: 8, adaptive retries)",
    )
    return audit


def run_audit_command(args: argparse.Namespace) -> int:
    from mlmarket.errors import InputError
    from mlmarket.reports.output import OutputError, pair_outputs
    from mlmarket.settings import Settings, resolve

    try:
        outputs = pair_outputs(args.formats, args.output_files)
    except OutputError as error:
        return _usage_error(str(error))
    if args.max_attempts is not None and args.max_attempts < 1:
        return _usage_error("--max-attempts must be at least 1")
    if args.publishing_region is not None and not _REGION.match(args.publishing_region):
        return _usage_error(f"--publishing-region {args.publishing_region!r} is not a region name")
    try:
        settings = resolve(os.getcwd(), Settings(publishing_region=args.publishing_region), args.config)
    except InputError as error:
        return _usage_error(error.one_line())

    from mlmarket.audit import AuditSetupError, run_audit

    try:
        regions = _regions(args)
        progress = _progress()
        try:
            outcome = run_audit(
                regions, args.profile, args.endpoint_url, settings, max_attempts=args.max_attempts, progress=progress
            )
        finally:
            if progress is not None:
                progress.stop()
    except (AuditSetupError, UsageError) as error:
        return _usage_error(str(error))
    return _report(outcome, outputs, args.strict)


def _regions(args: argparse.Namespace) -> list[str]:
    regions = list(dict.fromkeys(args.regions))
    if args.all_publishing_regions:
        from mlmarket import limits

        regions.extend(sorted(limits.publishing_regions() - set(regions)))
    for region in regions:
        if not _REGION.match(region):
            raise UsageError(f"--region {region!r} is not a region name")
    return regions


def _report(outcome: Any, outputs: list[tuple[str, str]], strict: bool) -> int:
    from mlmarket.audit.report import render_unreadable
    from mlmarket.model import Verdict
    from mlmarket.reports.output import OutputError, cli_on_stdout, write_reports

    incomplete = render_unreadable(outcome.unreadable)
    try:
        write_reports(outcome.results, outputs, cli_suffix=incomplete)
    except OutputError as error:
        return _usage_error(str(error))
    if incomplete and not cli_on_stdout(outputs):
        sys.stderr.write(incomplete)
    if outcome.unreadable:
        return EXIT_INCOMPLETE
    failing = {Verdict.FAILED, Verdict.UNKNOWN} if strict else {Verdict.FAILED}
    return EXIT_FAILED if any(r.verdict in failing for r in outcome.results) else EXIT_OK


def _progress() -> Any:
    """Regions and services as they complete, on a terminal only: silent in CI, in pipes, and without rich."""
    if not sys.stderr.isatty() or os.environ.get("CI", "").strip().lower() not in _QUIET_CI_VALUES:
        return None
    try:
        return _RichProgress()
    except ImportError:
        return None


class _RichProgress:
    """audit.Progress on a terminal: a bar over every planned read, and a line per read as it completes."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._task: Any = None

    def begin(self, reads: list[tuple[str, str]]) -> None:
        self._progress.start()
        self._task = self._progress.add_task("Reading AWS", total=len(reads))

    def done(self, region: str, what: str, items: int, failed: bool) -> None:
        mark = "[red]incomplete[/red]" if failed else "[green]read[/green]"
        self._progress.console.print(f"{mark} {region} {what}: {items}", highlight=False)
        self._progress.advance(self._task)

    def stop(self) -> None:
        self._progress.stop()


def _usage_error(message: str) -> int:
    print(f"mlmarket: error: {message}", file=sys.stderr)
    return EXIT_INPUT_ERROR
