"""bench/run_benchmarks.py: the directory-scan targets, the tfparse command and the document it rewrites.

tfparse is never installed in the development environment (it is the benchmark's competitor, not a
dependency): its command is run here against a stand-in module of the same API.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

sys.path.insert(0, str(REPO / "bench"))
import run_benchmarks
from run_benchmarks import AUDIT_MARKER, Command, Results, Samples

AUDIT_PART = f"{AUDIT_MARKER}\n## Organization audit\n\n| accounts | wall s |\n|---|---|\n| 50 | 12.0 |\n"


def results(walls: dict[tuple[str, int], float], sizes: tuple[int, ...] = (100, 1000, 3000)) -> Results:
    labels = {key: key for key, _ in walls}
    labels.update(native_hcl="mlmarket scan DIR (HCL)", tfparse="tfparse load_from_path(DIR)")
    return Results(
        sizes=list(sizes),
        repeat=1,
        samples={key: Samples([wall], [wall], [int(wall * 100_000)]) for key, wall in walls.items()},
        labels=labels,
        plan_bytes={},
        hcl_bytes={},
        commands={},
        started=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
        elapsed_s=1.0,
        load=(0.0, 0.0),
    )


def test_the_directory_scan_targets_pass_at_the_bars_and_miss_below():
    measured = results(
        {
            ("native_hcl", 100): 0.2, ("checkov_dir", 100): 3.0, ("tfparse", 100): 1.0,
            ("native_hcl", 1000): 1.0, ("checkov_dir", 1000): 5.0, ("tfparse", 1000): 1.0,
            ("native_hcl", 3000): 3.0, ("checkov_dir", 3000): 14.9, ("tfparse", 3000): 2.9,
        }
    )  # fmt: skip
    targets = run_benchmarks.dir_scan_targets(measured)
    assert [(t.name, t.goal, t.verdict) for t in targets] == [
        ("mlmarket scan DIR vs checkov -d, 1,000 resources", ">= 5x", "PASS"),
        ("mlmarket scan DIR vs tfparse, 1,000 resources", ">= 1x (no slower)", "PASS"),
        ("mlmarket scan DIR vs checkov -d, 3,000 resources", ">= 5x", "MISS"),
        ("mlmarket scan DIR vs tfparse, 3,000 resources", ">= 1x (no slower)", "MISS"),
        ("mlmarket scan DIR (HCL) grows linearly", "b above smallest < 1.5", "PASS"),
    ]
    assert targets[2].measured == "5.0x faster (3.00 s vs 14.90 s; CPU time 5.0x)"


def test_a_directory_scan_target_without_its_measurement_is_not_judged():
    targets = run_benchmarks.dir_scan_targets(results({("native_hcl", 1000): 1.0, ("checkov_dir", 1000): 9.0}))
    assert [(t.name, t.verdict) for t in targets[:4]] == [
        ("mlmarket scan DIR vs checkov -d, 1,000 resources", "PASS"),
        ("mlmarket scan DIR vs tfparse, 1,000 resources", "n/a"),
        ("mlmarket scan DIR vs checkov -d, 3,000 resources", "n/a"),
        ("mlmarket scan DIR vs tfparse, 3,000 resources", "n/a"),
    ]


def test_time_per_resource_shows_each_size_and_each_added_resource():
    measured = results({("native_hcl", 100): 0.3, ("native_hcl", 1000): 1.2, ("native_hcl", 3000): 3.2})
    header, rows = run_benchmarks._per_resource_table(measured)
    assert header == [
        "command", "ms per resource at 100", "ms per resource at 1,000", "ms per resource at 3,000",
        "ms per added resource, 100 to 1,000", "ms per added resource, 1,000 to 3,000",
    ]  # fmt: skip
    assert rows == [["mlmarket scan DIR (HCL)", "3.00", "1.20", "1.07", "1.00", "1.00"]]


@pytest.fixture
def stand_in_tfparse(tmp_path: Path) -> dict[str, str]:
    """A `tfparse` module with load_from_path's shape: block type -> blocks, resources marked in __tfmeta."""
    package = tmp_path / "site" / "tfparse"
    package.mkdir(parents=True)
    parsed = {
        "aws_sagemaker_model": [
            {"__tfmeta": {"type": "resource", "path": 'aws_sagemaker_model.m["a"]'}},
            {"__tfmeta": {"type": "resource", "path": 'aws_sagemaker_model.m["b"]'}},
        ],
        "aws_region": [{"__tfmeta": {"type": "data", "path": "data.aws_region.current"}}],
        "locals": [{"__tfmeta": {"type": "locals"}, "x": 1}],
        "module": [{"__tfmeta": {"type": "module", "path": "module.m"}}],
    }
    (package / "__init__.py").write_text(f"def load_from_path(path):\n    return {parsed!r}\n")
    return {**os.environ, "PYTHONPATH": str(tmp_path / "site")}


def test_the_tfparse_command_counts_the_resource_instances_it_returns(tmp_path, stand_in_tfparse):
    tools = run_benchmarks.Tools(
        python=sys.executable,
        mlmarket="mlmarket",
        checkov="checkov",
        checks_dir="checks",
        tfparse_python=sys.executable,
    )
    (command,) = [c for c in run_benchmarks.stack_commands(tools, tmp_path) if c.key == "tfparse"]
    assert command.argv == [sys.executable, "-c", run_benchmarks.TFPARSE_CODE, str(tmp_path)]
    assert "from tfparse import load_from_path" in command.argv[2]
    output = tmp_path / "tfparse.out"
    with output.open("wb") as stdout:
        subprocess.run(command.argv, env=stand_in_tfparse, stdout=stdout, check=True)
    assert json.loads(output.read_text()) == {"resources": 2}
    assert run_benchmarks.summarize_output(command, output) == "2 resource instances"


def test_a_mlmarket_summary_counts_the_resources_it_judged(tmp_path):
    output = tmp_path / "scan.json"
    output.write_text(
        json.dumps(
            {
                "results": [{"address": "a.x"}, {"address": "a.x"}, {"address": "b.y"}],
                "summary": {"passed": 2, "failed": 1, "unknown": 0},
            }
        )
    )
    command = Command("native_hcl", "mlmarket scan DIR (HCL)", ["mlmarket", "scan", "DIR"])
    assert run_benchmarks.summarize_output(command, output) == "2 passed, 1 failed, 0 unknown; 2 resources"


def test_the_document_keeps_the_audit_section_from_its_marker_on(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n\nold figures\n\n" + AUDIT_PART, encoding="utf-8")
    run_benchmarks.write_document(path, "# Performance\n\nnew figures\n")
    assert path.read_text(encoding="utf-8") == "# Performance\n\nnew figures\n\n" + AUDIT_PART


def test_the_document_without_an_audit_section_is_the_benchmark_s_alone(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n\nold figures\n", encoding="utf-8")
    run_benchmarks.write_document(path, "# Performance\n\nnew figures\n")
    assert path.read_text(encoding="utf-8") == "# Performance\n\nnew figures\n"
    run_benchmarks.write_document(tmp_path / "new" / "PERFORMANCE.md", "# Performance\n")
    assert (tmp_path / "new" / "PERFORMANCE.md").read_text(encoding="utf-8") == "# Performance\n"
