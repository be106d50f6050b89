"""Baselines and "new in this change": the findings a team has accepted, and the findings a change adds.

Applied after the engine and before the reports; the rules never see it. A finding (a FAILED or UNKNOWN result)
is identified across runs by its rule, its stack, its resource address and its verdict, hashed: no file, no
line (a resource moved to another line or file is the same finding), no value and no message (a message may
quote a configured value). The stack is the root module's directory (or the plan file) relative to its git
repository's root, so that a checkout of the base branch in another folder names its stacks as the pull
request's checkout does; outside a repository, as the scan shows it. Two stacks of one scan that would share a
name (two repositories scanned at once) are named by their absolute paths instead: a finding is never taken
for another stack's.

A baseline (`--baseline FILE`, `baseline:` in the configuration) suppresses exactly its findings: they are
reported as SUPPRESSED and never fail the scan. A baselined finding the scan no longer makes is fixed, but only
where the scan looked (its rule ran and its stack was judged): scanning less than the baseline covers never
prunes the rest. `--new-since REPORT.json` marks each finding new or existing against the base branch's JSON
report, which carries each finding's fingerprint. The checkov plugin reads the baseline named by the
MLMARKET_BASELINE environment variable (checkov's own `--baseline` is checkov's).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mlmarket.engine import Result
from mlmarket.errors import InputError
from mlmarket.model import Verdict
from mlmarket.settings import find_config, load_config, repository_root

BASELINE_FILE_NAME = ".mlmarket.baseline.json"
BASELINE_VERSION = 1
BASELINE_ENV = "MLMARKET_BASELINE"
REPORT_VERSION = 1  # the JSON report's version that --new-since reads (reports.json_report writes it)
FINDINGS = frozenset({Verdict.FAILED, Verdict.UNKNOWN})
NEW, EXISTING = "new", "existing"
# A report's verdict for a finding the baseline accepts; it is still a finding of the base branch.
SUPPRESSED = "SUPPRESSED"
# Versioned: a change of what goes into the hash must not match old baselines by accident.
_FINGERPRINT_PREFIX = "mlmarket-finding-v1"
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    """One accepted finding, as the baseline file holds it."""

    rule_id: str
    stack: str
    address: str
    verdict: str
    fingerprint: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "stack": self.stack,
            "address": self.address,
            "verdict": self.verdict,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Comparison:
    """What the reports say beyond the results: the baseline applied (as given) and the baselined findings that
    are gone, and the base report the findings were compared with."""

    baseline: str | None = None
    fixed: tuple[Entry, ...] = ()
    new_since: str | None = None


def fingerprint(rule_id: str, stack: str, address: str, verdict: str) -> str:
    # A JSON array: no text of one field can pass for another's (as a separator inside a field would).
    text = json.dumps([_FINGERPRINT_PREFIX, rule_id, stack, address, verdict], ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def stack_keys(sources: Iterable[str]) -> dict[str, str]:
    """The stack name of each scanned source (a root module's directory, or a plan file), as findings use it."""
    keys = {source: _stack_key(source) for source in set(sources)}
    shared = {key for key, count in Counter(keys.values()).items() if count > 1}
    return {source: _absolute(source) if key in shared else key for source, key in keys.items()}


def _stack_key(source: str) -> str:
    absolute = os.path.abspath(source)
    root = repository_root(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    return Path(os.path.relpath(absolute, root)).as_posix() if root else Path(source).as_posix()


def _absolute(source: str) -> str:
    return Path(os.path.abspath(source)).as_posix()


def identify(results: list[Result]) -> dict[str, str]:
    """Give every finding its fingerprint; the stack name of every stack with results."""
    keys = stack_keys(r.stack for r in results)
    for result in results:
        if result.verdict in FINDINGS:
            result.fingerprint = fingerprint(result.rule_id, keys[result.stack], result.address, result.verdict.value)
    return keys


def entries_of(results: list[Result], keys: dict[str, str]) -> list[Entry]:
    """The baseline entries of the findings among `results` (identified), sorted, each once."""
    found = {
        r.fingerprint: Entry(r.rule_id, keys[r.stack], r.address, r.verdict.value, r.fingerprint)
        for r in results
        if r.fingerprint is not None
    }
    return sorted(found.values(), key=lambda e: (e.stack, e.address, e.rule_id, e.verdict))


# --- the baseline file -------------------------------------------------------------------------------------


def baseline_schema() -> dict[str, Any]:
    # Beside the package, like the configuration's schema (policies/schemas/ links to it).
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", "baseline.schema.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_baseline(path: str) -> list[Entry]:
    """The entries of a baseline file; anything else (unreadable, not JSON, another version, not the schema's
    shape, an entry whose fingerprint does not match it) is an InputError, never an empty baseline."""
    import jsonschema

    from mlmarket.readers.jsonfile import load_json_document

    document = load_json_document(path)
    if isinstance(document, dict) and "version" in document and not _is_version(document["version"], 1):
        raise InputError(
            path,
            f"baseline version {_shown(document['version'])} is not one this mlmarket reads (version "
            f"{BASELINE_VERSION}); write it again with `mlmarket scan --create-baseline`",
        )
    validator = jsonschema.Draft202012Validator(baseline_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(path, f"not an mlmarket baseline: {where}: {error.message[:200]}")
    entries = [Entry(**item) for item in document["findings"]]
    for index, entry in enumerate(entries):
        if fingerprint(entry.rule_id, entry.stack, entry.address, entry.verdict) != entry.fingerprint:
            raise InputError(
                path,
                f"findings.{index}: the fingerprint does not match its rule_id, stack, address and verdict "
                "(edited or damaged): write the baseline again with `mlmarket scan --create-baseline`",
            )
    return entries


def write_baseline(path: str, entries: list[Entry]) -> None:
    """Write the baseline whole or not at all: a new file in the same folder, renamed over `path`, so that a
    failed write never leaves a truncated baseline (which would then be an input error)."""
    document = {"version": BASELINE_VERSION, "findings": [entry.as_dict() for entry in entries]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if os.path.isdir(path):
        raise InputError(path, "is a directory; the baseline was not written")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise InputError(path, "is not a regular file; the baseline was not written")
    import tempfile  # here: most scans write no baseline

    folder = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=".mlmarket.baseline.", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as any new file, not the temporary file's 0600
        os.replace(temporary, os.path.realpath(path))  # through a link to a baseline kept elsewhere
        temporary = None
    except OSError as error:
        raise InputError(path, f"cannot write the baseline: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


# --- the base branch's report ------------------------------------------------------------------------------


def load_base_report(path: str) -> frozenset[str]:
    """The fingerprints of every finding (FAILED, UNKNOWN, SUPPRESSED) of a `--format json` report; anything
    that is not such a report is an InputError."""
    from mlmarket.readers.jsonfile import load_json_document

    document = load_json_document(path)
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise InputError(path, "not an mlmarket JSON report (`mlmarket scan --format json`): no results list")
    if not _is_version(document.get("version"), REPORT_VERSION):
        raise InputError(
            path, f"report version {_shown(document.get('version'))} is not one this mlmarket reads ({REPORT_VERSION})"
        )
    found: set[str] = set()
    for index, result in enumerate(document["results"]):
        if not isinstance(result, dict):
            raise InputError(path, f"results.{index}: not an object; not an mlmarket JSON report")
        verdict = result.get("verdict")
        if verdict not in ("PASSED", "SKIPPED", "FAILED", "UNKNOWN", SUPPRESSED):
            raise InputError(path, f"results.{index}: verdict {_shown(verdict)} is not an mlmarket verdict")
        if verdict in ("PASSED", "SKIPPED"):
            continue
        value = result.get("fingerprint")
        if not isinstance(value, str) or not _FINGERPRINT.fullmatch(value):
            raise InputError(
                path,
                f"results.{index}: a {verdict} result without a fingerprint (a report of an older mlmarket or of "
                "`mlmarket audit`): scan the base branch again with this version",
            )
        found.add(value)
    return frozenset(found)


def _is_version(value: Any, expected: int) -> bool:
    return type(value) is int and value == expected  # not True, which equals 1


def _shown(value: Any, limit: int = 60) -> str:
    """A value of the file as JSON spells it (a string quoted: "1" is not 1), cut to `limit` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- one scan's comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """The baseline options of one scan, their files read before the scan: a bad file fails it at once."""

    baseline_file: str | None = None  # applied (--baseline, or the configuration's baseline)
    baseline: tuple[Entry, ...] = ()
    create_file: str | None = None  # written with the scan's findings, then applied
    prune: bool = False  # rewrite baseline_file without its fixed findings
    new_since: str | None = None
    base_findings: frozenset[str] = frozenset()


def request(
    config_path: str | None,
    first_path: str,
    *,
    baseline: str | None = None,
    create: str | None = None,
    prune: bool = False,
    new_since: str | None = None,
) -> Request:
    """Resolve the files and read them. `create` is "" for `--create-baseline` without a file: the
    configuration's `baseline`, else `.mlmarket.baseline.json` next to the configuration file (the one given,
    or the one the first scanned path finds), else in the working directory. Usage errors are ValueErrors."""
    if create is not None and (baseline is not None or prune):
        raise ValueError("--create-baseline writes a new baseline: it does not go with --baseline or --prune-baseline")
    from mlmarket.readers.jsonfile import display_path

    config = config_path or find_config(first_path)
    configured = load_config(config).baseline if config else None
    if configured is not None:  # reports and messages name it from the working directory, as any file
        configured = display_path(configured)
    if create is not None:
        if not create:
            folder = os.path.dirname(config) if config else ""
            create = configured or display_path(os.path.join(folder, BASELINE_FILE_NAME))
        return Request(create_file=create, new_since=new_since, base_findings=_base(new_since))
    baseline_file = baseline or configured
    if prune and baseline_file is None:
        raise ValueError("--prune-baseline needs a baseline (--baseline FILE, or `baseline:` in the configuration)")
    entries = tuple(load_baseline(baseline_file)) if baseline_file else ()
    return Request(baseline_file, entries, None, prune, new_since, _base(new_since))


def _base(new_since: str | None) -> frozenset[str]:
    return load_base_report(new_since) if new_since else frozenset()


def compare(options: Request, results: list[Result], ran_rules: Iterable[str]) -> Comparison:
    """Mark `results` (identify, suppress, new or existing), write what the options ask, and say what the
    reports need to show."""
    keys = identify(results)
    entries = options.baseline
    applied = options.baseline_file
    if options.create_file is not None:
        entries = tuple(entries_of(results, keys))
        write_baseline(options.create_file, list(entries))
        applied = options.create_file
    fixed = suppress(results, entries, keys, ran_rules)
    if options.prune and fixed and applied is not None:
        gone = {entry.fingerprint for entry in fixed}
        write_baseline(applied, [entry for entry in entries if entry.fingerprint not in gone])
    if options.new_since is not None:
        for result in results:
            if result.fingerprint is not None:
                result.since_base = EXISTING if result.fingerprint in options.base_findings else NEW
    return Comparison(applied, fixed, options.new_since)


def suppress(
    results: list[Result], entries: Iterable[Entry], keys: dict[str, str], ran_rules: Iterable[str]
) -> tuple[Entry, ...]:
    """Suppress the identified findings the baseline holds; return its entries that are fixed: gone from a
    stack this scan judged, for a rule this scan ran."""
    accepted = {entry.fingerprint for entry in entries}
    found: set[str] = set()
    for result in results:
        if result.fingerprint is not None:
            found.add(result.fingerprint)
            result.suppressed = result.fingerprint in accepted
    judged, ran = set(keys.values()), set(ran_rules)
    return tuple(e for e in entries if e.fingerprint not in found and e.rule_id in ran and e.stack in judged)


def suppress_from_environment(results: list[Result]) -> list[Result]:
    """For the checkov plugin: the findings the MLMARKET_BASELINE file holds become SKIPPED results, which
    checkov reports as skipped checks with the reason. A bad baseline is an InputError (every check fails)."""
    path = os.environ.get(BASELINE_ENV)
    if not path:
        return results
    entries = load_baseline(path)
    keys = identify(results)
    suppress(results, entries, keys, ())
    reason = f"in the mlmarket baseline {path}"
    return [
        replace(r, verdict=Verdict.SKIPPED, message=f"suppressed (baseline): {reason}", skip_reason=reason)
        if r.suppressed
        else r
        for r in results
    ]
