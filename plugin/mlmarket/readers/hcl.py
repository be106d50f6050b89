"""Reader for Terraform source directories: every root module under a path -> one Stack each.

Parsing uses `hcl2` as installed by checkov (the bc-python-hcl2 fork), so `mlmarket scan DIR` and
`checkov -d DIR` read the same syntax tree. Local modules (`source = "./..."`) are followed with their
`providers` map and arguments; default providers are inherited as Terraform does.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mlmarket.errors import InputError
from mlmarket.model import SENSITIVE, Resource, Stack, Unknown
from mlmarket.readers.hcl_expressions import Evaluator, unwrap_attributes, unwrap_block, unwrap_value
from mlmarket.readers.jsonfile import display_path, read_bytes

_SKIP_COMMENT = re.compile(
    r"(?:#|//)\s*(?:checkov|mlmarket):skip=(?P<id>[A-Za-z0-9_]+)(?::(?P<reason>[^\n]*))?"
)
_LOCAL_SOURCE = re.compile(r"^\.\.?/")
_META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
_DEFAULT_PROVIDERS = ("aws", "awscc")
_MAX_MODULE_DEPTH = 20
"""Module calls nested deeper than this are an input error: real configurations nest a few levels, and a
chain this deep is almost always a cycle through paths the cycle check cannot see (symlinks, `..` spellings)."""

_BASE_INSTANCE_BUDGET = 5_000
_SOURCE_BYTES_PER_INSTANCE = 100
"""A root may expand to at most `_BASE_INSTANCE_BUDGET` resource and module instances, plus one more for each
`_SOURCE_BYTES_PER_INSTANCE` bytes of Terraform and variables files read. A configuration that writes its
resources out (or lists them in a variables file, as the benchmarks do) pays for them in input, which keeps
memory proportional to input; `count` and `for_each` fan-out beyond that (10,000 module instances each making
10,000 more) is refused instead of growing without bound. Each instance costs a few kB."""

_MAX_FILE_BYTES = 8 * 1024 * 1024
_MAX_LINE_BYTES = 256 * 1024
"""Terraform and variables files larger than 8 MiB, or holding a line longer than 256 KiB, are refused before
they are parsed: the HCL parser needs about 200 bytes of memory per byte of a single long token (an 8 MB
one-line file took 1.7 GiB), and no hand-written or generated configuration comes near either bound."""


@dataclass
class ParsedFile:
    path: str
    text: str
    body: dict[str, Any]

    @cached_property
    def lines(self) -> list[str]:
        # Split once per file: every resource of the file looks up its skip comments in these lines.
        return self.text.splitlines()


@dataclass
class ModuleDir:
    path: str
    files: list[ParsedFile] = field(default_factory=list)

    def blocks(self, kind: str) -> list[tuple[ParsedFile, dict[str, Any]]]:
        found = []
        for parsed in self.files:
            for entry in parsed.body.get(kind) or []:
                if isinstance(entry, dict):
                    found.append((parsed, entry))
        return found


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    region: str | Unknown
    account: str | Unknown | None


def read_directory(path: str) -> list[Stack]:
    root = os.path.realpath(path)
    if not os.path.isdir(root):
        raise InputError(path, "no such directory")
    modules = _parse_tree(path, root)
    if not modules:
        raise InputError(path, "no Terraform files (*.tf) found")
    return _root_stacks(modules, root)


def _root_stacks(modules: dict[str, ModuleDir], real_root: str) -> list[Stack]:
    """Every directory that no module call is known to cover is judged as a root module.

    A directory is left out only when every call to it was read and expanded to at least one instance while
    building some root: a call with `count = 0`, a call from a directory that is never built, or a cycle must
    not hide a directory's resources (fail closed). Directories uncalled are built first, then any directory
    still uncovered, until nothing changes."""
    callers = _module_callers(modules)
    expanded: set[CallSite] = set()
    stacks: dict[str, Stack] = {}
    while True:
        uncovered = sorted(
            d
            for d in modules
            if d not in stacks and not (callers.get(d) and all(call in expanded for call in callers[d]))
        )
        if not uncovered:
            return [stacks[d] for d in sorted(stacks)]
        # Uncalled directories first, all at once; then one uncovered directory at a time, since building it
        # may cover others (a module whose only caller was called with `count = 0`).
        batch = [d for d in uncovered if not callers.get(d)] or uncovered[:1]
        for directory in batch:
            stacks[directory] = _build_root_stack(modules, directory, expanded, real_root)


def _parse_tree(display_root: str, real_root: str) -> dict[str, ModuleDir]:
    import hcl2  # checkov's bc-python-hcl2; imported here so that plan scans never pay for it

    def unreadable(error: OSError) -> None:
        where = error.filename or real_root
        shown = display_path(os.path.join(display_root, os.path.relpath(where, real_root)))
        raise InputError(shown, f"cannot read the directory: {error.strerror or error}")

    modules: dict[str, ModuleDir] = {}
    for directory, subdirs, files in os.walk(real_root, onerror=unreadable, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in subdirs:
            _refuse_linked_directory(os.path.join(directory, name), real_root, display_root)
        for name in sorted(files):
            full = os.path.join(directory, name)
            shown = display_path(os.path.join(display_root, os.path.relpath(full, real_root)))
            if name.endswith(".tf.json"):
                raise InputError(
                    shown,
                    "Terraform JSON syntax (*.tf.json) is not read yet; a scan that skipped it could pass a "
                    "violation: scan a plan of this configuration instead (`terraform show -json`)",
                )
            if not name.endswith(".tf"):
                continue
            _refuse_outside_links(full, real_root, shown)
            text = _read_text(full, shown)
            try:
                body = hcl2.loads(text)
            except RecursionError:
                raise InputError(shown, "invalid HCL: nested too deeply") from None
            except Exception as error:  # the parser raises lark errors of many kinds
                raise InputError(
                    shown, f"invalid HCL: {_first_line(error)}", line=getattr(error, "line", None)
                ) from None
            modules.setdefault(directory, ModuleDir(directory)).files.append(ParsedFile(shown, text, body))
    return modules


def _refuse_linked_directory(full: str, real_root: str, display_root: str) -> None:
    """os.walk does not descend into a symlinked directory; one that points inside the scanned tree is
    scanned at its real place, but one that points outside would be skipped without a word."""
    if not os.path.islink(full):
        return
    target = os.path.realpath(full)
    if os.path.isdir(target) and os.path.commonpath([target, real_root]) != real_root:
        shown = display_path(os.path.join(display_root, os.path.relpath(full, real_root)))
        raise InputError(
            shown, "is a symlink to a directory outside the scanned directory; scan its target instead"
        )


def _refuse_outside_links(full: str, real_root: str, shown: str) -> None:
    if os.path.islink(full):
        target = os.path.realpath(full)
        if os.path.commonpath([target, real_root]) != real_root:
            raise InputError(shown, "is a symlink that points outside the scanned directory")


def _read_text(full: str, shown: str) -> str:
    try:
        size = os.stat(full).st_size
    except OSError as error:
        raise InputError(shown, f"cannot read: {error.strerror or error}") from None
    if size > _MAX_FILE_BYTES:
        raise InputError(shown, f"is {size:,} bytes; mlmarket reads Terraform files of at most {_MAX_FILE_BYTES:,}")
    text = _decode(read_bytes(full), shown)
    if len(text) > _MAX_LINE_BYTES:
        for number, line in enumerate(text.splitlines(), 1):
            if len(line) > _MAX_LINE_BYTES:
                raise InputError(
                    shown, f"a line of {len(line):,} characters; mlmarket reads lines of at most "
                    f"{_MAX_LINE_BYTES:,}", line=number,
                )
    return text


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(shown, f"invalid UTF-8 at byte {error.start}", line=line) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


@dataclass(frozen=True)
class CallSite:
    """One `module` block: the directory that writes it and its name there."""

    directory: str
    name: str


def _module_callers(modules: dict[str, ModuleDir]) -> dict[str, list[CallSite]]:
    """Directory -> the module blocks whose local source points at it."""
    callers: dict[str, list[CallSite]] = {}
    for directory, module in modules.items():
        for _, entry in module.blocks("module"):
            for name, body in entry.items():
                source = unwrap_value(body.get("source")) if isinstance(body, dict) else None
                if isinstance(source, str) and _LOCAL_SOURCE.match(source):
                    target = _module_directory(directory, source)
                    callers.setdefault(target, []).append(CallSite(directory, name))
    return callers


def _module_directory(caller: str, source: str) -> str:
    return os.path.realpath(os.path.join(caller, source))


def _read_tfvars(directory: str, root_shown: str, real_root: str) -> tuple[dict[str, Any], int]:
    """The root's variables files in Terraform's order, and how many bytes they held."""
    import hcl2

    values: dict[str, Any] = {}
    total = 0
    names = sorted(os.listdir(directory))
    ordered = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    ordered += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for name in ordered:
        full = os.path.join(directory, name)
        shown = display_path(os.path.join(root_shown, name))
        _refuse_outside_links(full, real_root, shown)
        text = _read_text(full, shown)
        total += len(text)
        try:
            parsed = json.loads(text) if name.endswith(".json") else hcl2.loads(text)
        except RecursionError:
            raise InputError(shown, "invalid variables file: nested too deeply") from None
        except Exception as error:
            raise InputError(shown, f"invalid variables file: {_first_line(error)}") from None
        if not isinstance(parsed, dict):
            raise InputError(shown, "a variables file must hold an object")
        values.update(parsed if name.endswith(".json") else unwrap_attributes(parsed))
    return values, total


def _build_root_stack(
    modules: dict[str, ModuleDir], directory: str, expanded: set[CallSite], real_root: str
) -> Stack:
    module = modules[directory]
    shown_dir = os.path.dirname(module.files[0].path) or "."
    inputs, tfvars_bytes = _read_tfvars(directory, shown_dir, real_root)
    source_bytes = tfvars_bytes + sum(len(f.text) for m in modules.values() for f in m.files)
    resources: list[Resource] = []
    builder = _ModuleBuilder(
        modules, resources, expanded, _BASE_INSTANCE_BUDGET + source_bytes // _SOURCE_BYTES_PER_INSTANCE
    )
    root_providers = builder.build(directory, "", inputs, inherited={}, explicit={}, chain=(directory,))
    default = root_providers.get("aws")
    pinned = {p.account for p in builder.all_providers if isinstance(p.account, str)}
    return Stack(
        source=shown_dir,
        resources=resources,
        default_region=default.region if default else None,
        pinned_accounts=frozenset(pinned),
        unread_modules=tuple(builder.unread_modules),
    )


class _ModuleBuilder:
    def __init__(
        self,
        modules: dict[str, ModuleDir],
        resources: list[Resource],
        expanded: set[CallSite],
        instance_budget: int,
    ) -> None:
        self.modules = modules
        self.resources = resources
        self.all_providers: list[ProviderInfo] = []
        # Module calls read and expanded to at least one instance (shared by every root of the scan).
        self.expanded = expanded
        self.instances_left = instance_budget
        self.unread_modules: list[str] = []

    def build(
        self,
        directory: str,
        prefix: str,
        inputs: dict[str, Any],
        inherited: dict[str, ProviderInfo],
        explicit: dict[str, ProviderInfo],
        chain: tuple[str, ...],
    ) -> dict[str, ProviderInfo]:
        """Build one module instance; `chain` is the directories of the calls leading here, this one last."""
        module = self.modules[directory]
        evaluator = Evaluator(self._variables(module, inputs))
        evaluator.locals = self._locals(module, evaluator)
        # A module call with a `providers` map passes exactly those; without one, default providers are inherited.
        providers = dict(explicit) if explicit else dict(inherited)
        for parsed, entry in module.blocks("provider"):
            for name, body in entry.items():
                info = self._provider(name, body, evaluator, prefix, parsed.path)
                providers[info.key.removeprefix(prefix)] = info
                self.all_providers.append(info)
        for parsed, entry in module.blocks("resource"):
            self._resources(parsed, entry, "managed", prefix, providers, evaluator)
        for parsed, entry in module.blocks("data"):
            self._resources(parsed, entry, "data", prefix, providers, evaluator)
        for parsed, entry in module.blocks("module"):
            for name, body in entry.items():
                self._module_call(parsed, name, body, prefix, providers, evaluator, chain)
        return providers

    def _expansions(self, raw: dict[str, Any], evaluator: Evaluator, parsed: ParsedFile, what: str,
                    line: Any) -> list[tuple[str, Evaluator]]:
        instances = _expansions(raw, evaluator, self.instances_left)
        self.instances_left -= len(instances)
        if self.instances_left < 0:
            raise InputError(
                parsed.path,
                f"{what} expands the configuration past {_BASE_INSTANCE_BUDGET:,} resource and module instances "
                "beyond what its files write out (count/for_each fan-out); mlmarket refuses rather than guess",
                line=line if isinstance(line, int) else None,
            )
        return instances

    def _variables(self, module: ModuleDir, inputs: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        sensitive: set[str] = set()
        for parsed, entry in module.blocks("variable"):
            for name, body in entry.items():
                if not isinstance(body, dict):
                    continue
                declared = unwrap_attributes(body)
                if _is_sensitive(declared.get("sensitive", False), parsed, body):
                    sensitive.add(name)
                if "default" in declared:
                    values[name] = declared["default"]
        values.update(inputs)
        # A sensitive variable is never read, so that its value cannot reach a report (as in a plan).
        values.update(dict.fromkeys(sensitive, SENSITIVE))
        return values

    def _locals(self, module: ModuleDir, evaluator: Evaluator) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for _, entry in module.blocks("locals"):
            raw.update(unwrap_attributes(entry))
        resolved: dict[str, Any] = {}
        # Locals may refer to each other in any order; a few passes settle the chains real code writes.
        for _ in range(4):
            evaluator.locals = resolved
            resolved = {name: evaluator.value(value) for name, value in raw.items()}
        return resolved

    def _provider(self, name: str, body: Any, evaluator: Evaluator, prefix: str, path: str) -> ProviderInfo:
        values = evaluator.value(unwrap_block(body)) if isinstance(body, dict) else {}
        alias = values.get("alias")
        key = prefix + (f"{name}.{alias}" if isinstance(alias, str) else name)
        region = values.get("region")
        if not isinstance(region, (str, Unknown)):
            region = Unknown(
                f"provider {key} in {path} sets no region (taken from the environment at plan time)"
            )
        accounts = values.get("allowed_account_ids")
        account: str | Unknown | None = None
        if isinstance(accounts, list) and len(accounts) == 1 and isinstance(accounts[0], str):
            account = accounts[0]
        elif isinstance(accounts, (str, Unknown)):
            account = accounts
        return ProviderInfo(key=key, region=region, account=account)

    def _resources(
        self,
        parsed: ParsedFile,
        entry: dict[str, Any],
        mode: str,
        prefix: str,
        providers: dict[str, ProviderInfo],
        evaluator: Evaluator,
    ) -> None:
        for resource_type, named in entry.items():
            if not isinstance(named, dict):
                continue
            for name, body in named.items():
                if not isinstance(body, dict):
                    continue
                instances = self._expansions(
                    unwrap_block(body), evaluator, parsed, f"{prefix}{resource_type}.{name}",
                    body.get("__start_line__"),
                )
                for key, instance_evaluator in instances:
                    self.resources.append(
                        self._resource(parsed, resource_type, name, key, body, mode, prefix, providers,
                                       instance_evaluator)
                    )

    def _resource(
        self,
        parsed: ParsedFile,
        resource_type: str,
        name: str,
        instance_key: str,
        body: dict[str, Any],
        mode: str,
        prefix: str,
        providers: dict[str, ProviderInfo],
        evaluator: Evaluator,
    ) -> Resource:
        raw = unwrap_block(body)
        attributes: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _META_ARGUMENTS:
                continue
            if key == "dynamic":
                for dynamic_name in _dynamic_block_names(value):
                    attributes[dynamic_name] = Unknown(f"`{dynamic_name}` is generated by a dynamic block")
                continue
            attributes[key] = evaluator.value(value)
        provider_ref = raw.get("provider")
        local_key = _provider_key(provider_ref) if provider_ref else resource_type.split("_", 1)[0]
        provider = providers.get(local_key)
        own_region = attributes.get("region")
        region: str | Unknown
        if (isinstance(own_region, (str, Unknown)) and mode == "managed") or (
            isinstance(own_region, (str, Unknown)) and resource_type == "aws_sagemaker_prebuilt_ecr_image"
        ):
            region = own_region
        elif provider is not None:
            region = provider.region
        else:
            region = Unknown(f"no provider configuration `{local_key}` sets a region for this resource")
        start = body.get("__start_line__")
        end = body.get("__end_line__")
        address = f"{prefix}{'data.' if mode == 'data' else ''}{resource_type}.{name}{instance_key}"
        return Resource(
            address=address,
            type=resource_type,
            name=name,
            attributes=attributes,
            region=region,
            provider=(provider.key if provider else prefix + local_key),
            mode=mode,
            file=parsed.path,
            line=start if isinstance(start, int) else None,
            skips=_skip_comments(parsed.lines, start, end),
            account=provider.account if provider else None,
        )

    def _module_call(
        self,
        parsed: ParsedFile,
        name: str,
        body: Any,
        prefix: str,
        providers: dict[str, ProviderInfo],
        evaluator: Evaluator,
        chain: tuple[str, ...],
    ) -> None:
        if not isinstance(body, dict):
            return
        raw = unwrap_attributes(body)
        source = raw.get("source")
        line = body.get("__start_line__")
        if not isinstance(source, str) or not _LOCAL_SOURCE.match(source):
            # Registry and git modules are not on disk to read: their resources stay out of scope, and the
            # scan says so (fail closed: `--strict` fails on it).
            self.unread_modules.append(f"{prefix}module.{name} (source {json.dumps(str(source))})")
            return
        child = _module_directory(chain[-1], source)
        if child in chain:
            raise InputError(
                parsed.path,
                f"module `{name}` source {source!r} calls a module already in its own call chain "
                "(Terraform refuses a module that calls itself)",
                line=line,
            )
        if len(chain) > _MAX_MODULE_DEPTH:
            raise InputError(
                parsed.path, f"module `{name}`: module calls nested more than {_MAX_MODULE_DEPTH} deep", line=line
            )
        if child not in self.modules:
            raise InputError(
                parsed.path, f"module `{name}` source {source!r} has no Terraform files", line=line
            )
        explicit: dict[str, ProviderInfo] = {}
        mapping = raw.get("providers")
        for item in mapping if isinstance(mapping, list) else [mapping]:
            if isinstance(item, dict):
                for child_key, parent_ref in item.items():
                    parent = providers.get(_provider_key(parent_ref))
                    if parent is not None:
                        explicit[child_key] = parent
        inherited = {k: v for k, v in providers.items() if k in _DEFAULT_PROVIDERS}
        instances = self._expansions(raw, evaluator, parsed, f"{prefix}module.{name}", line)
        if instances:
            self.expanded.add(CallSite(chain[-1], name))
        for key, instance_evaluator in instances:
            inputs = {
                argument: instance_evaluator.value(value)
                for argument, value in raw.items()
                if argument not in {"source", "version", "providers", *_META_ARGUMENTS}
            }
            self.build(child, f"{prefix}module.{name}{key}.", inputs, inherited, explicit, (*chain, child))


_TRUE_SPELLINGS = (True, "true", "1")
_FALSE_SPELLINGS = (False, "false", "0")


def _is_sensitive(value: Any, parsed: ParsedFile, body: dict[str, Any]) -> bool:
    """`sensitive` as Terraform converts it to a bool: true, "true" or "1" (Terraform 1.11 accepts each)."""
    if any(value is spelling or (isinstance(value, str) and value == spelling) for spelling in _TRUE_SPELLINGS):
        return True
    if any(value is spelling or (isinstance(value, str) and value == spelling) for spelling in _FALSE_SPELLINGS):
        return False
    raise InputError(
        parsed.path, "a variable's `sensitive` must be true or false", line=body.get("__start_line__")
    )


def _provider_key(reference: Any) -> str:
    text = str(reference).strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return text.strip()


def _dynamic_block_names(value: Any) -> list[str]:
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            names.extend(item.keys())
    return names


def _expansions(raw: dict[str, Any], evaluator: Evaluator, limit: int) -> list[tuple[str, Evaluator]]:
    """The instances `count`/`for_each` make, with their address keys, as Terraform names them.

    When the collection is only known at apply time the block stays one unexpanded instance (its
    `each.*`/`count.*` values are then Unknown). More than `limit` instances: `limit + 1` are returned
    unbuilt-for, so that the caller refuses the configuration without materialising a fan-out."""
    if "count" in raw:
        count = evaluator.value(raw["count"])
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            if count > limit:
                return [("", evaluator)] * (limit + 1)
            return [(f"[{index}]", evaluator.for_instance({"count": {"index": index}})) for index in range(count)]
    elif "for_each" in raw:
        each = evaluator.value(raw["for_each"])
        if isinstance(each, dict):
            items = list(each.items())
        elif isinstance(each, list) and all(isinstance(v, str) for v in each):
            items = [(value, value) for value in dict.fromkeys(each)]
        else:
            items = None
        if items is not None:
            if len(items) > limit:
                return [("", evaluator)] * (limit + 1)
            return [
                (f"[{json.dumps(str(key))}]", evaluator.for_instance({"each": {"key": key, "value": value}}))
                for key, value in items
            ]
    return [("", evaluator)]


def _skip_comments(file_lines: list[str], start: Any, end: Any) -> dict[str, str]:
    if not isinstance(start, int) or not isinstance(end, int):
        return {}
    skips: dict[str, str] = {}
    for line in file_lines[start - 1 : end]:
        for match in _SKIP_COMMENT.finditer(line):
            skips[match["id"]] = (match["reason"] or "").strip()
    return skips
