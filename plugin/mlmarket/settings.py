"""Scan settings: command-line options, `.mlmarket.yaml` and the environment, resolved once per scan.

Configuration fails closed: a configuration file can switch rules off, so only one the user vouched for counts.
Discovery stays inside the scanned repository and trusts a file as git trusts a repository (`safe.directory`);
every value (file, flag or environment) is checked before it is used, and a file mlmarket cannot read safely
(special file, too large, aliases, nested too deeply, not a finite number) is an input error, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from mlmarket.errors import InputError, printable
from mlmarket.model import Stack

CONFIG_FILE_NAME = ".mlmarket.yaml"
SELLER_ACCOUNT_ENV = "MLMARKET_SELLER_ACCOUNT"
# A real configuration is a few hundred bytes; one that skips every rule with a paragraph of reason each stays
# under 10 KiB. PyYAML's constructor is pure Python (about 5 s per MiB of dense YAML): 64 KiB bounds a hostile
# file's parse to a fraction of a second while leaving real configurations far from the limit.
MAX_CONFIG_BYTES = 64 * 1024
# The deepest a valid configuration goes is 3 (skip -> entry -> reason); the bound stops the YAML composer's
# recursion long before Python's recursion limit, in any process (checkov's stack is already deep).
MAX_CONFIG_DEPTH = 32
# The schema's `maximum` for limits in GiB (1 PiB): far above any image, it keeps `.inf` out of the schema.
MAX_IMAGE_SIZE_BUDGET_GIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    seller_account: str | None = None
    publishing_region: str | None = None
    skips: dict[str, str] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    image_size_budget_gib: float | None = None
    config_path: str | None = None
    # The configuration's `baseline`, as a path from the working directory (the file names it from its own).
    baseline: str | None = None


# Warnings are said once per process per message: a scan of several paths, and the checkov plugin (which resolves
# the settings once per scan root), find the same configuration more than once.
_warned: set[str] = set()


def warn(message: str) -> None:
    """`mlmarket: warning: <message>` on stderr, one line, once per process."""
    if message in _warned:
        return
    _warned.add(message)
    with contextlib.suppress(OSError, ValueError):  # nowhere to say it (closed stderr): the scan goes on
        print(f"mlmarket: warning: {printable(message)}", file=sys.stderr)  # a path's newline stays escaped


def repository_root(directory: str) -> str | None:
    """The first directory from `directory` upward holding `.git` (a directory, or the file of a worktree or a
    submodule), or None outside any repository."""
    while True:
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def find_config(scanned_path: str) -> str | None:
    """The trusted `.mlmarket.yaml` nearest to the scanned directory (or the plan's directory), within its
    repository.

    Discovery stops at the repository root. A configuration file switches rules off, so one that lies outside
    the repository being scanned (a parent directory, a shared /tmp, the home directory of a CI runner) was
    vouched for by nobody who reviewed this repository. Outside any repository there is no boundary to trust,
    so only the scanned directory itself (or the plan file's directory) is searched. A file found on the way
    that is not trusted (see `_distrust`) is skipped with a warning, and discovery goes on upward; a special
    file (a FIFO, a directory) named `.mlmarket.yaml` is an input error, found without ever opening it."""
    start = os.path.abspath(scanned_path)
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    root = repository_root(start)
    directory = start
    while True:
        candidate = os.path.join(directory, CONFIG_FILE_NAME)
        status = _status(candidate, follow=False)
        if status is not None:
            reason = _distrust(candidate, status)
            if reason is not None:
                warn(f"ignoring {candidate}: {reason}")
            else:
                _require_regular_file(candidate, _status(candidate, follow=True))
                return candidate
        parent = os.path.dirname(directory)
        if root is None or directory == root or parent == directory:
            return None
        directory = parent


def _status(path: str, *, follow: bool) -> os.stat_result | None:
    """os.stat (or lstat) of `path`; None when nothing is there (a dangling link, with `follow`, is nothing)."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        # Ignoring a file that may be there could change a verdict (its publishing_region): cannot read it.
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


def _distrust(path: str, link_status: os.stat_result) -> str | None:
    """Why a discovered file is not trusted, or None. The rule is git's for `safe.directory`: only what the
    current user owns (a file root owns is not trusted by another user: git makes no exception for root either);
    and, beyond git, nothing that others may write. Group-writable files are trusted when the group is the user's
    own primary group (the user-private-group scheme, whose umask 002 makes every file group-writable), not when
    it is shared. A symbolic link must be the user's, and so must its target. Platforms without user IDs (Windows)
    trust every file."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        return None
    uid = geteuid()
    target = _status(path, follow=True) if stat.S_ISLNK(link_status.st_mode) else link_status
    for owner in (link_status.st_uid, target.st_uid if target is not None else uid):
        if owner != uid:
            return f"owned by uid {owner}, not you"
    if target is None:
        return None  # a dangling link: _require_regular_file says so
    if target.st_mode & stat.S_IWOTH:
        return "writable by others"
    if target.st_mode & stat.S_IWGRP and target.st_gid != os.getegid():
        return f"writable by group {target.st_gid}"
    return None


def _require_regular_file(path: str, status: os.stat_result | None) -> os.stat_result:
    """A configuration is read only from a regular file: a FIFO would block the scan, a device never ends."""
    if status is None:
        raise InputError(path, "cannot read: No such file or directory")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(path, f"not a regular file ({_kind(status.st_mode)}); a configuration file must be one")
    if status.st_size > MAX_CONFIG_BYTES:
        raise InputError(
            path, f"{status.st_size} bytes is larger than a configuration file may be ({MAX_CONFIG_BYTES} bytes)"
        )
    return status


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _read_bounded(path: str) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most MAX_CONFIG_BYTES. It is checked before
    it is opened (os.stat), and again on the open descriptor: a file swapped for a FIFO in between is opened
    without blocking (O_NONBLOCK) and refused, and a file that grows is read no further than the bound."""
    _require_regular_file(path, _status(path, follow=True))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        _require_regular_file(path, os.fstat(handle.fileno()))
        try:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as error:
            raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(path, f"larger than a configuration file may be ({MAX_CONFIG_BYTES} bytes)")
    return data


def _parse_yaml(text: str, path: str) -> Any:
    """YAML without aliases and nested at most MAX_CONFIG_DEPTH deep. A configuration has no use for anchors
    and aliases, and aliases are how a few hundred bytes expand into billions of values (the "billion laughs")."""
    import yaml

    class Refused(Exception):
        def __init__(self, problem: str, mark: Any) -> None:
            super().__init__(problem)
            self.problem, self.problem_mark = problem, mark

    class ConfigLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise Refused(f"aliases (*{event.anchor}) are not allowed in a configuration file", event.start_mark)
            self.depth += 1
            if self.depth > MAX_CONFIG_DEPTH:
                raise Refused(f"nested more than {MAX_CONFIG_DEPTH} levels deep", self.peek_event().start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    loader = ConfigLoader(text)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, Refused) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise InputError(
            path,
            f"invalid YAML: {getattr(error, 'problem', None) or error}",
            line=line + 1 if line is not None else None,
        ) from None
    except RecursionError:  # a backstop: the depth bound is far below the recursion limit
        raise InputError(path, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def load_config(path: str) -> Settings:
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(path, f"invalid YAML: not UTF-8 text ({error.reason} at byte {error.start})") from None
    data = _parse_yaml(text, path)
    if data is None:
        data = {}
    _require_finite(data, path)
    _validate(data, path)
    return Settings(
        seller_account=data.get("seller_account_id"),
        publishing_region=data.get("publishing_region"),
        skips={entry["id"]: entry["reason"] for entry in data.get("skip", [])},
        severity=dict(data.get("severity", {})),
        image_size_budget_gib=data.get("image_size_budget_gib"),
        config_path=path,
        baseline=os.path.join(os.path.dirname(path), data["baseline"]) if "baseline" in data else None,
    )


def _require_finite(data: Any, path: str, where: tuple[str, ...] = ()) -> None:
    """YAML's `.nan`, `.inf` and `-.inf` are floats; JSON Schema cannot express NaN (every comparison with it is
    false, so `exclusiveMinimum` lets it through), so the loader refuses them anywhere before validation."""
    if isinstance(data, float) and not math.isfinite(data):
        spelling = ".nan" if math.isnan(data) else (".inf" if data > 0 else "-.inf")
        raise InputError(path, f"{'.'.join(where) or '(top level)'}: {spelling} is not a finite number")
    if isinstance(data, dict):
        for key, value in data.items():
            _require_finite(value, path, (*where, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _require_finite(value, path, (*where, str(index)))


def config_schema() -> dict[str, Any]:
    # Beside the package, like the limits datasets (see mlmarket.limits): no importlib.resources on a scan.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", "config.schema.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


_ACCOUNT = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_RULE_ID = re.compile(r"CKV_MLM_[0-9]{3}")
_SEVERITIES = frozenset({"CRITICAL", "HIGH", "MEDIUM", "LOW"})


def plainly_valid(data: Any) -> bool:
    """A quick check that accepts only configurations the JSON Schema accepts (a test holds it to that), so that
    most scans need not import jsonschema; anything it does not accept goes to the schema for its verdict."""
    checks = {
        "seller_account_id": lambda v: isinstance(v, str) and _ACCOUNT.fullmatch(v) is not None,
        "publishing_region": lambda v: isinstance(v, str) and _REGION.fullmatch(v) is not None,
        "skip": lambda v: (
            isinstance(v, list)
            and all(
                isinstance(e, dict)
                and set(e) == {"id", "reason"}
                and isinstance(e["id"], str)
                and _RULE_ID.fullmatch(e["id"]) is not None
                and isinstance(e["reason"], str)
                and e["reason"] != ""
                for e in v
            )
        ),
        "severity": lambda v: (
            isinstance(v, dict)
            and all(
                isinstance(k, str)
                and _RULE_ID.fullmatch(k) is not None
                and isinstance(v[k], str)
                and v[k] in _SEVERITIES
                for k in v
            )
        ),
        "image_size_budget_gib": lambda v: (
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            and math.isfinite(v)
            and 0 < v <= MAX_IMAGE_SIZE_BUDGET_GIB
        ),
        "baseline": lambda v: isinstance(v, str) and v != "",
    }
    return isinstance(data, dict) and all(key in checks and checks[key](value) for key, value in data.items())


def _validate(data: Any, path: str) -> None:
    if plainly_valid(data):
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    hint = ""
    if error.absolute_path and error.absolute_path[0] == "seller_account_id" and isinstance(error.instance, int):
        hint = " (quote the account ID so YAML keeps it a string)"
    raise InputError(path, f"{key}: {error.message}{hint}")


def _checked(value: str | None, pattern: re.Pattern[str], where: str, what: str) -> str | None:
    """`value` from outside the configuration file (a flag, the environment), refused unless it is `what`."""
    if value is None or pattern.fullmatch(value):
        return value
    shown = value if len(value) <= 40 else value[:40] + "..."
    raise InputError(where, f"{shown!r} is not {what}")


def resolve(scanned_path: str, overrides: Settings, config_path: str | None = None) -> Settings:
    """Command-line values win over the config file, which wins over the environment. An explicit
    `config_path` (`--config`) is trusted, since the user named it, but must still be a regular file.
    Every value is checked wherever it comes from: a junk value is an input error naming its source."""
    seller_flag = _checked(overrides.seller_account, _ACCOUNT, "--seller-account", "a 12-digit AWS account ID")
    region_flag = _checked(
        overrides.publishing_region, _REGION, "--publishing-region", "a region name (such as us-east-1)"
    )
    path = config_path or find_config(scanned_path)
    base = load_config(path) if path else Settings()
    seller = seller_flag or base.seller_account
    if not seller:
        # An empty variable counts as unset (CI systems define variables they leave empty).
        seller = _checked(
            os.environ.get(SELLER_ACCOUNT_ENV) or None,
            _ACCOUNT,
            f"environment variable {SELLER_ACCOUNT_ENV}",
            "a 12-digit AWS account ID",
        )
    return replace(
        base,
        seller_account=seller or None,
        publishing_region=region_flag or base.publishing_region,
        skips={**base.skips, **overrides.skips},
        severity={**base.severity, **overrides.severity},
    )


def warn_if_nothing_checked(settings: Settings, rule_ids: Iterable[str]) -> None:
    """A configuration that skips every rule of the scan turns any stack into a pass: say so, once."""
    ids = set(rule_ids)
    if ids and ids <= set(settings.skips):
        warn(f"{settings.config_path or 'the configuration'} skips every rule; nothing is checked")


def apply(stack: Stack, settings: Settings) -> Stack:
    """Give the stack its seller account and publishing region; allowed_account_ids is the last resort."""
    seller = settings.seller_account
    if seller is None and len(stack.pinned_accounts) == 1:
        seller = next(iter(stack.pinned_accounts))
    stack.seller_account = seller
    stack.publishing_region = settings.publishing_region
    return stack
