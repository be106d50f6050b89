"""The `mlmarket` command. Imports are deferred to the subcommand that needs them: `--version` and
`scan plan.json` must stay fast, and a plan scan never imports checkov or boto3."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

from mlmarket import __version__
from mlmarket.audit.cli_command import add_audit_parser, run_audit_command

if TYPE_CHECKING:
    from mlmarket.baseline import Comparison, Request
    from mlmarket.engine import Result

FORMATS = ("cli", "json", "sarif", "junit", "markdown")

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

    scan = commands.add_parser(
        "scan", help="scan Terraform directories, `terraform show -json` plans or SageMaker API request files"
    )
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--format", "-o", action="append", choices=FORMATS, dest="formats", metavar="FORMAT",
                      help=f"report format, repeatable: {', '.join(FORMATS)} (default: cli)")
    scan.add_argument("--output-file", action="append", dest="output_files", default=[], metavar="PATH",
                      help="where the report of the --format in the same position goes (default: stdout)")
    scan.add_argument("--seller-account", help="the AWS account that publishes the product (12 digits)")
    scan.add_argument("--publishing-region", help="the region the product is published in")
    scan.add_argument("--config", help="configuration file (default: .mlmarket.yaml found upward)")
    scan.add_argument("--check", action="append", default=[], metavar="IDS",
                      help="run only these rules (comma-separated IDs, wildcards allowed: CKV_MLM_00*)")
    scan.add_argument("--skip-check", action="append", default=[], metavar="IDS",
                      help="skip these rules (comma-separated IDs, wildcards allowed)")
    scan.add_argument("--var-file", dest="variables", action="append", default=[], metavar="FILE",
                      type=lambda path: ("file", path),
                      help="a variables file for Terraform directories (as terraform plan -var-file), repeatable")
    scan.add_argument("--var", dest="variables", action="append", metavar="NAME=VALUE",
                      type=lambda text: ("var", text),
                      help="a variable's value for Terraform directories (as terraform plan -var), repeatable")
    scan.add_argument("--workspace", dest="variables", action="append", metavar="NAME",
                      type=lambda name: ("workspace", name),
                      help="terraform.workspace for Terraform directories (default: TF_WORKSPACE, else the "
                           "workspace `terraform workspace select` chose, else default)")
    scan.add_argument("--request", metavar="OPERATION",
                      help="the PATHs are requests of this SageMaker create operation (CreateModelPackage, ...), "
                           "as `aws sagemaker ... --cli-input-json` takes them (default: from a file name ending "
                           "`.<Operation>.json`)")
    scan.add_argument("--region",
                      help="for request files: the region they are sent to (default: AWS_REGION, AWS_DEFAULT_REGION, "
                           "else the publishing region)")
    scan.add_argument("--source-dir", metavar="DIR",
                      help="for plans: the Terraform source, for its skip comments and file:line locations")
    scan.add_argument("--strict", action="store_true", help="UNKNOWN results fail the scan")
    scan.add_argument("--soft-fail", action="store_true", help="exit 0 even when rules fail (input errors still 2)")
    scan.add_argument("--quiet", "-q", action="store_true", help="cli format: show only failed and unknown results")
    scan.add_argument("--baseline", metavar="FILE",
                      help="findings this baseline holds are reported SUPPRESSED, never failures (default: the "
                           "configuration's `baseline`)")
    scan.add_argument("--create-baseline", nargs="?", const="", metavar="FILE",
                      help="write the failed and unknown findings to a baseline, then apply it (default: the "
                           "configuration's `baseline`, else .mlmarket.baseline.json beside the configuration file)")
    scan.add_argument("--prune-baseline", action="store_true",
                      help="remove the baselined findings that are fixed from the baseline file")
    scan.add_argument("--new-since", metavar="REPORT",
                      help="mark each finding new or existing against the base branch's `--format json` report")
    scan.add_argument("--fail-on", choices=("any", "new"), default="any",
                      help="which findings fail the scan: any (default) or only new ones (needs --new-since)")

    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule_id", metavar="RULE_ID")

    commands.add_parser("checks-dir", help="print the checkov external-checks directory")
    rules = commands.add_parser("rules", help="list the rule catalog")
    rules.add_argument("--format", choices=("table", "json"), default="table")
    limits = commands.add_parser("limits", help="print the Marketplace limits library")
    limits.add_argument("--format", choices=("table", "json"), default="table")
    add_audit_parser(commands)
    return parser


def console_main() -> NoReturn:
    """The `mlmarket` console script and `python -m mlmarket`: `main`, then exit without tearing down.

    Freeing the hundreds of thousands of objects of a large scan one by one costs a tenth of a 3,000-resource
    plan scan (bench/); the operating system reclaims the memory at once. So, like mypy's hard exit, a
    command that returned flushes its output and leaves with `os._exit`. Everything it writes to files is
    closed by then, and no mlmarket command leaves an exit handler or a thread behind. argparse's SystemExit
    takes the normal way out; a bug is one line and exit 2 in `main`. A flush that fails here (a full device)
    is one line and exit 2 too: a report that could not be delivered is never a pass."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`mlmarket scan ... | head`): nothing left to say
        pass
    except OSError as error:  # a report that could not be delivered is not a pass
        code = _undelivered(error)
    try:
        sys.stderr.flush()
    except OSError:  # nowhere left to say it; a warning that could not be said turns a pass into an error
        code = code or EXIT_INPUT_ERROR
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    _never_fail_to_encode()
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
        "explain": _explain,
        "audit": run_audit_command,
    }[args.command]
    try:
        code = handler(args)
    except KeyboardInterrupt:
        print("mlmarket: interrupted", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        # A bug, not the user's input. It must not exit 0 (nor 1, which reads as "a rule failed"): 2, the input
        # could not be scanned, as for any other scan that did not complete. A raw traceback helps nobody in a
        # CI log and may quote input; one line names the exception, and MLMARKET_DEBUG=1 prints the traceback
        # for the bug report.
        return _internal_error(error)
    try:
        sys.stdout.flush()  # here, not only in console_main: an undelivered report is known to every caller
    except BrokenPipeError:
        _silence_stdout()
    except OSError as error:
        return _undelivered(error)
    return code


def _never_fail_to_encode() -> None:
    """An ASCII terminal (`PYTHONIOENCODING=ascii`, `LANG=C`) cannot hold every character of a report or a
    message (a file name such as `stäck/main.tf`): escape those characters instead of raising. Reports are
    escaped in their own format's syntax before they are written (`reports.output.encodable`)."""
    for stream in (sys.stdout, sys.stderr):
        # not a text file (a test's stream), or closed: nothing to configure
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _undelivered(error: OSError) -> int:
    """Standard output failed (a full device, an I/O error): one line, exit 2, and nothing flushed again."""
    _silence_stdout()
    with contextlib.suppress(OSError):
        print(f"mlmarket: error: cannot write the report to standard output: {error.strerror or error}",
              file=sys.stderr)
    return EXIT_INPUT_ERROR


def _silence_stdout() -> None:
    from mlmarket.reports.output import silence_stdout

    silence_stdout()


def _internal_error(error: Exception) -> int:
    from mlmarket.errors import printable

    debug = os.environ.get("MLMARKET_DEBUG", "").strip().lower() not in ("", "0", "false", "no")
    with contextlib.suppress(OSError):
        if debug:
            import traceback

            traceback.print_exception(error, file=sys.stderr)
        message = printable(" ".join(str(error).split()))
        hint = "" if debug else "; rerun with MLMARKET_DEBUG=1 for the traceback"
        print(f"mlmarket: internal error: {type(error).__name__}: {message} (please report{hint})", file=sys.stderr)
    return EXIT_INPUT_ERROR


def _scan(args: argparse.Namespace) -> int:
    import re

    from mlmarket.baseline import NEW, compare
    from mlmarket.errors import InputError
    from mlmarket.model import Verdict
    from mlmarket.reports.output import OutputError, pair_outputs, refuse_inputs, refuse_results_files, write_reports
    from mlmarket.rules import select_rules
    from mlmarket.scan import scan_paths
    from mlmarket.settings import Settings

    if args.seller_account is not None and not re.fullmatch(r"[0-9]{12}", args.seller_account):
        return _usage_error(f"--seller-account {args.seller_account!r} is not a 12-digit AWS account ID")
    try:
        outputs = pair_outputs(args.formats, args.output_files)
        refuse_inputs(outputs, *_scan_inputs(args))
    except OutputError as error:
        return _usage_error(str(error))
    try:
        rules = select_rules(_id_patterns(args.check), _id_patterns(args.skip_check))
        _check_request_options(args)
        comparing = _baseline_request(args, outputs)
    except InputError as error:
        return _usage_error(error.one_line())
    except ValueError as error:  # OutputError too
        return _usage_error(str(error))
    overrides = Settings(seller_account=args.seller_account, publishing_region=args.publishing_region)
    unread_modules: list[str] = []
    try:
        with _cyclic_gc_paused():
            results = scan_paths(
                args.paths, overrides, args.config, rules, args.source_dir, unread_modules, args.variables,
                request=args.request, region=args.region,
            )
    except InputError as error:
        return _usage_error(error.one_line())
    try:
        refuse_results_files(outputs, results)
        comparison = compare(comparing, results, (rule.metadata.id for rule in rules))
        write_reports(results, outputs, quiet=args.quiet, comparison=comparison)
    except InputError as error:
        return _usage_error(error.one_line())
    except OutputError as error:
        return _usage_error(str(error))
    _warn_unread_modules(unread_modules, args.strict)
    _tell_baseline_written(comparing, comparison, results)
    failing = {Verdict.FAILED, Verdict.UNKNOWN} if args.strict else {Verdict.FAILED}
    if args.soft_fail:
        return EXIT_OK
    if args.strict and unread_modules:
        return EXIT_FAILED
    # A finding the baseline accepts never fails the scan, UNKNOWN under --strict included.
    counted = [r for r in results if r.verdict in failing and not r.suppressed]
    if args.fail_on == "new":
        counted = [r for r in counted if r.since_base == NEW]
    return EXIT_FAILED if counted else EXIT_OK


def _check_request_options(args: argparse.Namespace) -> None:
    """`--request` names a supported operation; `--region` is given only with request files (Terraform sets its
    regions in its providers, so there it would be ignored without a word)."""
    from mlmarket.readers.api_request import check_operation, request_operation

    if args.request is not None:
        check_operation(args.request)
    if args.region is not None and not any(request_operation(path, args.request) for path in args.paths):
        raise ValueError(
            "--region applies to SageMaker API request files only; Terraform sets regions in its providers"
        )


def _baseline_request(args: argparse.Namespace, outputs: list[tuple[str, str]]) -> Request:
    """The baseline options, their files read now (a bad one fails before the scan); the baseline file and the
    base report are inputs no report may overwrite, and the baseline to create is neither an input nor a report."""
    from mlmarket.baseline import request
    from mlmarket.reports.output import refuse_inputs, refuse_output_to

    if args.fail_on == "new" and args.new_since is None:
        raise ValueError("--fail-on new needs --new-since REPORT (the base branch's --format json report)")
    comparing = request(
        args.config,
        args.paths[0],
        baseline=args.baseline,
        create=args.create_baseline,
        prune=args.prune_baseline,
        new_since=args.new_since,
    )
    refuse_inputs(outputs, [f for f in (comparing.baseline_file, comparing.new_since) if f], [])
    if comparing.create_file is not None:
        refuse_output_to(outputs, comparing.create_file, "--create-baseline")
        files, folders = _scan_inputs(args)
        files += [comparing.new_since] if comparing.new_since else []
        refuse_inputs([("baseline", comparing.create_file)], files, folders, option="--create-baseline")
    return comparing


def _tell_baseline_written(comparing: Request, comparison: Comparison, results: list[Result]) -> None:
    from mlmarket.errors import printable

    with contextlib.suppress(OSError, ValueError):  # nowhere to say it (closed stderr): the files are written
        if comparing.create_file is not None:
            count = len({r.fingerprint for r in results if r.fingerprint is not None})
            print(f"mlmarket: wrote {count} finding(s) to the baseline {printable(comparing.create_file)}",
                  file=sys.stderr)
        elif comparing.prune and comparison.fixed:
            print(f"mlmarket: removed {len(comparison.fixed)} fixed finding(s) from the baseline "
                  f"{printable(str(comparison.baseline))}", file=sys.stderr)


def _scan_inputs(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """What a scan reads, for `refuse_inputs`: files (the plans, the configuration file given or any that
    discovery could find, from each scanned path upward) and folders (scanned directories, --source-dir)."""
    from mlmarket.reports.output import CONFIG_FILE_NAMES

    files: list[str] = [args.config] if args.config else []
    files += [path for kind, path in args.variables if kind == "file"]
    folders: list[str] = [args.source_dir] if args.source_dir else []
    for path in args.paths:
        (folders if os.path.isdir(path) else files).append(path)
        directory = os.path.abspath(path)
        while True:
            files.extend(os.path.join(directory, name) for name in CONFIG_FILE_NAMES)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return files, folders


def _warn_unread_modules(unread: list[str], strict: bool) -> None:
    """Resources of modules mlmarket could not read were not judged: say so once, and fail under --strict."""
    from mlmarket.errors import printable

    if not unread:
        return
    shown = "; ".join(unread[:5]) + (f"; and {len(unread) - 5} more" if len(unread) > 5 else "")
    consequence = "--strict fails the scan" if strict else "--strict would fail the scan"
    print(
        f"mlmarket: warning: {len(unread)} module call(s) not read (registry or git modules that `terraform init` "
        "has not installed), "
        f"so their resources were not judged ({consequence}): {printable(shown)}",
        file=sys.stderr,
    )


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A scan allocates hundreds of thousands of acyclic objects (the parsed plan, resources, results), which
    reference counting frees; the cyclic collector would walk them over and over for nothing (a tenth of a
    3,000-resource scan, bench/). It is enabled again as soon as the scan is over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _id_patterns(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _explain(args: argparse.Namespace) -> int:
    from mlmarket.rules import get_rule

    try:
        meta = get_rule(args.rule_id.upper()).metadata
    except KeyError:
        return _usage_error(f"unknown rule ID {args.rule_id!r} (see `mlmarket rules`)")
    lines = [
        f"{meta.id}: {meta.title}",
        f"Severity: {meta.severity}{' (deprecated)' if meta.deprecated else ''}",
        f"Seller Guide: {meta.guide_section}",
        f"Resource types: {', '.join(meta.resource_types)}",
        "",
        f"Why: {meta.risk}",
        "",
        "How to fix:",
        meta.remediation,
        "",
        f"Documentation: {meta.docs_url}",
    ]
    return _print_document("".join(f"{line}\n" for line in lines), "cli")


def _usage_error(message: str) -> int:
    from mlmarket.errors import printable

    print(f"mlmarket: error: {printable(message)}", file=sys.stderr)
    return EXIT_INPUT_ERROR


def _print_document(text: str, fmt: str = "json") -> int:
    """Every command's document goes through `write_stdout`, so a full device is one line and exit 2 however
    large the document is, and an ASCII terminal gets it whole (escaped in `fmt`'s syntax)."""
    from mlmarket.reports.output import OutputError, write_stdout

    try:
        write_stdout(text, fmt)
    except OutputError as error:
        return _usage_error(str(error))
    return EXIT_OK


def _checks_dir(args: argparse.Namespace) -> int:
    from mlmarket.checkov_plugin import checks_dir

    return _print_document(checks_dir() + "\n", "cli")


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
        return _print_document(json.dumps(rows, indent=2) + "\n")
    return _print_document("".join(f"{m.id}  {m.severity:<8}  {m.title}\n" for m in metas), "cli")


def _limits(args: argparse.Namespace) -> int:
    import json

    from mlmarket import limits

    data = limits.as_dict()
    if args.format == "json":
        return _print_document(json.dumps(data, indent=2, sort_keys=True) + "\n")
    lines = [f"{name:<36} {value}" for name, value in sorted(data.get("constants", {}).items())]
    lines += [
        f"{name:<36} source: {info.get('source')} (updated {info.get('updated_at')})"
        for name, info in sorted(limits.dataset_info().items())
    ]
    return _print_document("".join(f"{line}\n" for line in lines), "cli")


if __name__ == "__main__":
    console_main()
