"""Reader for Terraform source directories: every root module under a path -> one Stack each.

Three steps, each in one place:
1. find and parse: this module walks the tree (refusing what it cannot read), parses every `.tf` file with
   `mlmarket.terraform.syntax` and decides which directories are root modules;
2. evaluate: `mlmarket.terraform.configuration` evaluates a root module as `terraform plan` would (variables,
   locals, modules, count/for_each, dynamic blocks, functions), giving resource instances with Values;
3. map: `readers.terraform_values` turns those Values into the normalized model (regions, accounts, plain data
   with Unknown markers).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from mlmarket.errors import InputError
from mlmarket.model import Stack
from mlmarket.readers.jsonfile import display_path, read_bytes
from mlmarket.readers.terraform_init import (
    NOT_INSTALLED,
    checkov_download,
    read_manifest,
    same_source,
    selected_workspace,
)
from mlmarket.readers.terraform_values import aws_data_source, build_stack
from mlmarket.settings import repository_root
from mlmarket.terraform.configuration import ModuleFiles, RootOptions, evaluate_root
from mlmarket.terraform.evaluator import EvaluationError, Evaluator, Scope
from mlmarket.terraform.resource_schema import BlockSchema
from mlmarket.terraform.syntax import ast, parse_expression, parse_file
from mlmarket.terraform.syntax.json_config import parse_json_file
from mlmarket.terraform.values import Value, from_json_like, string

_MAX_MODULE_DEPTH = 20
"""Module calls nested deeper than this are an input error: real configurations nest a few levels, and a
chain this deep is almost always a cycle through paths the cycle check cannot see."""

_BASE_INSTANCE_BUDGET = 5_000
_SOURCE_BYTES_PER_INSTANCE = 100
"""A root may expand to at most `_BASE_INSTANCE_BUDGET` resource and module instances, plus one more for each
`_SOURCE_BYTES_PER_INSTANCE` bytes of Terraform and variables files read. A configuration that writes its
resources out (or lists them in a variables file, as the benchmarks do) pays for them in input, which keeps
memory proportional to input; `count` and `for_each` fan-out beyond that (10,000 module instances each making
10,000 more) is refused instead of growing without bound."""

_MAX_FILE_BYTES = 8 * 1024 * 1024
_MAX_LINE_BYTES = 256 * 1024
"""Terraform and variables files larger than 8 MiB, or holding a line longer than 256 KiB, are refused before
they are parsed: no hand-written or generated configuration comes near either bound."""

_LOCAL_SOURCE_PREFIXES = ("./", "../")
_CONFIGURATION_SUFFIXES = (".tf", ".tf.json")


@dataclass
class SourceFile:
    path: str  # as shown in findings
    text: str
    parsed: ast.File

    @cached_property
    def lines(self) -> list[str]:
        # Split once per file: every resource of the file looks up its skip comments in these lines.
        return self.text.splitlines()


@dataclass
class Tree:
    """Every module directory found under the scanned path (real paths), with its parsed files."""

    real_root: str
    display_root: str
    modules: dict[str, ModuleFiles] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)  # shown path -> file
    total_bytes: int = 0
    # Module directories outside the scanned tree that a local `source` reaches (`../..`): read on demand,
    # never judged as roots.
    outside: dict[str, ModuleFiles | None] = field(default_factory=dict)
    command_line: tuple[tuple[str, str], ...] = ()  # --var-file and --var, in order
    workspace: str | None = None  # --workspace
    external_modules: str | None = None  # checkov's --external-modules-download-path


def read_directory(path: str, command_line: Sequence[tuple[str, str]] = ()) -> list[Stack]:
    """`command_line`: `("file", path)` for `--var-file` and `("var", "name=value")` for `--var`, in the order
    given (they win over every other source of a variable's value, the last one most, as in Terraform),
    `("workspace", name)` for `--workspace`, and `("external_modules", folder)` for checkov's
    `--external-modules-download-path` (modules checkov downloaded, read where `terraform init` installed none)."""
    root = os.path.realpath(path)
    if not os.path.isdir(root):
        raise InputError(path, "no such directory")
    tree = _parse_tree(path, root)
    tree.command_line = tuple((kind, text) for kind, text in command_line if kind in ("file", "var"))
    tree.workspace = next((text for kind, text in reversed(command_line) if kind == "workspace"), None)
    tree.external_modules = next((text for kind, text in reversed(command_line) if kind == "external_modules"), None)
    if not tree.modules:
        raise InputError(path, "no Terraform files (*.tf, *.tf.json) found")
    return _root_stacks(tree)


# --- step 1: find and parse ---------------------------------------------------------------------------------


def _parse_tree(display_root: str, real_root: str) -> Tree:
    tree = Tree(real_root, display_root)

    def unreadable(error: OSError) -> None:
        raise InputError(_shown(tree, error.filename or real_root), f"cannot read the directory: "
                         f"{error.strerror or error}")

    for directory, subdirs, files in os.walk(real_root, onerror=unreadable, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in subdirs:
            _refuse_linked_directory(tree, os.path.join(directory, name))
        module = _read_module(tree, directory, sorted(files), lambda full: _shown(tree, full), real_root)
        if module is not None:
            tree.modules[directory] = module
    return tree


def _read_module(
    tree: Tree, directory: str, names: list[str], shown_as: Callable[[str], str], boundary: str
) -> ModuleFiles | None:
    """The module in `directory` from its configuration files (`.tf` and `.tf.json`, override files merged last,
    as Terraform loads them), or None when it has none. A file linked from outside `boundary` is refused."""
    primary: list[ast.File] = []
    overrides: list[ast.File] = []
    for name in names:
        if not name.endswith(_CONFIGURATION_SUFFIXES):
            continue
        full = os.path.join(directory, name)
        if os.path.isdir(full):
            continue
        shown = shown_as(full)
        _refuse_outside_links(full, boundary, shown)
        text = _read_text(full, shown)
        tree.total_bytes += len(text)
        is_json = name.endswith(".tf.json")
        parsed = parse_json_file(text, shown, _block_schema) if is_json else parse_file(text, shown)
        tree.sources[shown] = SourceFile(shown, text, parsed)
        stem = name.removesuffix(".json").removesuffix(".tf")
        (overrides if stem == "override" or stem.endswith("_override") else primary).append(parsed)
    if not primary and not overrides:
        return None
    return ModuleFiles.from_files(directory, primary, overrides)


def _block_schema(key: str) -> dict | None:
    """The nested blocks of an aws resource type, for Terraform's JSON syntax (which cannot tell a block from a
    map without the provider's schema)."""
    from mlmarket.readers.provider_schema import SCHEMAS

    return SCHEMAS.get(key)


@functools.cache
def _resource_schema(mode: str, resource_type: str) -> BlockSchema | None:
    """The hashicorp/aws schema of an in-scope type: Terraform converts arguments to their types, and a reference
    to a whole resource sees every attribute (see mlmarket.terraform.resource_schema)."""
    from mlmarket.readers.provider_schema import SCHEMAS

    raw = SCHEMAS.get(f"{mode} {resource_type}")
    return BlockSchema.from_json(raw) if raw is not None else None


def _shown(tree: Tree, full: str) -> str:
    return display_path(os.path.join(tree.display_root, os.path.relpath(full, tree.real_root)))


def _refuse_linked_directory(tree: Tree, full: str) -> None:
    """os.walk does not descend into a symlinked directory; one that points inside the scanned tree is
    scanned at its real place, but one that points outside would be skipped without a word."""
    if not os.path.islink(full):
        return
    target = os.path.realpath(full)
    if os.path.isdir(target) and os.path.commonpath([target, tree.real_root]) != tree.real_root:
        raise InputError(
            _shown(tree, full), "is a symlink to a directory outside the scanned directory; scan its target instead"
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
    data = read_bytes(full)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(shown, f"invalid UTF-8 at byte {error.start}", line=line) from None
    if len(text) > _MAX_LINE_BYTES:
        for number, line_text in enumerate(text.splitlines(), 1):
            if len(line_text) > _MAX_LINE_BYTES:
                raise InputError(
                    shown,
                    f"a line of {len(line_text):,} characters; mlmarket reads lines of at most {_MAX_LINE_BYTES:,}",
                    line=number,
                )
    return text


# --- which directories are roots ------------------------------------------------------------------------------


def _root_stacks(tree: Tree) -> list[Stack]:
    """Every directory that no module call is known to cover is judged as a root module.

    A directory is left out only when every call to it was read and expanded to at least one instance while
    evaluating some root: a call with `count = 0`, a call from a directory that is never evaluated, or a cycle
    must not hide a directory's resources (fail closed). Uncalled directories are evaluated first, then any
    directory still uncovered, one at a time, until nothing changes."""
    callers = _module_callers(tree)
    expanded: set[tuple[str, str]] = set()
    stacks: dict[str, Stack] = {}
    while True:
        uncovered = sorted(
            d
            for d in tree.modules
            if d not in stacks and not (callers.get(d) and all(call in expanded for call in callers[d]))
        )
        if not uncovered:
            return [stacks[d] for d in sorted(stacks)]
        batch = [d for d in uncovered if not callers.get(d)] or uncovered[:1]
        for directory in batch:
            stacks[directory] = _evaluate_root(tree, directory, expanded)


def _outside_module(tree: Tree, directory: str) -> ModuleFiles | None:
    """A module directory outside the scanned tree, as Terraform reads it wherever it lies: its own `.tf` files
    (not its sub-directories), with the same refusals and bounds as the tree's."""
    if directory in tree.outside:
        return tree.outside[directory]
    module = None
    if os.path.isdir(directory):
        try:
            names = sorted(os.listdir(directory))
        except OSError as error:
            raise InputError(display_path(directory), f"cannot read the directory: {error.strerror or error}") from None
        module = _read_module(tree, directory, names, display_path, directory)
    tree.outside[directory] = module
    return module


def _module_callers(tree: Tree) -> dict[str, list[tuple[str, str]]]:
    """Directory -> the (calling directory, call name) of the module blocks whose local source points at it."""
    callers: dict[str, list[tuple[str, str]]] = {}
    for directory, module in tree.modules.items():
        for name, block in module.module_calls.items():
            source = _literal_source(block)
            if source is not None and source.startswith(_LOCAL_SOURCE_PREFIXES):
                target = os.path.realpath(os.path.join(directory, source))
                callers.setdefault(target, []).append((directory, name))
    return callers


def _literal_source(block: ast.Block) -> str | None:
    return _literal_attribute(block, "source")


def _literal_attribute(block: ast.Block, name: str) -> str | None:
    attribute = block.body.attributes.get(name)
    if attribute is None:
        return None
    try:
        value = Evaluator(Scope()).evaluate(attribute.expr)
    except EvaluationError:
        return None
    return value.raw if value.is_known and isinstance(value.raw, str) else None


# --- step 2: evaluate one root ----------------------------------------------------------------------------


def _evaluate_root(tree: Tree, directory: str, expanded: set[tuple[str, str]]) -> Stack:
    module = tree.modules[directory]
    shown_dir = os.path.dirname(module.files[0].filename) or "."
    # Terraform's precedence, lowest first: defaults (in the configuration), TF_VAR_ variables, variables files.
    inputs = _environment_variables(module)
    from_files, tfvars_bytes = _read_tfvars(tree, directory, shown_dir)
    inputs.update(from_files)
    inputs.update(_command_line_variables(module, tree.command_line))

    installed = read_manifest(directory)

    def load(caller: ModuleFiles, name: str, source: str, block: ast.Block, key: str) -> ModuleFiles | str:
        if source.startswith(_LOCAL_SOURCE_PREFIXES):
            target = os.path.realpath(os.path.join(caller.directory, source))
        elif key in installed:
            record = installed[key]
            if not same_source(source, record.source):
                return f"installed from {record.source!r}, the configuration now says otherwise: run `terraform init`"
            target = record.directory
        else:
            downloaded = tree.external_modules and checkov_download(
                tree.real_root, tree.external_modules, source, _literal_attribute(block, "version")
            )
            if not downloaded:
                return NOT_INSTALLED
            target = downloaded
        child = tree.modules.get(target) or _outside_module(tree, target)
        if child is None:
            raise InputError(caller.filename(block), f"module `{name}` source {source!r} has no Terraform files",
                             line=block.line)
        if child.directory not in readable_roots:
            readable_roots.append(child.directory)  # file() and templatefile() of that module read there
        return child

    # Filesystem functions read inside the scanned tree's repository (`file("${path.module}/../ml/x.json")` from
    # a root below the repository's top, as Terraform reads it), or the scanned tree outside any repository.
    readable_roots = [repository_root(tree.real_root) or tree.real_root]

    options = RootOptions(
        root_directory=directory,
        loader=load,
        instance_budget=_BASE_INSTANCE_BUDGET + (tree.total_bytes + tfvars_bytes) // _SOURCE_BYTES_PER_INSTANCE,
        max_depth=_MAX_MODULE_DEPTH,
        data_source=aws_data_source,
        resource_schema=_resource_schema,
        readable_roots=readable_roots,
        workspace=selected_workspace(directory, tree.workspace),
    )
    evaluated = evaluate_root(module, inputs, options)
    expanded.update(evaluated.expanded_calls)
    return build_stack(evaluated, shown_dir, tree.sources)


_PRIMITIVE_TYPES = frozenset({"string", "number", "bool"})


def _environment_variables(module: ModuleFiles) -> dict[str, Value]:
    """`TF_VAR_<name>` for the root's declared variables: the text itself for a variable of a primitive type (or
    none), an HCL expression for a collection or structural type, as Terraform reads them."""
    values: dict[str, Value] = {}
    for name in module.variables:
        text = os.environ.get(f"TF_VAR_{name}")
        if text is not None:
            values[name] = _variable_text(module, name, text, f"environment variable TF_VAR_{name}")
    return values


def _variable_text(module: ModuleFiles, name: str, text: str, where: str) -> Value:
    """A variable's value given as text (TF_VAR_, --var): the text itself for a primitive type (or none), an HCL
    expression for a collection or structural type, as Terraform reads it."""
    declared = module.variables[name].body.attributes.get("type")
    if declared is None or (isinstance(declared.expr, ast.Variable) and declared.expr.name in _PRIMITIVE_TYPES):
        return string(text)
    try:
        return Evaluator(Scope()).evaluate(parse_expression(text, where))
    except EvaluationError as error:
        raise InputError(where, f"invalid value: {error}") from None


def _command_line_variables(module: ModuleFiles, command_line: Sequence[tuple[str, str]]) -> dict[str, Value]:
    """`--var-file` and `--var` in the order given. A root that does not declare a variable ignores it: one scan
    may hold several roots."""
    values: dict[str, Value] = {}
    for kind, text in command_line:
        if kind == "file":
            content = _read_text(os.path.realpath(text), text)
            given = _json_tfvars(content, text) if text.endswith(".json") else _hcl_tfvars(content, text)
            values.update({name: value for name, value in given.items() if name in module.variables})
            continue
        name, equals, value = text.partition("=")
        if not equals or not name.strip():
            raise InputError("--var", f"{text!r} is not NAME=VALUE")
        name = name.strip()
        if name in module.variables:
            values[name] = _variable_text(module, name, value, f"--var {name}")
    return values


def _read_tfvars(tree: Tree, directory: str, shown_dir: str) -> tuple[dict[str, Value], int]:
    """The root's variables files in Terraform's order (later files win), and how many bytes they held."""
    values: dict[str, Value] = {}
    total = 0
    names = sorted(os.listdir(directory))
    ordered = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    ordered += [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for name in ordered:
        full = os.path.join(directory, name)
        shown = display_path(os.path.join(shown_dir, name))
        _refuse_outside_links(full, tree.real_root, shown)
        text = _read_text(full, shown)
        total += len(text)
        values.update(_json_tfvars(text, shown) if name.endswith(".json") else _hcl_tfvars(text, shown))
    return values, total


def _json_tfvars(text: str, shown: str) -> dict[str, Value]:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InputError(shown, f"invalid variables file: {str(error).splitlines()[0]}") from None
    if not isinstance(parsed, dict):
        raise InputError(shown, "a variables file must hold an object")
    return {name: from_json_like(value) for name, value in parsed.items()}


def _hcl_tfvars(text: str, shown: str) -> dict[str, Value]:
    parsed = parse_file(text, shown)
    if parsed.body.blocks:
        raise InputError(shown, "a variables file holds only assignments, not blocks",
                         line=parsed.body.blocks[0].line)
    evaluator = Evaluator(Scope())  # variables files are constants: no references
    values: dict[str, Value] = {}
    for name, attribute in parsed.body.attributes.items():
        try:
            values[name] = evaluator.evaluate(attribute.expr)
        except EvaluationError as error:
            raise InputError(shown, f"invalid variables file: {error}", line=attribute.line) from None
    return values
