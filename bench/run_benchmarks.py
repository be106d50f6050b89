"""Benchmark mlmarket against checkov and tfparse on generated stacks, and write docs/PERFORMANCE.md.

For each stack size the commands below run side by side, interleaved (repetition 1 of every command at every
size, then repetition 2, ...), so that a slow minute of the machine hits all of them alike. Each run is timed
(wall clock) and its peak resident memory taken with GNU time (`/usr/bin/time -f %M`), or, without it, from
`getrusage(RUSAGE_CHILDREN)` in a fresh wrapper process. Figures are medians over the repetitions.

    native plan     mlmarket scan plan.json --format json
    checkov plan    checkov -f plan.json --framework terraform_plan --external-checks-dir <checks> -c CKV_MLM_*
    floor           python -c "import json; json.load(open('plan.json'))"
    native HCL      mlmarket scan DIR --format json
    tfparse         python -c "from tfparse import load_from_path; load_from_path(DIR)"   (and print a count)
    checkov -d      checkov -d DIR --framework terraform                      (every built-in check)
    checkov -d +mlm checkov -d DIR --framework terraform --external-checks-dir <checks>
    ... in-process  the same with MLMARKET_CHECKOV_PRESCAN=0 (the plugin scans inside checkov's process)
    checkov -d +noop checkov -d DIR --framework terraform --external-checks-dir <no-op checks>   (control)
    version         mlmarket --version                                        (once per repetition)

tfparse (Cloud Custodian's Terraform evaluator, Go inside) is a competitor, never a dependency of mlmarket: it
runs from a virtual environment of its own, which the benchmark creates (in the work directory, or in
--tfparse-venv DIR, reused by later runs) with pip from the package index.

The control is a plugin of 19 checks that do nothing but return PASSED, on the resource types of the 19
mlmarket rules: what checkov itself charges any plugin for checking those resources (its per-check logging,
records, output), which no plugin can take back.

Every checkov call has `--skip-download -o json` and runs with BC_SKIP_MAPPING=TRUE and the update check off:
nothing touches the network. Stacks come from bench/generate_stack.py, in a temporary directory.

    python bench/run_benchmarks.py                    # sizes 100,1000,3000, 5 repetitions, writes the doc
    python bench/run_benchmarks.py --full --repeat 3  # adds 10,000 resources
    python bench/run_benchmarks.py --sizes 100 --repeat 1 --no-write
    python bench/run_benchmarks.py --tfparse-venv ~/.cache/mlmarket-bench/tfparse

The document ends with sections other scripts append (bench/audit_org.py, after its marker line): a run
rewrites this script's part and keeps everything from that marker on.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import generate_stack  # noqa: E402  (a sibling script, not a package)

DEFAULT_SIZES = (100, 1000, 3000)
FULL_SIZE = 10000
DOC_PATH = REPO_ROOT / "docs" / "PERFORMANCE.md"
# Where bench/audit_org.py's part of the document starts; nothing from it on is this script's to rewrite.
AUDIT_MARKER = "<!-- bench/audit_org.py -->"
# Pinned so that runs compare; a reused --tfparse-venv may hold another version (the report names it).
TFPARSE_REQUIREMENT = "tfparse==0.6.22"
GNU_TIME = "/usr/bin/time"
CHECKOV_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
}
MIB = 1024 * 1024

# Targets of issue 6.
SPEEDUP_SIZE = 3000
SPEEDUP_TARGET = 10.0
SPEEDUP_MOONSHOT = 20.0
FLOOR_RATIO_TARGET = 3.0
MEMORY_PLAN_FACTOR = 2.0
MEMORY_ALLOWANCE_MB = 60.0
CHECKOV_OVERHEAD_SIZE = 1000
CHECKOV_OVERHEAD_TARGET = 0.10
VERSION_TARGET_S = 0.150
QUADRATIC_EXPONENT = 1.5

# Targets of issues 15 and 16 (the directory scan).
DIR_SCAN_SIZES = (1000, 3000)
DIR_SCAN_CHECKOV_TARGET = 5.0
DIR_SCAN_TFPARSE_TARGET = 1.0


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    cpu_s: float  # user + system, of the command and the processes it waited for
    peak_kb: int


@dataclass(frozen=True)
class Command:
    key: str
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    # Exit codes that mean "ran to the end" (1: something failed a check).
    ok_codes: tuple[int, ...] = (0, 1)


@dataclass
class Samples:
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    summary: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_s)

    @property
    def peak_mb(self) -> float:
        return statistics.median(self.peak_kb) / 1024


# ---------------------------------------------------------------------------------------------------------
# Running one command


WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:], stdout=open(sys.argv[1], "wb"), stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def run_once(command: Command, stdout_path: Path) -> Measurement:
    """Time one run; its stdout goes to a file, its stderr is dropped."""
    env = {**os.environ, **command.env}
    # As after any install, Python's bytecode is cached: a harness that forbids writing it (some CI shells
    # set PYTHONDONTWRITEBYTECODE) would have every measured run recompile mlmarket's sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if os.access(GNU_TIME, os.X_OK):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report, stdout_path.open("wb") as out:
            start = time.perf_counter()
            code = subprocess.call(
                [GNU_TIME, "-f", "%U %S %M", "-o", report.name, *command.argv],
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            wall = time.perf_counter() - start
            # GNU time writes "Command exited with non-zero status N" on a line before the figures.
            user, system, peak = report.read().splitlines()[-1].split()
        cpu, peak_kb = float(user) + float(system), int(peak)
    else:
        # A fresh wrapper per run, so that RUSAGE_CHILDREN holds this command alone.
        fields = subprocess.run(
            [sys.executable, "-c", WRAPPER, str(stdout_path), *command.argv],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        code, wall, cpu, peak_kb = int(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    if code not in command.ok_codes:
        raise SystemExit(f"{command.label}: exit code {code}: {' '.join(command.argv)}")
    return Measurement(wall, cpu, peak_kb)


def summarize_output(command: Command, stdout_path: Path) -> str:
    """A one-line result summary from the command's JSON output (to see that both tools found the same)."""
    if command.key in ("floor", "version"):
        return ""
    try:
        report = json.loads(stdout_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "(no JSON report)"
    if command.key == "tfparse":
        return f"{report['resources']} resource instances"
    if command.key.startswith("checkov"):
        reports = report if isinstance(report, list) else [report]
        totals = {"passed": 0, "failed": 0}
        resources = sum(entry.get("summary", {}).get("resource_count", 0) for entry in reports)
        plugin_results = 0
        plugin, prefix = ("no-op", "CKV_NOOP_") if command.key == "checkov_dir_noop" else ("mlmarket", "CKV_MLM_")
        for entry in reports:
            for name in totals:
                totals[name] += entry.get("summary", {}).get(name, 0)
            for name in ("passed_checks", "failed_checks"):
                checks = entry.get("results", {}).get(name, [])
                plugin_results += sum(1 for check in checks if check.get("check_id", "").startswith(prefix))
        text = f"{totals['passed']} passed, {totals['failed']} failed"
        if "--external-checks-dir" in command.argv:
            # A run that was meant to include the plugin but has none of its results measured nothing useful.
            text += f" ({plugin_results} {plugin})" if plugin_results else f" (NO {plugin} results: not loaded?)"
        return f"{text}; {resources} resources"
    summary = report.get("summary", {})
    resources = len({result["address"] for result in report.get("results", [])})
    return (
        f"{summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed, {summary.get('unknown', 0)} unknown; "
        f"{resources} resources"
    )


# ---------------------------------------------------------------------------------------------------------
# Commands


@dataclass(frozen=True)
class Tools:
    python: str
    mlmarket: str
    checkov: str
    checks_dir: str
    noop_checks_dir: str = ""
    tfparse_python: str = ""


NOOP_CHECK = """
class Noop{number}(BaseResourceCheck):
    def __init__(self):
        super().__init__(name="no-op control {number}", id="CKV_NOOP_{number}",
                         categories=[CheckCategories.GENERAL_SECURITY], supported_resources={resource_types!r})

    def scan_resource_conf(self, conf):
        return CheckResult.PASSED


noop_{number} = Noop{number}()
"""


def write_noop_checks(directory: Path) -> Path:
    """The control plugin: one no-op check per mlmarket rule, on the same resource types."""
    from mlmarket.rules import all_rules

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__init__.py").write_text("")
    source = [
        "from checkov.common.models.enums import CheckCategories, CheckResult",
        "from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck",
    ]
    for rule in all_rules():
        meta = rule.metadata
        if "terraform" in meta.sources:
            number = meta.id.removeprefix("CKV_MLM_")
            source.append(NOOP_CHECK.format(number=number, resource_types=list(meta.resource_types)))
    (directory / "noop_checks.py").write_text("\n".join(source))
    return directory


def find_tools() -> Tools:
    bin_dir = Path(sys.executable).parent

    def locate(name: str) -> str:
        candidate = bin_dir / name
        found = str(candidate) if candidate.exists() else shutil.which(name)
        if not found:
            raise SystemExit(f"{name} not found beside {sys.executable} or on PATH")
        return found

    mlmarket = locate("mlmarket")
    checks_dir = subprocess.run([mlmarket, "checks-dir"], capture_output=True, text=True, check=True).stdout.strip()
    return Tools(python=sys.executable, mlmarket=mlmarket, checkov=locate("checkov"), checks_dir=checks_dir)


def tfparse_python(venv: Path, progress: Callable[[str], None]) -> str:
    """The Python of a virtual environment holding tfparse: `venv` as it is if it has tfparse, else created
    there with TFPARSE_REQUIREMENT."""
    python = venv / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import tfparse"], capture_output=True).returncode == 0:
        return str(python)
    progress(f"installing {TFPARSE_REQUIREMENT} into its own virtual environment {venv}")
    for argv in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", TFPARSE_REQUIREMENT],
    ):
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise SystemExit(f"could not install {TFPARSE_REQUIREMENT} into {venv}: {reason}")
    return str(python)


def tfparse_version(python: str) -> str:
    try:
        return subprocess.run(
            [python, "-c", "import importlib.metadata as m; print(m.version('tfparse'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def stack_commands(tools: Tools, stack_dir: Path) -> list[Command]:
    plan = str(stack_dir / "plan.json")
    directory = str(stack_dir)
    checkov_common = ["--skip-download", "-o", "json"]
    checkov_dir = [tools.checkov, "-d", directory, "--framework", "terraform", *checkov_common]
    return [
        Command("native_plan", "mlmarket scan plan.json", [tools.mlmarket, "scan", plan, "--format", "json"]),
        Command(
            "checkov_plan",
            "checkov -f plan.json (mlmarket checks only)",
            [
                tools.checkov,
                "-f",
                plan,
                "--framework",
                "terraform_plan",
                *checkov_common,
                "--external-checks-dir",
                tools.checks_dir,
                "-c",
                "CKV_MLM_*",
            ],
            CHECKOV_ENV,
        ),
        Command("floor", "floor: python json.load(plan)", [tools.python, "-c", FLOOR_CODE, plan], ok_codes=(0,)),
        Command("native_hcl", "mlmarket scan DIR (HCL)", [tools.mlmarket, "scan", directory, "--format", "json"]),
        Command(
            "tfparse",
            "tfparse load_from_path(DIR)",
            [tools.tfparse_python, "-c", TFPARSE_CODE, directory],
            ok_codes=(0,),
        ),
        Command("checkov_dir", "checkov -d DIR (built-in checks)", checkov_dir, CHECKOV_ENV),
        Command(
            "checkov_dir_mlm",
            "checkov -d DIR + mlmarket checks",
            [*checkov_dir, "--external-checks-dir", tools.checks_dir],
            CHECKOV_ENV,
        ),
        Command(
            "checkov_dir_mlm_in_process",
            "checkov -d DIR + mlmarket checks, in-process",
            [*checkov_dir, "--external-checks-dir", tools.checks_dir],
            {**CHECKOV_ENV, "MLMARKET_CHECKOV_PRESCAN": "0"},
        ),
        Command(
            "checkov_dir_noop",
            "checkov -d DIR + no-op checks (control)",
            [*checkov_dir, "--external-checks-dir", tools.noop_checks_dir],
            CHECKOV_ENV,
        ),
    ]


FLOOR_CODE = "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))"
# tfparse's API (tfparse/__init__.py): load_from_path(path) -> {block type: [block, ...]}, each resource instance
# a dict whose __tfmeta.type is "resource". The count is printed so that the report shows what it expanded.
TFPARSE_CODE = (
    "import json, sys; from tfparse import load_from_path; parsed = load_from_path(sys.argv[1]); "
    "print(json.dumps({'resources': sum(block.get('__tfmeta', {}).get('type') == 'resource' "
    "for blocks in parsed.values() for block in blocks)}))"
)


def version_command(tools: Tools) -> Command:
    return Command("version", "mlmarket --version", [tools.mlmarket, "--version"], ok_codes=(0,))


# ---------------------------------------------------------------------------------------------------------
# Analysis


def fit_exponent(sizes: list[int], values: list[float]) -> float | None:
    """b of value = a * n^b, by least squares on (log n, log value)."""
    points = [(math.log(n), math.log(v)) for n, v in zip(sizes, values, strict=True) if v > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


@dataclass
class Target:
    name: str
    measured: str
    goal: str
    passed: bool | None  # None: not measured in this run

    @property
    def verdict(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "MISS")


@dataclass
class Results:
    sizes: list[int]
    repeat: int
    samples: dict[tuple[str, int], Samples]  # (command key, size); version uses size 0
    labels: dict[str, str]
    plan_bytes: dict[int, int]
    hcl_bytes: dict[int, int]
    commands: dict[str, list[str]]
    started: datetime.datetime
    elapsed_s: float
    # 1-minute load average before and after: other work on the machine stretches wall time, not CPU time.
    load: tuple[float, float]
    tfparse_version: str = "unknown"

    def get(self, key: str, size: int) -> Samples | None:
        return self.samples.get((key, size))


def targets(results: Results) -> list[Target]:
    out: list[Target] = []
    native = results.get("native_plan", SPEEDUP_SIZE)
    checkov = results.get("checkov_plan", SPEEDUP_SIZE)
    floor = results.get("floor", SPEEDUP_SIZE)
    at = f"{SPEEDUP_SIZE:,}-resource plan"
    if native and checkov:
        speedup = checkov.wall / native.wall
        moonshot = " (moonshot 20x reached)" if speedup >= SPEEDUP_MOONSHOT else ""
        out.append(
            Target(
                f"native scan vs checkov, {at}",
                f"{speedup:.1f}x faster ({native.wall:.2f} s vs {checkov.wall:.2f} s; "
                f"CPU time {checkov.cpu / native.cpu:.1f}x){moonshot}",
                f">= {SPEEDUP_TARGET:.0f}x (moonshot {SPEEDUP_MOONSHOT:.0f}x)",
                speedup >= SPEEDUP_TARGET,
            )
        )
    else:
        out.append(Target(f"native scan vs checkov, {at}", "not measured", f">= {SPEEDUP_TARGET:.0f}x", None))
    if native and floor:
        ratio = native.wall / floor.wall
        out.append(
            Target(
                f"native scan vs floor, {at}",
                f"{ratio:.1f}x the floor ({native.wall:.2f} s vs {floor.wall:.2f} s; "
                f"CPU time {native.cpu / floor.cpu:.1f}x)",
                f"<= {FLOOR_RATIO_TARGET:.0f}x",
                ratio <= FLOOR_RATIO_TARGET,
            )
        )
    else:
        out.append(Target(f"native scan vs floor, {at}", "not measured", f"<= {FLOOR_RATIO_TARGET:.0f}x", None))
    if native:
        plan_mb = results.plan_bytes[SPEEDUP_SIZE] / MIB
        limit = MEMORY_PLAN_FACTOR * plan_mb + MEMORY_ALLOWANCE_MB
        out.append(
            Target(
                f"native scan peak memory, {at}",
                f"{native.peak_mb:.0f} MB (plan {plan_mb:.1f} MB)",
                f"<= 2 x plan + 60 MB = {limit:.0f} MB",
                native.peak_mb <= limit,
            )
        )
    else:
        out.append(Target(f"native scan peak memory, {at}", "not measured", "<= 2 x plan + 60 MB", None))
    without = results.get("checkov_dir", CHECKOV_OVERHEAD_SIZE)
    with_mlm = results.get("checkov_dir_mlm", CHECKOV_OVERHEAD_SIZE)
    noop = results.get("checkov_dir_noop", CHECKOV_OVERHEAD_SIZE)
    name = f"mlmarket checks added to checkov -d, {CHECKOV_OVERHEAD_SIZE:,} resources"
    if without and with_mlm:
        added = with_mlm.wall / without.wall - 1
        control = f"; the no-op control adds {(noop.wall / without.wall - 1) * 100:+.0f}%" if noop else ""
        out.append(
            Target(
                name,
                f"{added * 100:+.0f}% ({without.wall:.1f} s -> {with_mlm.wall:.1f} s; "
                f"CPU time {(with_mlm.cpu / without.cpu - 1) * 100:+.0f}%{control})",
                f"<= +{CHECKOV_OVERHEAD_TARGET * 100:.0f}%",
                added <= CHECKOV_OVERHEAD_TARGET,
            )
        )
    else:
        out.append(Target(name, "not measured", f"<= +{CHECKOV_OVERHEAD_TARGET * 100:.0f}%", None))
    out.append(_growth_target(results, "native_plan"))
    version = results.get("version", 0)
    if version:
        out.append(
            Target(
                "mlmarket --version",
                f"{version.wall * 1000:.0f} ms",
                f"< {VERSION_TARGET_S * 1000:.0f} ms",
                version.wall < VERSION_TARGET_S,
            )
        )
    return out


def dir_scan_targets(results: Results) -> list[Target]:
    """Issues 15 and 16: `mlmarket scan DIR` at least 5x faster than `checkov -d` and no slower than tfparse,
    at 1,000 and 3,000 resources, with linear growth."""
    out = []
    for n in DIR_SCAN_SIZES:
        native = results.get("native_hcl", n)
        for key, target in (("checkov_dir", DIR_SCAN_CHECKOV_TARGET), ("tfparse", DIR_SCAN_TFPARSE_TARGET)):
            other = results.get(key, n)
            tool = "checkov -d" if key == "checkov_dir" else "tfparse"
            name = f"mlmarket scan DIR vs {tool}, {n:,} resources"
            goal = f">= {target:.0f}x" + (" (no slower)" if target == 1 else "")
            if not native or not other:
                out.append(Target(name, "not measured", goal, None))
                continue
            speedup = other.wall / native.wall
            out.append(
                Target(
                    name,
                    f"{speedup:.1f}x faster ({native.wall:.2f} s vs {other.wall:.2f} s; "
                    f"CPU time {other.cpu / native.cpu:.1f}x)",
                    goal,
                    speedup >= target,
                )
            )
    out.append(_growth_target(results, "native_hcl"))
    return out


def _growth_target(results: Results, key: str) -> Target:
    name = f"{results.labels[key]} grows linearly"
    goal = f"b above smallest < {QUADRATIC_EXPONENT}"
    present = [n for n in results.sizes if results.get(key, n)]
    series = [results.samples[(key, n)] for n in present]
    wall_b = growth_above_smallest(present, [s.wall for s in series])
    memory_b = growth_above_smallest(present, [s.peak_mb for s in series])
    if wall_b is None or memory_b is None:
        return Target(name, "needs three sizes", goal, None)
    return Target(
        name,
        f"time b {wall_b:.2f}, memory b {memory_b:.2f} ({present[0]:,} to {present[-1]:,} resources)",
        goal,
        wall_b < QUADRATIC_EXPONENT and memory_b < QUADRATIC_EXPONENT,
    )


# ---------------------------------------------------------------------------------------------------------
# Report


def machine(load: tuple[float, float], tfparse: str) -> list[tuple[str, str]]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass

    def version_of(argv: list[str]) -> str:
        try:
            return subprocess.run(
                argv, capture_output=True, text=True, check=True, env={**os.environ, **CHECKOV_ENV}
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    tools = find_tools()
    return [
        ("CPU", cpu),
        ("cores", str(os.cpu_count())),
        ("memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("checkov", version_of([tools.checkov, "--version"])),
        ("tfparse", tfparse),
        ("mlmarket", version_of([tools.mlmarket, "--version"]).removeprefix("mlmarket ")),
        ("load average (1 min) before / after the run", f"{load[0]:.2f} / {load[1]:.2f}"),
        ("peak memory from", "GNU time %M" if os.access(GNU_TIME, os.X_OK) else "getrusage(RUSAGE_CHILDREN)"),
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def _growth_rows(results: Results) -> list[list[str]]:
    def shown(b: float | None) -> str:
        if b is None:
            return "n/a"
        return f"{b:.2f}" + (" QUADRATIC?" if b >= QUADRATIC_EXPONENT else "")

    rows = []
    for key in ("native_plan", "floor", "checkov_plan", "native_hcl", "tfparse", "checkov_dir", "checkov_dir_mlm"):
        present = [n for n in results.sizes if results.get(key, n)]
        series = [results.samples[(key, n)] for n in present]
        row = [results.labels[key]]
        for metric in (lambda s: s.wall, lambda s: s.cpu, lambda s: s.peak_mb):
            values = [metric(s) for s in series]
            row += [shown(fit_exponent(present, values)), shown(growth_above_smallest(present, values))]
        rows.append(row)
    return rows


def growth_above_smallest(sizes: list[int], values: list[float]) -> float | None:
    """b of (value - value at the smallest size) = a * (n - smallest)^b: the fixed cost (start-up, imports,
    data files) measured at the smallest stack no longer flattens the exponent. Needs three sizes."""
    if len(sizes) < 3:
        return None
    return fit_exponent([n - sizes[0] for n in sizes[1:]], [v - values[0] for v in values[1:]])


PER_RESOURCE_KEYS = ("native_hcl", "tfparse", "checkov_dir", "native_plan", "checkov_plan")


def _per_resource_table(results: Results) -> tuple[list[str], list[list[str]]]:
    """Milliseconds per resource at each size, then per added resource between consecutive sizes."""
    sizes = results.sizes
    steps = list(itertools.pairwise(sizes))
    header = ["command", *(f"ms per resource at {n:,}" for n in sizes)]
    header += [f"ms per added resource, {a:,} to {b:,}" for a, b in steps]
    rows = []
    for key in PER_RESOURCE_KEYS:
        walls = {n: samples.wall for n in sizes if (samples := results.get(key, n))}
        if not walls:
            continue
        row = [results.labels[key]]
        row += [f"{walls[n] / n * 1000:.2f}" if n in walls else "" for n in sizes]
        row += [f"{(walls[b] - walls[a]) / (b - a) * 1000:.2f}" if a in walls and b in walls else "" for a, b in steps]
        rows.append(row)
    return header, rows


def _ratio(numerator: Samples | None, denominator: Samples | None) -> str:
    if not numerator or not denominator:
        return ""
    return f"{numerator.wall / denominator.wall:.1f}x (CPU {numerator.cpu / denominator.cpu:.1f}x)"


def _added(without: Samples | None, with_plugin: Samples | None) -> str:
    if not without or not with_plugin:
        return ""
    return (
        f"{(with_plugin.wall / without.wall - 1) * 100:+.0f}% ({with_plugin.wall - without.wall:+.1f} s; "
        f"CPU {(with_plugin.cpu / without.cpu - 1) * 100:+.0f}%)"
    )


def render(results: Results, machine_rows: list[tuple[str, str]]) -> str:
    sizes = results.sizes
    parts = [
        "# Performance",
        "",
        f"Written by `bench/run_benchmarks.py` on {results.started:%Y-%m-%d %H:%M} UTC; do not edit by hand, "
        "run the script again.",
        f"{results.repeat} repetitions of every command, interleaved; figures are medians "
        f"(min-max in brackets); the whole run took {results.elapsed_s / 60:.1f} min. Targets are judged on wall "
        "time, as the issue states them; CPU time (user + system, child processes included) is shown beside it "
        "because it does not stretch when other work shares the machine.",
        "",
        "## Machine",
        "",
        _table(["", ""], [[name, value] for name, value in machine_rows]),
        "",
        "## Targets: the directory scan (issues 15 and 16)",
        "",
        _table(
            ["target", "measured", "goal", "verdict"],
            [[t.name, t.measured, t.goal, t.verdict] for t in dir_scan_targets(results)],
        ),
        "",
        "## Targets (issue 6)",
        "",
        _table(
            ["target", "measured", "goal", "verdict"],
            [[t.name, t.measured, t.goal, t.verdict] for t in targets(results)],
        ),
        "",
        "## Stacks",
        "",
        "Generated by `bench/generate_stack.py` (seeded), written as sellers' repositories write Terraform: per "
        "product an ECR repository, an S3 bucket, three SageMaker models (`for_each` over a map of objects in a "
        "local), their endpoint configurations (`for_each` over a `for` expression filtering that map, "
        "`serverless ? null : instance_type` conditionals, `dynamic` serverless and asynchronous-inference "
        "blocks) and a pipeline behind `count = var.enabled ? 1 : 0` whose definition is a `jsonencode` "
        "interpolating locals; locals computed with `format`, `lookup`, `merge`, `try`, `coalesce`, `join` and "
        "`substr`; image URIs from `data.aws_caller_identity.current.account_id` and "
        "`data.aws_region.current.name`; every tenth product a canary endpoint configuration behind a guard that "
        "is off. A tenth of the resources are instances of a local module called with `for_each` and the aliased "
        "`aws.west` provider. About one model in ten, and a few endpoint configurations and pipelines, break a "
        "rule. N counts resource instances after expansion, as `terraform plan` counts them; tests/bench/ proves "
        "it with mlmarket's scan and, for a small stack, with Terraform's own plan, which equals the generated "
        "plan.json byte for byte.",
        "",
        _table(
            ["resources", "plan.json", "Terraform files"],
            [
                [f"{n:,}", f"{results.plan_bytes[n] / MIB:.2f} MB", f"{results.hcl_bytes[n] / MIB:.2f} MB"]
                for n in sizes
            ],
        ),
        "",
        "## Wall time and peak memory",
        "",
    ]
    rows = []
    for n in sizes:
        for key in results.labels:
            samples = results.get(key, n)
            if samples is None:
                continue
            spread = f"{_seconds(min(samples.wall_s))}-{_seconds(max(samples.wall_s))}"
            rows.append(
                [
                    f"{n:,}",
                    results.labels[key],
                    f"{_seconds(samples.wall)} ({spread})",
                    _seconds(samples.cpu),
                    f"{samples.peak_mb:.0f}",
                    samples.summary,
                ]
            )
    version = results.get("version", 0)
    if version:
        spread = f"{_seconds(min(version.wall_s))}-{_seconds(max(version.wall_s))}"
        rows.append(
            [
                "-",
                results.labels["version"],
                f"{_seconds(version.wall)} ({spread})",
                _seconds(version.cpu),
                f"{version.peak_mb:.0f}",
                "",
            ]
        )
    parts += [_table(["resources", "command", "wall s", "CPU s", "peak RSS MB", "results"], rows), ""]

    parts += ["## Ratios", ""]
    ratio_rows = []
    for n in sizes:
        native, checkov, floor = (results.get(k, n) for k in ("native_plan", "checkov_plan", "floor"))
        native_hcl, without = results.get("native_hcl", n), results.get("checkov_dir", n)
        tfparse = results.get("tfparse", n)
        added = [
            _added(without, results.get(key, n))
            for key in ("checkov_dir_mlm", "checkov_dir_mlm_in_process", "checkov_dir_noop")
        ]
        ratio_rows.append(
            [
                f"{n:,}",
                _ratio(checkov, native),
                _ratio(native, floor),
                _ratio(without, native_hcl),
                _ratio(tfparse, native_hcl),
                *added,
            ]
        )
    parts += [
        _table(
            [
                "resources",
                "checkov plan / native plan",
                "native plan / floor",
                "checkov -d / native HCL",
                "tfparse / native HCL",
                "mlmarket checks added to checkov -d",
                "... in-process (no child)",
                "no-op control added",
            ],
            ratio_rows,
        ),
        "",
        "## Time per resource",
        "",
        "Wall time divided by the resources, at each size, and what each added resource costs from one size to the "
        "next (the difference of the times over the difference of the sizes): a linear scan adds the same time "
        "per resource at every step, while start-up, paid once, makes the per-resource figure fall as stacks grow.",
        "",
        _table(*_per_resource_table(results)),
        "",
        "## Growth",
        "",
        "Exponent b of a least-squares fit of time = a * n^b (wall and CPU time, and peak memory) over the sizes, "
        "in log space: 1 is linear, 1.5 or more is flagged as quadratic. Start-up (interpreter, imports, data "
        "files) is a fixed cost that pulls the raw exponent below 1 when it dominates the small stacks, so each "
        "figure also has its fit above the smallest stack: (value - value at the smallest size) against "
        "(n - smallest size), which is what grows with the stack (needs three sizes).",
        "",
        _table(
            [
                "command",
                "wall b",
                "wall b above smallest",
                "CPU b",
                "CPU b above smallest",
                "memory b",
                "memory b above smallest",
            ],
            _growth_rows(results),
        ),
        "",
        "## Method",
        "",
        "- Commands (stdout to a file, stderr dropped; exit codes 0 and 1 accepted, anything else aborts):",
        "",
    ]
    parts += [f"  - {results.labels[key]}: `{' '.join(argv)}`" for key, argv in results.commands.items()]
    parts += [
        "",
        f"- tfparse ({results.tfparse_version}) runs from a virtual environment of its own, never installed beside "
        "mlmarket: its timed command starts Python, imports tfparse, calls `load_from_path(DIR)` and prints how "
        "many resource instances it returned (the results column), without the `terraform init` that its README "
        "asks for (the stack's only module is local). It evaluates less than a plan does: where it cannot "
        "resolve a value it leaves the reference text in place, and its count can fall short of N when it does "
        "not expand every module instance.",
        "- The results column: mlmarket's verdicts and the resources they are about (distinct addresses: "
        "instances, as in a plan); checkov's passed and failed checks and its `resource_count`, which counts "
        "resource blocks of the source, not their `count`/`for_each` instances; tfparse's resource instances.",
        "- checkov runs with " + ", ".join(f"`{k}={v}`" for k, v in CHECKOV_ENV.items()) + " and `--skip-download`;"
        " nothing touches the network.",
        "- The floor is what any scanner of the plan pays: start the same Python and `json.load` the plan.",
        '- "mlmarket checks added to checkov -d" compares the run a checkov user already has (`checkov -d DIR '
        "--framework terraform`, every built-in check, graph checks included) with the same run plus "
        '`--external-checks-dir "$(mlmarket checks-dir)"`: the difference is everything the plugin costs (its '
        "import, its own read of the directory, the rules, the per-resource look-ups). Restricting both runs "
        "with `-c CKV_AWS_*` and `-c CKV_AWS_*,CKV_MLM_*` would not change the seconds the plugin adds (the "
        "same checks run, on the same read of the directory); it would only change the baseline, by dropping "
        "checkov's graph (`CKV2_*`) checks, which no user turns off to add a plugin. The percentage here is "
        "the one a user sees.",
        "- The plugin starts mlmarket's scan of the directory in a child process as checkov imports the checks, "
        "so it runs on the second core while checkov parses (`mlmarket.checkov_plugin.prescan`); the "
        '"in-process" run turns that off (`MLMARKET_CHECKOV_PRESCAN=0`) and shows what it saves. CPU time '
        "counts the child too.",
        '- The "no-op control" plugin has one check per mlmarket rule, on the same resource types, that only '
        "returns PASSED: what checkov charges any plugin for checking those resources (its per-check logging, "
        "one record per result, the JSON output of each), which no plugin can take back. The plugin's own cost "
        "is the difference between its run and the control's.",
        "- Python's bytecode is cached as after any install: the measured commands run without "
        "`PYTHONDONTWRITEBYTECODE`, after one untimed warm-up run of each command.",
        "- Peak memory is the maximum resident set size of the command's process (for checkov with the plugin, "
        "the larger of checkov and the child).",
        "",
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Main


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not sizes or sizes[0] < len(generate_stack.GROUP_PATTERN):
        raise argparse.ArgumentTypeError(f"sizes must be at least {len(generate_stack.GROUP_PATTERN)}")
    return sizes


def benchmark(
    sizes: list[int], repeat: int, work_dir: Path, tfparse_venv: Path | None, progress: Callable[[str], None]
) -> Results:
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()[0]
    clock = time.perf_counter()
    tools = find_tools()
    tools = replace(
        tools,
        noop_checks_dir=str(write_noop_checks(work_dir / "noop_checks")),
        tfparse_python=tfparse_python(tfparse_venv or work_dir / "tfparse-venv", progress),
    )
    stacks: dict[int, Path] = {}
    for n in sizes:
        stacks[n] = generate_stack.write_stack(work_dir / f"stack-{n}", n)
        progress(f"generated {n:,} resources in {stacks[n]}")
    per_size = {n: stack_commands(tools, stacks[n]) for n in sizes}
    version = version_command(tools)
    labels = {command.key: command.label for command in per_size[sizes[0]]}
    labels[version.key] = version.label
    samples: dict[tuple[str, int], Samples] = {}
    outputs = work_dir / "outputs"
    outputs.mkdir(exist_ok=True)

    # Warm-up, not counted: the first start of each tool compiles and caches bytecode.
    for command in [*per_size[sizes[0]], version]:
        run_once(command, outputs / "warm-up")

    for repetition in range(1, repeat + 1):
        jobs = [(version, 0)] + [(command, n) for n in sizes for command in per_size[n]]
        for command, n in jobs:
            stdout_path = outputs / f"{command.key}-{n}.out"
            measured = run_once(command, stdout_path)
            entry = samples.setdefault((command.key, n), Samples())
            entry.wall_s.append(measured.wall_s)
            entry.cpu_s.append(measured.cpu_s)
            entry.peak_kb.append(measured.peak_kb)
            if repetition == 1:
                entry.summary = summarize_output(command, stdout_path)
            where = f"{n:>6,}" if n else "     -"
            progress(
                f"[{repetition}/{repeat}] {where} {command.label:<44} {measured.wall_s:8.3f} s wall "
                f"{measured.cpu_s:8.3f} s CPU {measured.peak_kb / 1024:6.0f} MB"
            )

    example = sizes[-1]
    commands = {command.key: _shown_argv(command, stacks[example], work_dir) for command in per_size[example]}
    commands[version.key] = _shown_argv(version, stacks[example], work_dir)
    return Results(
        sizes=sizes,
        repeat=repeat,
        samples=samples,
        labels=labels,
        plan_bytes={n: (stacks[n] / "plan.json").stat().st_size for n in sizes},
        hcl_bytes={n: sum(p.stat().st_size for p in stacks[n].rglob("*.tf")) for n in sizes},
        commands=commands,
        started=started,
        elapsed_s=time.perf_counter() - clock,
        load=(load_before, os.getloadavg()[0]),
        tfparse_version=tfparse_version(tools.tfparse_python),
    )


def _shown_argv(command: Command, stack_dir: Path, work_dir: Path) -> list[str]:
    """The command line as a reader would type it: tool names, not venv paths; DIR, not a temp path."""
    shown = []
    for index, arg in enumerate(command.argv):
        if index == 0:
            shown.append(Path(arg).name)
        elif arg in (FLOOR_CODE, TFPARSE_CODE):
            shown.append(json.dumps(arg))
        elif arg.startswith(str(stack_dir)):
            shown.append(arg.replace(str(stack_dir), "DIR"))
        elif arg.endswith("checkov_plugin/checks"):
            shown.append('"$(mlmarket checks-dir)"')
        elif arg.endswith("noop_checks"):
            shown.append("NOOP_CHECKS")
        elif arg == "CKV_MLM_*":
            shown.append("'CKV_MLM_*'")
        else:
            shown.append(arg)
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, help="comma-separated resource counts (default 100,1000,3000)")
    parser.add_argument("--full", action="store_true", help=f"add {FULL_SIZE:,} resources to the sizes")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of every command (default 5)")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {DOC_PATH.name}")
    parser.add_argument("--work-dir", type=Path, help="where the stacks go (default: a temporary directory)")
    parser.add_argument(
        "--tfparse-venv",
        type=Path,
        help="virtual environment holding tfparse: used as it is if it has tfparse, else created there "
        f"with {TFPARSE_REQUIREMENT} (default: a new one in the work directory)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = sorted(set(args.sizes or DEFAULT_SIZES) | ({FULL_SIZE} if args.full else set()))

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
        results = benchmark(sizes, args.repeat, args.work_dir, args.tfparse_venv, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="mlmarket-bench-") as temporary:
            results = benchmark(sizes, args.repeat, Path(temporary), args.tfparse_venv, progress)
    document = render(results, machine(results.load, results.tfparse_version))
    print(document)
    if not args.no_write:
        write_document(DOC_PATH, document)
        print(f"wrote {DOC_PATH.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


def write_document(path: Path, document: str) -> None:
    """Write this script's part of the document: everything from AUDIT_MARKER on belongs to bench/audit_org.py
    and is kept as it is."""
    kept = ""
    if path.exists():
        existing = path.read_text(encoding="utf-8")
        if (at := existing.find(AUDIT_MARKER)) >= 0:
            kept = existing[at:]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document.rstrip("\n") + "\n\n" + kept if kept else document, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
