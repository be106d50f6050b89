"""A valid 200 MB plan is scanned, not rejected; its wall time and peak memory are reported."""

from __future__ import annotations

import copy
import json
import resource
import subprocess
import sys
import time

from support import EXAMPLES

TARGET_BYTES = 200 * 1024 * 1024


def write_large_plan(path) -> int:
    """Replicate the resource changes of a real plan, with unique addresses, until the file reaches 200 MB."""
    plan = json.loads((EXAMPLES / "violating_stack" / "plan.json").read_text())
    template = plan["resource_changes"]
    unit = len(json.dumps(template))
    copies = TARGET_BYTES // unit + 1
    changes = []
    for index in range(copies):
        for change in template:
            clone = copy.copy(change)
            clone["address"] = f"{change['address']}[{index}]"
            changes.append(clone)
    plan["resource_changes"] = changes
    with open(path, "w") as handle:
        json.dump(plan, handle)
    return len(changes)


def test_a_200_mb_plan_is_scanned(tmp_path, record_property):
    plan = tmp_path / "plan.json"
    count = write_large_plan(plan)
    size = plan.stat().st_size
    assert size >= TARGET_BYTES
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [sys.executable, "-m", "mlmarket", "scan", str(plan), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    peak_mib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    assert result.returncode == 1, result.stderr[-2000:]
    summary = json.loads(result.stdout)["summary"]
    assert summary["failed"] > 0
    record_property("plan_mib", round(size / 2**20))
    record_property("peak_rss_mib", round(peak_mib))
    record_property("seconds", round(elapsed, 1))
    print(f"\n200 MB plan: {count} resources, {size / 2**20:.0f} MiB, {elapsed:.1f} s, peak RSS {peak_mib:.0f} MiB")
