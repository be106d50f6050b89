"""mlmarket's scan of what checkov is about to scan, started early in a second process.

checkov imports the external checks at the start of its runner's `run`, then spends seconds parsing and
rendering the configuration on one core before it calls the first check. The mlmarket scan every check
needs (mlmarket reads the source itself: checkov's parsed definitions are rewritten in place, lists sorted
and "true" turned into True) runs meanwhile in a child process, on the core checkov leaves idle; the first
check collects its results. A checkov user then waits for mlmarket only where its scan outlasts checkov's
own parse (on one core the two share it: the same work as before, plus a Python start). When the child
fails in any way, the checks scan in-process as before; the results are the same either way
(tests/checkov/test_prescan.py).

`MLMARKET_CHECKOV_PRESCAN=0` turns it off. The child runs this module's `_main` on the targets and prints the
results of each as JSON on stdout.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import Any, NamedTuple

DISABLE_ENV = "MLMARKET_CHECKOV_PRESCAN"
_RUNNER_MODULES = {"checkov.terraform.runner": False, "checkov.terraform.plan_runner": True}


class Verdicts(NamedTuple):
    """One scan's results as the checks look them up: (rule ID, file, address, verdict, message) rows."""

    rows: list[tuple[str, str, str, str, str]]


class ScanFailed(NamedTuple):
    """The source could not be read (mlmarket's one-line input error): every check fails with it."""

    message: str


class _Child:
    """One child scanning every target of a runner run (`checkov -f a.json -f b.json` starts one, not two)."""

    def __init__(self, targets: list[str]) -> None:
        self.process = _spawn(targets)
        self.outcomes: dict[str, Verdicts | ScanFailed] | None = None

    def outcome(self, target: str) -> Verdicts | ScanFailed | None:
        if self.outcomes is None:
            try:
                output, _ = self.process.communicate()
            except OSError:
                output = b""
            self.outcomes = _decode(output) if self.process.returncode == 0 else {}
        return self.outcomes.get(target)


_pending: dict[str, _Child] = {}
# For tests and debugging, in order: the targets a child was started for, and those it served.
started: list[str] = []
collected: list[str] = []


def start_for_current_run(check: Any) -> None:
    """Called as checkov imports each check: start one child for the scanned targets of the running runner,
    unless the run's filter (`-c`, `--skip-check`) leaves this check out."""
    if os.environ.get(DISABLE_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return
    targets = [t for t in _targets_of_running_runner(check) if t not in _pending]
    if targets:
        child = _Child(targets)
        for target in targets:
            _pending[target] = child
        started.extend(targets)


def collect(target: str) -> Verdicts | ScanFailed | None:
    """The child's verdicts for `target`, or None when none was started or it failed (scan in-process)."""
    child = _pending.pop(target, None)
    found = child.outcome(target) if child is not None else None
    if found is not None:
        collected.append(target)
    return found


def _targets_of_running_runner(check: Any) -> list[str]:
    frame = sys._getframe(1)
    while frame is not None:
        runner = frame.f_locals.get("self") if frame.f_code.co_name == "run" else None
        is_plan = _RUNNER_MODULES.get(type(runner).__module__) if runner is not None else None
        if is_plan is not None and not _selected(check, frame.f_locals.get("runner_filter"), runner):
            return []
        if is_plan is True:
            files = frame.f_locals.get("files") or []
            return [os.path.abspath(f) for f in files if isinstance(f, str) and f.endswith(".json")]
        if is_plan is False:
            root = frame.f_locals.get("root_folder")
            return [os.path.abspath(root)] if isinstance(root, str) else []
        frame = frame.f_back
    return []


def _selected(check: Any, runner_filter: Any, runner: Any) -> bool:
    if runner_filter is None:
        return True
    try:
        return bool(runner_filter.should_run_check(check=check, report_type=getattr(runner, "check_type", None)))
    except Exception:  # checkov's filter API moved: start the child, at worst it was not needed
        return True


def _spawn(targets: list[str]) -> subprocess.Popen[bytes]:
    # The child imports mlmarket as any process of this interpreter would (the same install, nearly always);
    # this package's own parent directory goes last on its path for a parent that found mlmarket some other
    # way. Last, not in PYTHONPATH: that would put a site-packages directory ahead of the standard library.
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bootstrap = (
        "import runpy, sys; sys.path.append(sys.argv.pop(1)); "
        "runpy.run_module('mlmarket.checkov_plugin.prescan', run_name='__main__', alter_sys=True)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", bootstrap, package_parent, *targets],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a failed child is replaced by the in-process scan, which says why
    )


def verdict_rows(results: list[Any]) -> list[tuple[str, str, str, str, str]]:
    """mlmarket Results as the checks look them up, whether scanned here or in the child."""
    return [(r.rule_id, r.file or "", r.address, r.verdict.value, r.message) for r in results]


def _decode(output: bytes) -> dict[str, Verdicts | ScanFailed]:
    import orjson

    try:
        document: Any = orjson.loads(output)
    except orjson.JSONDecodeError:
        return {}
    outcomes: dict[str, Verdicts | ScanFailed] = {}
    for target, outcome in document.items() if isinstance(document, dict) else ():
        if isinstance(outcome, dict) and isinstance(outcome.get("error"), str):
            outcomes[target] = ScanFailed(outcome["error"])
        elif isinstance(outcome, dict) and isinstance(outcome.get("results"), list):
            outcomes[target] = Verdicts([tuple(row) for row in outcome["results"]])
    return outcomes


@atexit.register
def _stop_uncollected() -> None:
    """A run that never asked (no resource of an mlmarket type) leaves no child behind."""
    for child in {id(c): c for c in _pending.values()}.values():
        if child.process.poll() is None:
            child.process.kill()
        child.process.wait()
    _pending.clear()


def _main(targets: list[str]) -> int:
    import orjson

    from mlmarket.errors import InputError
    from mlmarket.scan import scan_path
    from mlmarket.settings import Settings

    document: dict[str, Any] = {}
    for target in targets:
        try:
            results = scan_path(target, Settings())
        except InputError as error:
            document[target] = {"error": error.one_line()}
        else:
            document[target] = {"results": verdict_rows(results)}
    sys.stdout.buffer.write(orjson.dumps(document))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
