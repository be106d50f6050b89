"""The `mlmarket` command. Imports are deferred to the subcommand that needs them: `--version` and
`scan plan.json` must stay fast, and a plan scan never imports checkov or boto3."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mlmarket import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlmarket",
        description="Check Terraform for AWS Marketplace machine-learning product restrictions.",
    )
    parser.add_argument("--version", action="version", version=f"mlmarket {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="scan Terraform directories or `terraform show -json` plans")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--format", "-o", choices=("cli", "json"), default="cli")
    scan.add_argument("--seller-account", help="the AWS account that publishes the product (12 digits)")
    scan.add_argument("--publishing-region", help="the region the product is published in")
    scan.add_argument("--config", help="configuration file (default: .mlmarket.yaml found upward)")
    scan.add_argument("--strict", action="store_true", help="UNKNOWN results fail the scan")

    commands.add_parser("checks-dir", help="print the checkov external-checks directory")
    rules = commands.add_parser("rules", help="list the rule catalog")
    rules.add_argument("--format", choices=("table", "json"), default="table")
    limits = commands.add_parser("limits", help="print the Marketplace limits library")
    limits.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT_ERROR
    handler = {
        "scan": _scan,
        "checks-dir": _checks_dir,
        "rules": _rules,
        "limits": _limits,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("mlmarket: interrupted", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except BrokenPipeError:
        return EXIT_OK


def _scan(args: argparse.Namespace) -> int:
    import re

    from mlmarket.errors import InputError
    from mlmarket.model import Verdict
    from mlmarket.reports import render
    from mlmarket.scan import scan_paths
    from mlmarket.settings import Settings

    if args.seller_account is not None and not re.fullmatch(r"[0-9]{12}", args.seller_account):
        return _usage_error(f"--seller-account {args.seller_account!r} is not a 12-digit AWS account ID")
    overrides = Settings(seller_account=args.seller_account, publishing_region=args.publishing_region)
    try:
        results = scan_paths(args.paths, overrides, args.config)
    except InputError as error:
        print(f"mlmarket: error: {error.one_line()}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    sys.stdout.write(render(results, args.format, color=args.format == "cli" and sys.stdout.isatty()))
    failing = {Verdict.FAILED, Verdict.UNKNOWN} if args.strict else {Verdict.FAILED}
    return EXIT_FAILED if any(r.verdict in failing for r in results) else EXIT_OK


def _usage_error(message: str) -> int:
    print(f"mlmarket: error: {message}", file=sys.stderr)
    return EXIT_INPUT_ERROR


def _checks_dir(args: argparse.Namespace) -> int:
    from mlmarket.checkov_plugin import checks_dir

    print(checks_dir())
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    import json

    from mlmarket.rules import all_rules

    metas = [rule.metadata for rule in all_rules()]
    if args.format == "json":
        rows = [
            {
                "id": m.id,
                "title": m.title,
                "severity": m.severity,
                "guide_section": m.guide_section,
                "resource_types": list(m.resource_types),
                "deprecated": m.deprecated,
                "docs_url": m.docs_url,
            }
            for m in metas
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for m in metas:
        print(f"{m.id}  {m.severity:<8}  {m.title}")
    return EXIT_OK


def _limits(args: argparse.Namespace) -> int:
    import json

    from mlmarket import limits

    data = limits.as_dict()
    if args.format == "json":
        print(json.dumps(data, indent=2, sort_keys=True))
        return EXIT_OK
    for name, value in sorted(data.get("constants", {}).items()):
        print(f"{name:<36} {value}")
    for name, info in sorted(limits.dataset_info().items()):
        print(f"{name:<36} source: {info.get('source')} (updated {info.get('updated_at')})")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
