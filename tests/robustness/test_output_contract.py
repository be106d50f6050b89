"""The CLI contract on the way out, under hostile conditions: every error is exactly one line whatever the file
names hold, a report is complete on an ASCII terminal, a report that cannot be delivered (a full device) is exit
2 and one line, and a bug is exit 2 and one line, never a traceback and never a pass."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import EXAMPLES, REPO, made_result, run_cli

SERVERLESS = EXAMPLES / "serverless_endpoint"
FULL = "/dev/full"
needs_dev_full = pytest.mark.skipif(not os.path.exists(FULL), reason="/dev/full exists on Linux only")
NO_SPACE = "mlmarket: error: cannot write the report to standard output: No space left on device\n"


def digest(root) -> dict[str, str]:
    return {
        os.path.relpath(os.path.join(d, n), root): hashlib.sha256(Path(d, n).read_bytes()).hexdigest()
        for d, _, names in os.walk(root)
        for n in names
    }


def violating_stack(parent, name: str | bytes):
    """The serverless example (CKV_MLM_009 fails on it) under a directory named `name`."""
    target = os.path.join(os.fsencode(parent), os.fsencode(name))
    os.mkdir(target)
    for file in ("main.tf", "plan.json"):
        shutil.copyfile(SERVERLESS / file, os.path.join(target, file.encode()))
    return os.fsdecode(target)


def assert_serverless_failed(results: list[dict]) -> None:
    verdicts = {r["address"]: r["verdict"] for r in results if r["rule_id"] == "CKV_MLM_009"}
    assert verdicts == {
        "aws_sagemaker_endpoint_configuration.serverless": "FAILED",
        "aws_sagemaker_endpoint_configuration.instance_based": "PASSED",
    }


# One line, always -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("two\nlines", "two\\nlines"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("escape\x1b[31mred", "escape\\x1b[31mred"),
        ("separator\u2028here", "separator\\u2028here"),
        ("bidi\u202eoverride", "bidi\\u202eoverride"),
        (b"not-utf8-\xff", "not-utf8-\\xff"),
        ("accents-stay-é", "accents-stay-é"),
    ],
    ids=["newline", "carriage_return", "terminal_escape", "line_separator", "bidi_override", "non_utf8", "accent"],
)
def test_an_error_naming_a_hostile_file_name_is_exactly_one_line(tmp_path, name, shown):
    empty = os.path.join(os.fsencode(tmp_path), os.fsencode(name))
    os.mkdir(empty)
    result = run_cli("scan", os.fsdecode(empty))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"mlmarket: error: {tmp_path}/{shown}: no Terraform files (*.tf, *.tf.json) found\n"


def test_a_missing_path_holding_a_newline_is_one_line():
    result = run_cli("scan", "no\nsuch")
    assert (result.returncode, result.stderr) == (2, "mlmarket: error: no\\nsuch: no such file or directory\n")


def test_input_error_one_line_escapes_path_and_problem():
    from mlmarket.errors import InputError

    error = InputError(os.fsdecode(b"dir\n/bad\xff.tf"), "line one\nline two\x1b[2J\u2029", line=3)
    assert error.one_line() == "dir\\n/bad\\xff.tf:3: line one line two\\x1b[2J"
    assert str(error) == error.one_line()


def test_a_non_utf8_file_name_in_a_violating_stack_is_scanned_not_crashed_on(tmp_path):
    stack = violating_stack(tmp_path, b"stack-\xff")
    os.rename(os.path.join(os.fsencode(stack), b"main.tf"), os.path.join(os.fsencode(stack), b"main-\xfe.tf"))
    os.remove(os.path.join(stack, "plan.json"))
    report = tmp_path / "report.json"
    on_terminal = run_cli("scan", stack)
    assert (on_terminal.returncode, on_terminal.stderr) == (1, "")
    assert "FAILED CKV_MLM_009 aws_sagemaker_endpoint_configuration.serverless" in on_terminal.stdout
    to_file = run_cli("scan", stack, "--format", "json", "--output-file", str(report))
    assert (to_file.returncode, to_file.stderr, to_file.stdout) == (1, "", "")
    document = json.loads(report.read_bytes().decode("utf-8"))
    assert_serverless_failed(document["results"])
    assert {r["file"] for r in document["results"]} == {f"{tmp_path}/stack-\\xff/main-\\xfe.tf"}


def test_a_file_name_cannot_forge_a_line_of_the_cli_report(tmp_path):
    stack = violating_stack(tmp_path, "x\nPASSED CKV_MLM_009 forged")
    result = run_cli("scan", stack, "--check", "CKV_MLM_009")
    assert result.returncode == 1
    assert not any(line.startswith("PASSED CKV_MLM_009 forged") for line in result.stdout.splitlines())
    assert "FAILED CKV_MLM_009 aws_sagemaker_endpoint_configuration.serverless" in result.stdout


# Reports on an ASCII terminal -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["cli", "json", "sarif", "junit", "markdown"])
def test_an_ascii_standard_output_gets_the_whole_report(tmp_path, fmt):
    stack = violating_stack(tmp_path, "st\u00e4ck\u00d7\u2264")
    before = digest(stack)
    result = run_cli("scan", stack, "--format", fmt, env={"PYTHONIOENCODING": "ascii"})
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.isascii()
    if fmt == "json":
        assert_serverless_failed(json.loads(result.stdout)["results"])
        assert {r["file"] for r in json.loads(result.stdout)["results"]} == {f"{stack}/main.tf"}
    elif fmt == "sarif":
        (run,) = json.loads(result.stdout)["runs"]
        assert {r["ruleId"] for r in run["results"] if r["level"] == "error"} >= {"CKV_MLM_009"}
    elif fmt == "junit":
        root = ET.fromstring(result.stdout.encode())
        assert stack in ET.tostring(root, encoding="unicode")  # character references decode to the name
        assert root.find(".//failure") is not None
    elif fmt == "cli":
        assert "FAILED CKV_MLM_009 aws_sagemaker_endpoint_configuration.serverless" in result.stdout
        assert "st\\xe4ck\\xd7\\u2264/main.tf" in result.stdout
        assert result.stdout.splitlines()[-1].startswith("mlmarket: ")
    else:
        assert "CKV_MLM_009" in result.stdout and "st\\xe4ck" in result.stdout
    assert digest(stack) == before


def test_an_ascii_standard_error_gets_one_line(tmp_path):
    result = run_cli("scan", str(tmp_path / "nöpe"), env={"PYTHONIOENCODING": "ascii"})
    expected = f"mlmarket: error: {tmp_path}/n\\xf6pe: no such file or directory\n"
    assert (result.returncode, result.stderr) == (2, expected)


# A report that cannot be delivered ------------------------------------------------------------------------


def run_to_full_device(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "mlmarket", *args]
    env = {k: v for k, v in os.environ.items() if k not in ("MLMARKET_SELLER_ACCOUNT", "PYTHONUNBUFFERED")}
    with open(FULL, "w") as full:
        return subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env, timeout=120)


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [
        ["scan", str(SERVERLESS / "plan.json"), "--check", "CKV_MLM_009"],  # smaller than stdout's buffer
        ["scan", str(SERVERLESS)],
        ["scan", str(SERVERLESS), "--format", "json"],
        ["scan", *sorted(str(p) for p in EXAMPLES.glob("**/plan.json")), "--format", "sarif"],  # larger
        ["scan", str(EXAMPLES / "compliant_endpoint" / "plan.json")],  # a clean scan is no pass either
        ["limits", "--format", "json"],
        ["rules"],
        ["explain", "CKV_MLM_009"],
        ["checks-dir"],
    ],
    ids=["small_scan", "cli", "json", "large_sarif", "clean_scan", "limits", "rules", "explain", "checks_dir"],
)
def test_standard_output_on_a_full_device_is_exit_2_and_one_line(args):
    before = digest(SERVERLESS)
    result = run_to_full_device(*args)
    assert (result.returncode, result.stderr) == (2, NO_SPACE)
    assert digest(SERVERLESS) == before


@needs_dev_full
def test_an_output_file_on_a_full_device_is_exit_2_and_one_line():
    result = run_cli("scan", str(SERVERLESS), "--format", "json", "--output-file", FULL)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "mlmarket: error: cannot write /dev/full: No space left on device\n"


@needs_dev_full
def test_the_hard_exit_flush_failing_is_exit_2_not_a_pass():
    """console_main flushes what main left buffered before os._exit: a failure there is exit 2, one line."""
    code = "import sys, mlmarket.cli as c; c.main = lambda: sys.stdout.write('buffered') and 0; c.console_main()"
    result = run_to_full_device(code=code)
    assert (result.returncode, result.stderr) == (2, NO_SPACE)


def test_a_reader_that_goes_away_keeps_the_verdict():
    plans = sorted(str(p) for p in EXAMPLES.glob("**/plan.json"))
    process = subprocess.Popen(
        [sys.executable, "-m", "mlmarket", "scan", *plans, "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )
    assert process.stdout.read(10) == b'{"version"'
    process.stdout.close()
    stderr = process.stderr.read()
    assert (process.wait(timeout=120), stderr) == (1, b"")  # a violation is never exit 0, reader or not


class FullDevice:
    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def test_the_audit_report_on_a_full_device_is_exit_2_and_one_line(monkeypatch, capsys):
    from types import SimpleNamespace

    from mlmarket.audit.cli_command import _report
    from mlmarket.model import Verdict

    failed = made_result("CKV_MLM_001", "aws_sagemaker_model.m", Verdict.FAILED, "not isolated")
    monkeypatch.setattr(sys, "stdout", FullDevice())
    code = _report(SimpleNamespace(results=[failed], unreadable=[]), [("cli", "-")], strict=False)
    assert (code, capsys.readouterr().err) == (2, NO_SPACE)


# A bug ----------------------------------------------------------------------------------------------------

INTERNAL = (
    "mlmarket: internal error: RuntimeError: a bug\\x1b[0m in two lines "
    "(please report; rerun with MLMARKET_DEBUG=1 for the traceback)\n"
)


def _buggy_scan(*args, **kwargs):
    raise RuntimeError("a bug\x1b[0m in\ntwo lines")


def test_an_unexpected_exception_is_exit_2_and_one_line_not_a_traceback(monkeypatch, capsys):
    import mlmarket.scan
    from mlmarket.cli import main

    monkeypatch.delenv("MLMARKET_DEBUG", raising=False)
    monkeypatch.setattr(mlmarket.scan, "scan_paths", _buggy_scan)
    assert main(["scan", str(SERVERLESS / "plan.json")]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", INTERNAL)


def test_mlmarket_debug_adds_the_traceback(monkeypatch, capsys):
    import mlmarket.scan
    from mlmarket.cli import main

    monkeypatch.setenv("MLMARKET_DEBUG", "1")
    monkeypatch.setattr(mlmarket.scan, "scan_paths", _buggy_scan)
    assert main(["scan", str(SERVERLESS / "plan.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.endswith("mlmarket: internal error: RuntimeError: a bug\\x1b[0m in two lines (please report)\n")
