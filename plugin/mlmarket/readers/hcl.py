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
# A count or for_each beyond this is not expanded (one instance stands for all): bounded work on hostile input.
_MAX_INSTANCES = 10_000


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
    called = _called_module_dirs(modules)
    stacks = []
    for directory in sorted(modules):
        if directory not in called:
            stacks.append(_build_root_stack(modules, directory))
    return stacks


def _parse_tree(display_root: str, real_root: str) -> dict[str, ModuleDir]:
    import hcl2  # checkov's bc-python-hcl2; imported here so that plan scans never pay for it

    modules: dict[str, ModuleDir] = {}
    for directory, subdirs, files in os.walk(real_root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(".tf"):
                continue
            full = os.path.join(directory, name)
            shown = display_path(os.path.join(display_root, os.path.relpath(full, real_root)))
            _refuse_outside_links(full, real_root, shown)
            text = _decode(read_bytes(full), shown)
            try:
                body = hcl2.loads(text)
            except Exception as error:  # the parser raises lark errors of many kinds
                raise InputError(
                    shown, f"invalid HCL: {_first_line(error)}", line=getattr(error, "line", None)
                ) from None
            modules.setdefault(directory, ModuleDir(directory)).files.append(ParsedFile(shown, text, body))
    return modules


def _refuse_outside_links(full: str, real_root: str, shown: str) -> None:
    if os.path.islink(full):
        target = os.path.realpath(full)
        if os.path.commonpath([target, real_root]) != real_root:
            raise InputError(shown, "is a symlink that points outside the scanned directory")


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(shown, f"invalid UTF-8 at byte {error.start}", line=line) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _called_module_dirs(modules: dict[str, ModuleDir]) -> set[str]:
    called = set()
    for directory, module in modules.items():
        for _, entry in module.blocks("module"):
            for body in entry.values():
                source = unwrap_value(body.get("source")) if isinstance(body, dict) else None
                if isinstance(source, str) and _LOCAL_SOURCE.match(source):
                    called.add(os.path.normpath(os.path.join(directory, source)))
    return called


def _read_tfvars(directory: str, root_shown: str) -> dict[str, Any]:
    import hcl2

    values: dict[str, Any] = {}
    names = sorted(os.listdir(directory))
    ordered = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    ordered += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for name in ordered:
        full = os.path.join(directory, name)
        shown = display_path(os.path.join(root_shown, name))
        text = _decode(read_bytes(full), shown)
        try:
            parsed = json.loads(text) if name.endswith(".json") else hcl2.loads(text)
        except Exception as error:
            raise InputError(shown, f"invalid variables file: {_first_line(error)}") from None
        if not isinstance(parsed, dict):
            raise InputError(shown, "a variables file must hold an object")
        values.update(parsed if name.endswith(".json") else unwrap_attributes(parsed))
    return values


def _build_root_stack(modules: dict[str, ModuleDir], directory: str) -> Stack:
    module = modules[directory]
    shown_dir = os.path.dirname(module.files[0].path) or "."
    inputs = _read_tfvars(directory, shown_dir)
    resources: list[Resource] = []
    builder = _ModuleBuilder(modules, resources)
    root_providers = builder.build(directory, "", inputs, inherited={}, explicit={}, depth=0)
    default = root_providers.get("aws")
    pinned = {p.account for p in builder.all_providers if isinstance(p.account, str)}
    return Stack(
        source=shown_dir,
        resources=resources,
        default_region=default.region if default else None,
        pinned_accounts=frozenset(pinned),
    )


class _ModuleBuilder:
    def __init__(self, modules: dict[str, ModuleDir], resources: list[Resource]) -> None:
        self.modules = modules
        self.resources = resources
        self.all_providers: list[ProviderInfo] = []

    def build(
        self,
        directory: str,
        prefix: str,
        inputs: dict[str, Any],
        inherited: dict[str, ProviderInfo],
        explicit: dict[str, ProviderInfo],
        depth: int,
    ) -> dict[str, ProviderInfo]:
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
        if depth < _MAX_MODULE_DEPTH:
            for parsed, entry in module.blocks("module"):
                for name, body in entry.items():
                    self._module_call(directory, parsed, name, body, prefix, providers, evaluator, depth)
        return providers

    def _variables(self, module: ModuleDir, inputs: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        sensitive: set[str] = set()
        for _, entry in module.blocks("variable"):
            for name, body in entry.items():
                if not isinstance(body, dict):
                    continue
                declared = unwrap_attributes(body)
                if declared.get("sensitive") is True:
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
                for key, instance_evaluator in _expansions(unwrap_block(body), evaluator):
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
        directory: str,
        parsed: ParsedFile,
        name: str,
        body: Any,
        prefix: str,
        providers: dict[str, ProviderInfo],
        evaluator: Evaluator,
        depth: int,
    ) -> None:
        if not isinstance(body, dict):
            return
        raw = unwrap_attributes(body)
        source = raw.get("source")
        if not isinstance(source, str) or not _LOCAL_SOURCE.match(source):
            return  # registry and git modules are not on disk to read; their resources stay out of scope
        child = os.path.normpath(os.path.join(directory, source))
        if child not in self.modules:
            line = body.get("__start_line__")
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
        for key, instance_evaluator in _expansions(raw, evaluator):
            inputs = {
                argument: instance_evaluator.value(value)
                for argument, value in raw.items()
                if argument not in {"source", "version", "providers", *_META_ARGUMENTS}
            }
            self.build(child, f"{prefix}module.{name}{key}.", inputs, inherited, explicit, depth + 1)


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


def _expansions(raw: dict[str, Any], evaluator: Evaluator) -> list[tuple[str, Evaluator]]:
    """The instances `count`/`for_each` make, with their address keys, as Terraform names them.

    When the collection is only known at apply time the block stays one unexpanded instance (its
    `each.*`/`count.*` values are then Unknown)."""
    if "count" in raw:
        count = evaluator.value(raw["count"])
        if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= _MAX_INSTANCES:
            return [(f"[{index}]", evaluator.for_instance({"count": {"index": index}})) for index in range(count)]
    elif "for_each" in raw:
        each = evaluator.value(raw["for_each"])
        if isinstance(each, dict) and len(each) <= _MAX_INSTANCES:
            items = list(each.items())
        elif isinstance(each, list) and len(each) <= _MAX_INSTANCES and all(isinstance(v, str) for v in each):
            items = [(value, value) for value in each]
        else:
            items = None
        if items is not None:
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
