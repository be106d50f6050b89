"""The scanner only reads: no writes to the scanned tree, no symlinks followed out of it, no network."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket

import pytest
from pytest_socket import SocketBlockedError, disable_socket, enable_socket

from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, run_cli


def tree_digest(root) -> dict[str, str]:
    digest = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.lstat(path)
            with open(path, "rb") as handle:
                digest[os.path.relpath(path, root)] = f"{hashlib.sha256(handle.read()).hexdigest()}:{stat.st_mtime_ns}"
        digest[os.path.relpath(directory, root) + "/"] = str(os.lstat(directory).st_mtime_ns)
    return digest


@pytest.fixture
def sockets_blocked():
    disable_socket()
    try:
        yield
    finally:
        enable_socket()


def test_blocking_really_blocks(sockets_blocked):
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("127.0.0.1", 9))


def test_full_scans_of_every_example_touch_neither_disk_nor_network(tmp_path, sockets_blocked):
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree, symlinks=True)
    before = tree_digest(tree)
    results = scan_path(str(tree), Settings())
    for plan in sorted(tree.rglob("plan.json")):
        results += scan_path(str(plan), Settings())
    assert len(results) > 100
    assert tree_digest(tree) == before


# Outputs never target an input: `--output-file` naming a file the scan reads is refused before anything is
# read or written (exit 2, one line), compared by real path and, for hard links, by identity.

def _serverless_copy(tmp_path):
    tree = tmp_path / "stack"
    shutil.copytree(EXAMPLES / "serverless_endpoint", tree)
    (tree / "terraform.tfvars").write_text("")
    (tree / ".mlmarket.yaml").write_text("seller_account_id: '111122223333'\n")
    modules = tree / ".terraform" / "modules"
    modules.mkdir(parents=True)
    (modules / "modules.json").write_text('{"Modules": []}')
    return tree


def _plan_link(tree, tmp_path):
    (tmp_path / "plan-link.json").symlink_to(tree / "plan.json")
    return str(tmp_path / "plan-link.json")


def _main_tf_hard_link(tree, tmp_path):
    os.link(tree / "main.tf", tmp_path / "report.json")
    return str(tmp_path / "report.json")


# case: (scanned paths, extra options, output file), each a function of (tree, tmp_path)
INPUT_TARGETS = {
    "the_scanned_plan": (lambda t, p: [str(t / "plan.json")], [], lambda t, p: str(t / "plan.json")),
    "the_plan_through_a_symlink": (lambda t, p: [str(t / "plan.json")], [], _plan_link),
    "the_plan_spelled_another_way": (
        lambda t, p: [str(t / "plan.json")], [], lambda t, p: f"{t}/../{t.name}/./plan.json"
    ),
    "a_tf_file_of_the_scanned_directory": (lambda t, p: [str(t)], [], lambda t, p: str(t / "main.tf")),
    "a_new_tf_file_in_the_scanned_directory": (lambda t, p: [str(t)], [], lambda t, p: str(t / "report.tf")),
    "a_tfvars_file": (lambda t, p: [str(t)], [], lambda t, p: str(t / "terraform.tfvars")),
    "an_installed_module_file": (
        lambda t, p: [str(t)], [], lambda t, p: str(t / ".terraform" / "modules" / "modules.json")
    ),
    "a_tf_file_hard_linked_outside": (lambda t, p: [str(t)], [], _main_tf_hard_link),
    "a_source_dir_file": (
        lambda t, p: [str(t / "plan.json")], ["--source-dir", "{tree}"], lambda t, p: str(t / "main.tf")
    ),
    "the_given_config": (
        lambda t, p: [str(t / "plan.json")], ["--config", "{tmp}/other.yaml"], lambda t, p: str(p / "other.yaml")
    ),
}


@pytest.mark.parametrize("case", sorted(INPUT_TARGETS))
def test_an_output_file_that_is_an_input_is_refused_and_nothing_is_written(tmp_path, case):
    paths, options, output = INPUT_TARGETS[case]
    tree = _serverless_copy(tmp_path)
    (tmp_path / "other.yaml").write_text("seller_account_id: '111122223333'\n")
    destination = output(tree, tmp_path)
    options = [o.format(tree=tree, tmp=tmp_path) for o in options]
    before, config_before = tree_digest(tree), (tmp_path / "other.yaml").read_bytes()
    result = run_cli("scan", *paths(tree, tmp_path), *options, "--format", "json", "--output-file", destination)
    assert (result.returncode, result.stdout) == (2, "")
    expected = f"--output-file {destination} is an input of this scan; nothing was written"
    assert result.stderr == f"mlmarket: error: {expected}\n"
    assert tree_digest(tree) == before
    assert (tmp_path / "other.yaml").read_bytes() == config_before
    assert not (tree / "report.tf").exists()


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("{tree}", "--output-file {tree} is a directory; nothing was written"),
        ("{tmp}/missing/report.json", "cannot write {tmp}/missing/report.json: no such directory {tmp}/missing"),
        ("{tmp}/.mlmarket.yaml", "--output-file {tmp}/.mlmarket.yaml is an mlmarket configuration file; nothing was "
         "written"),
        ("{tmp}/socket", "--output-file {tmp}/socket is not a regular file, a character device or a pipe; nothing "
         "was written"),
    ],
    ids=["directory", "missing_folder", "config_name", "socket"],
)
def test_an_output_file_no_report_can_go_to_is_refused_before_scanning(tmp_path, destination, expected):
    tree = _serverless_copy(tmp_path)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "socket"))
    try:
        before = tree_digest(tree)
        destination = destination.format(tree=tree, tmp=tmp_path)
        result = run_cli("scan", str(tree), "--format", "json", "--output-file", destination)
    finally:
        server.close()
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"mlmarket: error: {expected.format(tree=tree, tmp=tmp_path)}\n"
    assert tree_digest(tree) == before


def test_the_same_output_file_twice_is_refused(tmp_path):
    tree = _serverless_copy(tmp_path)
    first, second = str(tmp_path / "r.json"), f"{tmp_path}/./r.json"
    result = run_cli("scan", str(tree), "-o", "json", "--output-file", first, "-o", "sarif", "--output-file", second)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"mlmarket: error: --output-file {second} is given twice; nothing was written\n"
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("destination", ["{tree}/mlmarket.json", os.devnull, "{tmp}/existing.json"])
def test_reports_beside_the_sources_and_to_devices_still_work(tmp_path, destination):
    tree = _serverless_copy(tmp_path)
    (tmp_path / "existing.json").write_text("old")
    before = tree_digest(tree)
    destination = destination.format(tree=tree, tmp=tmp_path)
    result = run_cli("scan", str(tree), "--format", "json", "--output-file", destination)
    assert (result.returncode, result.stderr, result.stdout) == (1, "", "")
    if destination != os.devnull:
        with open(destination, encoding="utf-8") as report:
            document = json.load(report)
        verdicts = {r["address"]: r["verdict"] for r in document["results"] if r["rule_id"] == "CKV_MLM_009"}
        assert verdicts["aws_sagemaker_endpoint_configuration.serverless"] == "FAILED"
        os.remove(destination)
    files_only = lambda digest: {k: v for k, v in digest.items() if not k.endswith("/")}  # noqa: E731
    assert files_only(tree_digest(tree)) == files_only(before)  # a new report changes its folder's mtime only


def test_a_file_a_finding_comes_from_is_refused_after_the_scan_before_any_write(tmp_path):
    from mlmarket.reports.output import OutputError, refuse_results_files

    from support import made_result

    source = tmp_path / "main.tf"
    source.write_text("resource ...")
    os.link(source, tmp_path / "report.json")
    results = [made_result("CKV_MLM_009", "aws_sagemaker_endpoint_configuration.e", "FAILED", "m", file=str(source))]
    with pytest.raises(OutputError, match="is an input of this scan; nothing was written"):
        refuse_results_files([("json", str(tmp_path / "report.json"))], results)
    refuse_results_files([("json", str(tmp_path / "new.json")), ("cli", "-")], results)
