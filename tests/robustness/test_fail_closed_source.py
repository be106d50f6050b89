"""Fail closed on Terraform source: no module layout, skipped input or blow-up may turn a violating stack into
exit 0 (issue 17, classes 1, 2, 6, 7 and 9 for directory scans).

Every case starts from a violating root (the serverless endpoint example: CKV_MLM_009 fails) and adds one file
or link; the scan must still fail that resource, or stop with exit 2 and one line naming what it refused."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import EXAMPLES, run_cli

VIOLATION = "aws_sagemaker_endpoint_configuration.serverless"
PASSING = "aws_sagemaker_endpoint_configuration.instance_based"
SECRET = "s3cr3t-planted-7f3a"
FORMATS = ("cli", "json", "sarif", "junit", "markdown")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of a violating root module (its .tf only)."""
    target = tmp_path / "stack"
    target.mkdir()
    shutil.copy(EXAMPLES / "serverless_endpoint" / "main.tf", target / "main.tf")
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def scan_json(*args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, set[str]]]:
    result = run_cli("scan", *args, "--format", "json")
    by_verdict: dict[str, set[str]] = {}
    if result.stdout:
        for entry in json.loads(result.stdout)["results"]:
            if entry["rule_id"] == "CKV_MLM_009":
                by_verdict.setdefault(entry["verdict"], set()).add(entry["address"])
    return result, by_verdict


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [expected], result.stderr
    assert "Traceback" not in result.stderr


# Class 1: a module layout hides the root.


def test_root_called_only_with_count_zero_is_still_judged(root):
    write(root / "examples" / "x" / "main.tf", 'module "root" {\n  source = "../../"\n  count  = 0\n}\n')
    result, verdicts = scan_json(str(root))
    assert result.returncode == 1, result.stderr
    assert verdicts == {"FAILED": {VIOLATION}, "PASSED": {PASSING}}


def test_root_called_with_an_unknown_count_is_judged_through_the_call(root):
    write(root / "examples" / "x" / "main.tf", 'module "root" {\n  source = "../../"\n  count  = var.n\n}\n'
          'variable "n" {}\n')
    result, verdicts = scan_json(str(root))
    assert result.returncode == 1, result.stderr
    assert verdicts == {"FAILED": {f"module.root.{VIOLATION}"}, "PASSED": {f"module.root.{PASSING}"}}


def test_module_calling_itself_is_an_input_error(root):
    write(root / "self.tf", 'module "me" {\n  source = "./"\n}\n')
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result,
        f"mlmarket: error: {root}/self.tf:1: module `me` source './' calls a module already in its own call chain "
        "(Terraform refuses a module that calls itself)",
    )


def test_module_cycle_through_two_directories_is_an_input_error(root):
    write(root / "a" / "main.tf", 'module "b" {\n  source = "../b"\n}\n')
    write(root / "b" / "main.tf", 'module "a" {\n  source = "../a"\n}\n')
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result,
        f"mlmarket: error: {root}/b/main.tf:1: module `a` source '../a' calls a module already in its own call "
        "chain (Terraform refuses a module that calls itself)",
    )


def test_module_chain_deeper_than_the_bound_is_an_input_error(root):
    write(root / "chain.tf", 'module "m0" {\n  source = "./m0"\n}\n')
    for depth in range(25):
        write(root / f"m{depth}" / "main.tf", f'module "m{depth + 1}" {{\n  source = "../m{depth + 1}"\n}}\n')
    write(root / "m25" / "main.tf", 'resource "aws_sagemaker_model" "deep" {\n  name = "x"\n}\n')
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result, f"mlmarket: error: {root}/m19/main.tf:1: module `m20`: module calls nested more than 20 deep"
    )


# Class 2: inputs skipped without a word.


def test_unreadable_subdirectory_is_an_input_error(root, monkeypatch, capsys):
    from mlmarket import cli

    locked = root / "locked"
    write(locked / "main.tf", 'resource "aws_sagemaker_endpoint_configuration" "hidden" {\n}\n')
    real_scandir = os.scandir

    def refusing_scandir(path=".", *args):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path, *args)

    # Tests may run as root, whom chmod does not stop: refuse the read the way the kernel would.
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    code = cli.main(["scan", str(root)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"mlmarket: error: {locked}: cannot read the directory: Permission denied"
    ]


def test_symlinked_directory_outside_the_scan_is_an_input_error(root, tmp_path):
    outside = tmp_path / "elsewhere" / "prod"
    shutil.copytree(root, outside)
    (root / "prod").symlink_to(outside, target_is_directory=True)
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result,
        f"mlmarket: error: {root}/prod: is a symlink to a directory outside the scanned directory; "
        "scan its target instead",
    )


def test_symlinked_directory_inside_the_scan_is_judged_once_at_its_real_place(root):
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    shutil.copy(root / "main.tf", write(root / "real" / "placeholder", "").parent / "main.tf")
    result, verdicts = scan_json(str(root))
    assert result.returncode == 1
    assert verdicts == {"FAILED": {VIOLATION}, "PASSED": {PASSING}}
    stacks = {entry["file"] for entry in json.loads(result.stdout)["results"]}
    assert stacks == {f"{root}/main.tf", f"{root}/real/main.tf"}


def test_a_violation_written_in_terraform_json_syntax_is_judged_not_skipped(root):
    serverless = {
        "name": "json",
        "production_variants": {"variant_name": "v", "model_name": "m", "serverless_config": {
            "max_concurrency": 1, "memory_size_in_mb": 2048}},
    }
    write(root / "extra.tf.json",
          json.dumps({"resource": {"aws_sagemaker_endpoint_configuration": {"from_json": serverless}}}))
    result, verdicts = scan_json(str(root))
    assert result.returncode == 1, result.stderr
    assert verdicts == {
        "FAILED": {VIOLATION, "aws_sagemaker_endpoint_configuration.from_json"},
        "PASSED": {PASSING},
    }


# Class 6: sensitive values printed.


@pytest.mark.parametrize("spelling", ["true", '"true"', '"1"'])
def test_sensitive_variable_of_any_truthy_spelling_is_never_printed(root, tmp_path, spelling):
    write(root / "secret.tf",
          f'variable "image" {{\n  default   = "{SECRET}.example.com/x:1"\n  sensitive = {spelling}\n}}\n'
          'resource "aws_sagemaker_model" "leaky" {\n  name = "x"\n  execution_role_arn = "arn"\n'
          '  primary_container {\n    image = var.image\n  }\n}\n')
    assert_no_secret_in_any_format(root, tmp_path)


def test_sensitive_function_call_is_never_quoted(root, tmp_path):
    write(root / "secret.tf",
          'resource "aws_sagemaker_model" "leaky" {\n  name = "x"\n  execution_role_arn = "arn"\n'
          f'  primary_container {{\n    image = sensitive("{SECRET}.example.com/x:1")\n  }}\n}}\n')
    assert_no_secret_in_any_format(root, tmp_path)


def test_non_boolean_sensitive_is_an_input_error(root):
    write(root / "v.tf", 'variable "x" {\n  default   = "a"\n  sensitive = "yes"\n}\n')
    result, _ = scan_json(str(root))
    assert_one_line_error(result, f"mlmarket: error: {root}/v.tf:3: `sensitive` must be true or false")


def test_variables_file_linked_from_outside_the_scan_is_refused_unread(root, tmp_path):
    outside = write(tmp_path / "outside.tfvars", f'image = "{SECRET}"\n')
    (root / "terraform.tfvars").symlink_to(outside)
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result, f"mlmarket: error: {root}/terraform.tfvars: is a symlink that points outside the scanned directory"
    )
    assert SECRET not in result.stderr


def assert_no_secret_in_any_format(root: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    args = [str(root)]
    for fmt in FORMATS:
        args += ["--format", fmt, "--output-file", str(reports / fmt)]
    result = run_cli("scan", *args)
    assert result.returncode == 1, result.stderr
    assert SECRET not in result.stdout + result.stderr
    for fmt in FORMATS:
        text = (reports / fmt).read_text()
        assert "aws_sagemaker_model.leaky" in text, fmt
        assert SECRET not in text, fmt


# Class 7: blow-ups.


def peak_rss_mb(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI in a child and read its peak RSS (ru_maxrss of the waited-for child, in kB on Linux)."""
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'mlmarket', *sys.argv[1:]], capture_output=True, text=True)\n"
        "sys.stdout.write(done.stderr)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    *stderr_lines, last = result.stdout.splitlines()
    returncode, kilobytes = last.split()
    done = subprocess.CompletedProcess(args, int(returncode), "", "\n".join(stderr_lines) + "\n")
    return done, int(kilobytes) / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kB on Linux only")
def test_module_fan_out_is_refused_within_the_memory_bound(root):
    write(root / "fan.tf", 'module "a" {\n  source = "./a"\n  count  = 10000\n}\n')
    write(root / "a" / "main.tf", 'module "b" {\n  source = "../b"\n  count  = 10000\n}\n')
    write(root / "b" / "main.tf", 'resource "aws_sagemaker_model" "m" {\n  name = "x"\n}\n')
    result, peak = peak_rss_mb("scan", str(root))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"mlmarket: error: {root}/fan.tf:1: module.a expands the configuration past mlmarket's bound of resource "
        "and module instances (count/for_each fan-out); mlmarket refuses rather than guess"
    ]
    input_mb = sum(p.stat().st_size for p in root.rglob("*.tf")) / 2**20
    assert peak <= 10 * input_mb + 100, peak


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kB on Linux only")
def test_eight_megabyte_single_line_file_is_refused_within_the_memory_bound(root):
    line = 'locals { x = "' + "a" * (8 * 2**20) + '" }'
    write(root / "big.tf", line + "\n")
    result, peak = peak_rss_mb("scan", str(root))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"mlmarket: error: {root}/big.tf: is 8,388,626 bytes; mlmarket reads Terraform files of at most 8,388,608"
    ]
    assert peak <= 10 * 8 + 100, peak


def test_overlong_line_is_refused_before_parsing(root):
    write(root / "long.tf", 'locals {\n  x = "' + "a" * (300 * 1024) + '"\n}\n')
    result, _ = scan_json(str(root))
    assert_one_line_error(
        result,
        f"mlmarket: error: {root}/long.tf:2: a line of 307,208 characters; mlmarket reads lines of at most 262,144",
    )


# Class 9: modules that were not read.


def test_registry_module_is_named_on_stderr_and_fails_under_strict(root):
    only = root / "only"
    write(only / "main.tf", 'module "r" {\n  source  = "git::https://example.com/m.git"\n}\n')
    warning = (
        "mlmarket: warning: 1 module call(s) not read (registry or git modules that `terraform init` has not "
        "installed), so their resources were not judged (--strict fails the scan): {stack}: module.r (source "
        "{source}): not installed: run `terraform init` in the root module, then scan again"
    )
    strict = run_cli("scan", str(only), "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [
        warning.format(stack=only, source='"git::https://example.com/m.git"')
    ]
    lenient = run_cli("scan", str(only))
    assert lenient.returncode == 0
    assert lenient.stderr.splitlines() == [
        warning.format(stack=only, source='"git::https://example.com/m.git"').replace(
            "--strict fails", "--strict would fail"
        )
    ]


def test_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(root, tmp_path):
    os.rename(os.fsencode(root / "main.tf"), os.fsencode(root) + b"/bad\xff.tf")
    reports = tmp_path / "reports"
    reports.mkdir()
    args = [str(root)]
    for fmt in FORMATS:
        args += ["--format", fmt, "--output-file", str(reports / fmt)]
    result = run_cli("scan", *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    entries = json.loads((reports / "json").read_text())["results"]
    assert {e["file"] for e in entries} == {f"{root}/bad\\xff.tf"}
    assert {e["address"] for e in entries if e["verdict"] == "FAILED"} == {VIOLATION}
    for fmt in FORMATS:  # JSON escapes the backslash once more; a SARIF URI percent-encodes it
        assert re.search(r"bad(\\{1,2}|%5C)xff\.tf", (reports / fmt).read_text()), fmt


def test_named_pipe_named_like_a_terraform_file_is_refused_without_blocking(root):
    os.mkfifo(root / "pipe.tf")
    result, _ = scan_json(str(root))
    assert_one_line_error(result, f"mlmarket: error: {root}/pipe.tf: is a named pipe, not a regular file")
