"""mlmarket's scan of what checkov is about to scan, started early in a second process.

checkov imports the external checks at the start of its runner's `run`, then spends seconds parsing and
rendering the configuration on one core before it calls the first check. The mlmarket scan every check
needs (mlmarket reads the source itself: checkov's parsed definitions are rewritten in place, lists sorted
and "true" turned into True) runs meanwhile in a child process, on the core checkov leaves idle; the first
check collects its results. A checkov user then waits for mlmarket only where its scan outlasts checkov's
own parse (on one core the two share it: the same work as before, plus a Python start). The results are the
same either way (tests/checkov/test_prescan.py). A child that cannot be started leaves the scan to the checks,
in-process; a child that started and then died, or printed what cannot be read, fails every check with
that error (fail closed): whatever killed it might kill checkov's own process too.

`MLMARKET_CHECKOV_PRESCAN=0` turns it off. The child runs this module's `_main` on the targets and prints the
results of each as JSON on stdout.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import traceback
from typing import Any, NamedTuple

DISABLE_ENV = "MLMARKET_CHECKOV_PRESCAN"
_RUNNER_MODULES = {"checkov.terraform.runner": False, "checkov.terraform.plan_runner": True}


Row = tuple[str, str, str, str, str, str]
_ROW_FIELDS = 6


class Verdicts(NamedTuple):
    """One scan's results as the checks look them up: (rule ID, file, address, verdict, message, stack) rows;
    the stack is the root module (or plan) whose build judged the resource."""

    rows: list[Row]


class ScanFailed(NamedTuple):
    """The source could not be scanned (mlmarket's one-line input error, or any other error in one line):
    every check fails with it."""

    message: str


def describe(error: BaseException) -> str:
    """Any error in one line: an input error as mlmarket words it, anything else with its type and where in
    mlmarket it was raised."""
    from mlmarket.errors import InputError

    if isinstance(error, InputError):
        return _one_line(error.one_line())
    where = ""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(package + os.sep):
            where = f" at mlmarket/{os.path.relpath(frame.filename, package)}:{frame.lineno}"
            break
    try:
        text = _one_line(str(error))
    except Exception:  # an error that cannot even be printed is still reported
        text = "(its message cannot be printed)"
    return f"internal error ({type(error).__name__}{where}){': ' + text if text else ''}"


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Child:
    """One child scanning every target of a runner run (`checkov -f a.json -f b.json` starts one, not two)."""

    def __init__(self, targets: list[str], options: list[tuple[str, str]]) -> None:
        self.targets = targets
        # The child's stderr goes to a file, not a pipe that nobody reads while checkov parses.
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the child is done)
        try:
            self.process = _spawn(targets, options, self.stderr)
        except BaseException:
            self.stderr.close()
            raise
        self.outcomes: dict[str, Verdicts | ScanFailed] | None = None

    def outcome(self, target: str) -> Verdicts | ScanFailed:
        if self.outcomes is None:
            self.outcomes = self._finish()
        found = self.outcomes.get(target)
        return found if found is not None else ScanFailed(f"mlmarket's scan process gave no result for {target}")

    def _finish(self) -> dict[str, Verdicts | ScanFailed]:
        try:
            output, _ = self.process.communicate()
        except Exception as error:
            self.process.kill()
            self.process.wait()
            return self._failed(f"reading it failed: {describe(error)}")
        if self.process.returncode != 0:
            code = self.process.returncode
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
            return self._failed(how + self._last_error_line())
        self._forward_warnings()
        outcomes = _decode(output, self.targets)
        if outcomes is None:
            return self._failed(f"printed output that cannot be read ({len(output)} bytes)")
        return outcomes

    def _failed(self, how: str) -> dict[str, Verdicts | ScanFailed]:
        failed = ScanFailed(f"mlmarket's scan process {how}")
        return dict.fromkeys(self.targets, failed)

    def _forward_warnings(self) -> None:
        """What a successful scan said on stderr (a config that skips every rule, modules not read) is said
        once here, in checkov's process, as the native CLI says it."""
        try:
            self.stderr.seek(0)
            text = self.stderr.read().decode(errors="replace")
        except Exception:  # a warning that cannot be read is not a verdict: the results stand
            text = ""
        finally:
            self.stderr.close()
        if text.strip():
            sys.stderr.write(text if text.endswith("\n") else text + "\n")

    def _last_error_line(self) -> str:
        try:
            self.stderr.seek(0)
            lines = [line for line in self.stderr.read().decode(errors="replace").splitlines() if line.strip()]
        except Exception:  # what the child said is only a hint: its exit status is the error
            lines = []
        finally:
            self.stderr.close()
        return f": {_one_line(lines[-1])}" if lines else ""


_pending: dict[str, _Child] = {}
# For tests and debugging, in order: the targets a child was started for, and those it served.
started: list[str] = []
collected: list[str] = []


def start_for_current_run(check: Any) -> None:
    """Called as checkov imports each check: start one child for the scanned targets of the running runner,
    unless the run's filter (`-c`, `--skip-check`) leaves this check out."""
    if os.environ.get(DISABLE_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return
    if getattr(sys, "frozen", False):  # sys.executable is not a Python that runs `-c`
        return
    found, runner_filter = _targets_of_running_runner(check)
    targets = [t for t in found if t not in _pending]
    if targets:
        try:
            child = _Child(targets, terraform_options(runner_filter))
        except OSError:  # no child (no process could be started): the checks scan in-process
            return
        for target in targets:
            _pending[target] = child
        started.extend(targets)


def collect(target: str) -> Verdicts | ScanFailed | None:
    """The child's verdicts for `target` (ScanFailed when it failed), or None when none was started for it
    (the checks scan in-process)."""
    child = _pending.pop(target, None)
    found = child.outcome(target) if child is not None else None
    if found is not None:
        collected.append(target)
    return found


def _targets_of_running_runner(check: Any) -> tuple[list[str], Any]:
    """The scanned targets of the runner being run, and its RunnerFilter (the run's options)."""
    frame = sys._getframe(1)
    while frame is not None:
        runner = frame.f_locals.get("self") if frame.f_code.co_name == "run" else None
        is_plan = _RUNNER_MODULES.get(type(runner).__module__) if runner is not None else None
        runner_filter = frame.f_locals.get("runner_filter")
        if is_plan is not None and not _selected(check, runner_filter, runner):
            return [], None
        if is_plan is True:
            files = frame.f_locals.get("files") or []
            return [os.path.abspath(f) for f in files if isinstance(f, str) and f.endswith(".json")], runner_filter
        if is_plan is False:
            root = frame.f_locals.get("root_folder")
            return ([os.path.abspath(root)] if isinstance(root, str) else []), runner_filter
        frame = frame.f_back
    return [], None


def terraform_options(runner_filter: Any) -> list[tuple[str, str]]:
    """checkov's options that change what a Terraform directory means, as mlmarket's reader takes them:
    `--var-file` (repeatable, in order) and `--external-modules-download-path`."""
    options = [("file", path) for path in getattr(runner_filter, "var_files", None) or [] if isinstance(path, str)]
    folder = getattr(runner_filter, "external_modules_download_path", None)
    if isinstance(folder, str) and folder:
        options.append(("external_modules", folder))
    return options


def _selected(check: Any, runner_filter: Any, runner: Any) -> bool:
    if runner_filter is None:
        return True
    try:
        return bool(runner_filter.should_run_check(check=check, report_type=getattr(runner, "check_type", None)))
    except Exception:  # checkov's filter API moved: start the child, at worst it was not needed
        return True


def _spawn(targets: list[str], options: list[tuple[str, str]], stderr: Any) -> subprocess.Popen[bytes]:
    # The child imports mlmarket as any process of this interpreter would (the same install, nearly always);
    # this package's own parent directory goes last on its path for a parent that found mlmarket some other
    # way. Last, not in PYTHONPATH: that would put a site-packages directory ahead of the standard library.
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bootstrap = (
        "import runpy, sys; sys.path.append(sys.argv.pop(1)); "
        "runpy.run_module('mlmarket.checkov_plugin.prescan', run_name='__main__', alter_sys=True)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", bootstrap, package_parent, json.dumps(options), *targets],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )


def verdict_rows(results: list[Any]) -> list[Row]:
    """mlmarket Results as the checks look them up, whether scanned here or in the child."""
    return [(r.rule_id, r.file or "", r.address, r.verdict.value, r.message, r.stack) for r in results]


def _decode(output: bytes, targets: list[str]) -> dict[str, Verdicts | ScanFailed] | None:
    """The child's outcome for every target, or None when any of it cannot be read."""
    import orjson

    try:
        document: Any = orjson.loads(output)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    outcomes: dict[str, Verdicts | ScanFailed] = {}
    for target in targets:
        outcome = document.get(target)
        if isinstance(outcome, dict) and isinstance(outcome.get("error"), str):
            outcomes[target] = ScanFailed(outcome["error"])
        elif isinstance(outcome, dict) and isinstance(outcome.get("results"), list):
            rows = outcome["results"]
            if not all(_is_row(row) for row in rows):
                return None
            outcomes[target] = Verdicts([tuple(row) for row in rows])
        else:
            return None
    return outcomes


def _is_row(row: Any) -> bool:
    return isinstance(row, list) and len(row) == _ROW_FIELDS and all(isinstance(v, str) for v in row)


@atexit.register
def _stop_uncollected() -> None:
    """A run that never asked (no resource of an mlmarket type) leaves no child behind."""
    for child in {id(c): c for c in _pending.values()}.values():
        if child.process.poll() is None:
            child.process.kill()
        child.process.wait()
        child.stderr.close()
    _pending.clear()


def _main(arguments: list[str]) -> int:
    import orjson

    options = [tuple(pair) for pair in json.loads(arguments[0])]
    targets = arguments[1:]
    from mlmarket.baseline import suppress_from_environment
    from mlmarket.scan import scan_path
    from mlmarket.settings import Settings

    document: dict[str, Any] = {}
    for target in targets:
        try:
            # MLMARKET_BASELINE (inherited from checkov's process): its findings are skipped checks.
            results = suppress_from_environment(scan_path(target, Settings(), variables=options))
            document[target] = {"results": verdict_rows(results)}
        except Exception as error:  # any error fails every check of the target with it (fail closed)
            document[target] = {"error": describe(error)}
    sys.stdout.buffer.write(orjson.dumps(document))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
