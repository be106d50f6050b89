"""Measure the source reader against Terraform on the public corpus (extracted by bench/corpus/extract.py).

    python bench/corpus/measure.py [--corpus /tmp/corpus] [--repo owner/name ...]

For every root of every extracted repository:
1. `mlmarket scan ROOT --format json` (its exit code is recorded), with a placeholder for every required
   variable (bench/corpus/root_inputs.py) given as `--var`;
2. a copy of the repository with offline files in the root (fake credentials, the version constraints of the
   machine's Terraform and provider, a local backend: bench/corpus/root_inputs.py) is planned with the real
   terraform, offline, with the provider mirror and the same placeholders as `-var`
   (tests/terraform_config/offline_plan.py). `data.aws_caller_identity` is answered by moto on 127.0.0.1, the
   only endpoint the plans reach;
3. the root's stack read from the source is compared with the one read from the plan, over what the rules read
   (tests/source_vs_plan.py).

Prints a table (roots, planned, exit codes, addresses and attributes agreeing) and writes, outside the
repository, `<corpus>/results/differences.txt` (every difference, explained or not, and why each root was not
planned) and `<corpus>/results/results.json`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "terraform_config"), str(Path(__file__).resolve().parent)]

from mlmarket.errors import InputError  # noqa: E402
from mlmarket.model import Unknown  # noqa: E402
from mlmarket.readers.hcl import read_directory  # noqa: E402
from mlmarket.readers.plan_json import read_plan  # noqa: E402

from offline_plan import PlanRequest, missing_tools, plan_offline  # noqa: E402
from root_inputs import has_backend, offline_files, placeholder_variables, root_blocks  # noqa: E402
from source_vs_plan import EXPECTED, Difference, ExpectedKind, compare  # noqa: E402

DEFAULT_CORPUS = Path("/tmp/corpus")
SCAN_TIMEOUT_SECONDS = 300
# Used by terraform only where a provider configuration sets no region (the source reader then says the region
# is unknown, and so does the plan reader: the plan shows no region expression).
PLAN_ENVIRONMENT = {"AWS_REGION": "us-east-1"}


def _added_default_provider(difference: Difference) -> bool:
    plan = difference.plan
    return (
        difference.where == "(default region)"
        and difference.source is None
        and isinstance(plan, Unknown)
        and "sets no region" in plan.reason
    )


# The measurement writes a provider block into a root that has none (bench/corpus/root_inputs.py): the plan
# then shows a default provider with no region where the source has no default provider. Both say the same to
# the rules: no known default region.
ADDED_PROVIDER = ExpectedKind(
    "measurement: the provider block added to a root without one",
    "the plan's default provider is the one the measurement added, without a region",
    _added_default_provider,
)


@dataclass
class RootResult:
    repo: str
    root: str
    scan_exit: int | None = None
    scan_error: str = ""
    placeholders: list[str] = field(default_factory=list)
    planned: bool = False
    plan_problem: str = ""  # why terraform made no plan: its first error
    plan_step: str = ""
    source_error: str = ""
    addresses_source: int = 0
    addresses_plan: int = 0
    addresses_agreeing: int = 0
    places_compared: int = 0
    places_agreeing: int = 0
    places_explained: int = 0
    differences: list[str] = field(default_factory=list)
    explained: dict[str, int] = field(default_factory=dict)
    explained_examples: list[str] = field(default_factory=list)


def _scan(root: Path, variables: list[str]) -> tuple[int, str]:
    arguments = [sys.executable, "-m", "mlmarket", "scan", str(root), "--format", "json"]
    for text in variables:
        arguments += ["--var", text]
    try:
        done = subprocess.run(arguments, capture_output=True, text=True, timeout=SCAN_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return -1, "timed out"
    lines = done.stderr.strip().splitlines()
    return done.returncode, (lines[-1] if lines and done.returncode == 2 else "")


def _source_stack(root: Path, variables: list[str]):
    stacks = read_directory(str(root), [("var", text) for text in variables])
    matching = [s for s in stacks if os.path.realpath(s.source) == os.path.realpath(root)]
    if not matching:
        raise InputError(str(root), "no stack for the root itself (it is a module called by another root)")
    return matching[0]


def _first_error(output: str) -> str:
    match = re.search(r"Error: (.+)", output)
    first = match.group(1).strip() if match else (output.strip().splitlines() or ["(no output)"])[-1]
    provider = re.search(r"available versions for provider\s+([\w./-]+)", output)
    return f"{first}: {provider.group(1)}" if provider else first


@contextlib.contextmanager
def local_sts(log: Path) -> Iterator[str]:
    """moto in server mode on 127.0.0.1 (a free port): the STS that answers data.aws_caller_identity in the plans,
    so that roots reading the caller's account plan without AWS. Stopped when the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError as error:
                if server.poll() is not None:
                    problem = f"moto server did not start: {log.read_text(encoding='utf-8')[-2000:]}"
                    raise RuntimeError(problem) from error
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _plan_copy(entry: dict, root: str, work: Path, blocks, sts: str) -> Path:
    """A copy of the repository (once per repository) with the offline files in `root`."""
    copy = work / "plans" / Path(entry["directory"]).name
    if not copy.exists():
        shutil.copytree(entry["directory"], copy, symlinks=True, ignore=shutil.ignore_patterns(".terraform"))
    # A committed lock file pins the versions the authors used; the copy is planned with the machine's.
    (copy / root / ".terraform.lock.hcl").unlink(missing_ok=True)
    # A committed state would make the plan a diff against resources that exist (their attributes known from the
    # state); a source scan reads the configuration as a new deployment, so the copy is planned without it.
    for state in (copy / root).glob("terraform.tfstate*"):
        state.unlink()
    for name, text in offline_files(blocks, sts).items():
        (copy / root / name).write_text(text, encoding="utf-8")
    return copy / root


def measure(corpus: Path, only: set[str]) -> list[RootResult]:
    entries = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))
    work = corpus / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    with local_sts(work / "moto.log") as sts:
        return _measure(entries, work, only, sts)


def _measure(entries: list[dict], work: Path, only: set[str], sts: str) -> list[RootResult]:
    results: list[RootResult] = []
    requests: list[tuple[RootResult, PlanRequest]] = []
    sources = {}
    for entry in entries:
        if entry["status"] != "extracted" or (only and entry["repo"] not in only):
            continue
        for root in entry["roots"]:
            result = RootResult(entry["repo"], root)
            results.append(result)
            root_dir = Path(entry["directory"]) / root
            try:
                blocks = root_blocks(root_dir)
            except InputError as error:
                blocks = []
                result.source_error = str(error)
            result.placeholders = placeholder_variables(root_dir, blocks) if blocks else []
            result.scan_exit, result.scan_error = _scan(root_dir, result.placeholders)
            try:
                sources[id(result)] = _source_stack(root_dir, result.placeholders)
            except InputError as error:
                result.source_error = str(error)
            planned_root = _plan_copy(entry, root, work, blocks, sts)
            request = PlanRequest(planned_root, tuple(f"-var={t}" for t in result.placeholders), PLAN_ENVIRONMENT,
                                  init_backend=has_backend(blocks))
            requests.append((result, request))
    outcomes = plan_offline([request for _, request in requests], work / "terraform")
    for (result, _), outcome in zip(requests, outcomes, strict=True):
        if outcome.plan_path is None:
            result.plan_problem, result.plan_step = _first_error(outcome.error), outcome.step
            continue
        try:
            plan = read_plan(str(outcome.plan_path))
        except InputError as error:
            result.plan_problem, result.plan_step = f"the plan reader refused the plan: {error}", "read"
            continue
        result.planned = True
        source = sources.get(id(result))
        if source is None:
            continue
        comparison = compare(source, plan, (*EXPECTED, ADDED_PROVIDER))
        result.addresses_source, result.addresses_plan = comparison.addresses_source, comparison.addresses_plan
        result.addresses_agreeing = comparison.addresses_agreeing
        result.places_compared, result.places_agreeing = comparison.places_compared, comparison.places_agreeing
        result.places_explained = comparison.places_explained
        result.differences = [str(d) for d in comparison.differences]
        result.explained = dict(Counter(name for _, name in comparison.explained))
        result.explained_examples = [f"[{name}] {d}" for d, name in comparison.explained]
    return results


def _table(results: list[RootResult]) -> str:
    header = f"{'root':64} {'exit':>4} {'plan':>10} {'addresses':>11} {'places':>11} {'expl':>5} {'diff':>4}"
    lines = [header, "-" * len(header)]
    for r in results:
        name = f"{r.repo}:{r.root}"[:64]
        plan = "planned" if r.planned else (r.plan_step or "-")
        addresses = f"{r.addresses_agreeing}/{max(r.addresses_source, r.addresses_plan)}" if r.planned else ""
        places = f"{r.places_agreeing}/{r.places_compared}" if r.planned else ""
        explained = str(r.places_explained) if r.planned else ""
        differences = str(len(r.differences)) if r.planned else ""
        lines.append(f"{name:64} {r.scan_exit!s:>4} {plan:>10} {addresses:>11} {places:>11} {explained:>5} "
                     f"{differences:>4}")
    compared = [r for r in results if r.planned and not r.source_error]
    exits = Counter(r.scan_exit for r in results)
    lines += [
        "",
        f"roots scanned: {len(results)} (exit codes: "
        + ", ".join(f"{code}: {count}" for code, count in sorted(exits.items(), key=str)) + ")",
        f"roots planned offline: {sum(r.planned for r in results)}; compared: {len(compared)}",
        f"addresses agreeing: {sum(r.addresses_agreeing for r in compared)} of "
        f"{sum(max(r.addresses_source, r.addresses_plan) for r in compared)}",
        f"places agreeing: {sum(r.places_agreeing for r in compared)} of {sum(r.places_compared for r in compared)}"
        f" ({sum(r.places_explained for r in compared)} of them by an expected kind of difference)",
        f"roots in full agreement: {sum(not r.differences for r in compared)} of {len(compared)}",
    ]
    kinds = Counter()
    for r in compared:
        kinds.update(r.explained)
    lines += [f"  expected kind '{name}': {count}" for name, count in kinds.most_common()]
    problems = Counter(r.plan_problem for r in results if not r.planned)
    lines += ["", "not planned:"] + [f"  {count} x {problem}" for problem, count in problems.most_common()]
    return "\n".join(lines)


def _differences_report(results: list[RootResult]) -> str:
    out = []
    for r in results:
        out.append(f"== {r.repo}:{r.root} (scan exit {r.scan_exit})")
        if r.placeholders:
            out.append("   placeholders: " + " ".join(r.placeholders))
        if r.scan_error:
            out.append(f"   scan error: {r.scan_error}")
        if r.source_error:
            out.append(f"   source error: {r.source_error}")
        if not r.planned:
            out.append(f"   not planned ({r.plan_step}): {r.plan_problem}")
        out += [f"   DIFF {d}" for d in r.differences]
        out += [f"   expl {d}" for d in r.explained_examples]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repo", action="append", default=[], help="only this repository (owner/name)")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if corpus == REPO or REPO in corpus.parents:
        print(f"measure: error: {corpus} is inside the repository; the corpus is never committed", file=sys.stderr)
        return 2
    if not (corpus / "corpus.json").is_file():
        print(f"measure: error: no {corpus / 'corpus.json'}: run bench/corpus/extract.py first", file=sys.stderr)
        return 2
    reason = missing_tools()
    if reason is not None:
        print(f"measure: error: {reason}", file=sys.stderr)
        return 2
    results = measure(corpus, set(args.repo))
    report_dir = corpus / "results"
    report_dir.mkdir(exist_ok=True)
    (report_dir / "differences.txt").write_text(_differences_report(results), encoding="utf-8")
    (report_dir / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n",
                                             encoding="utf-8")
    print(_table(results))
    print(f"\ndifferences: {report_dir / 'differences.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
