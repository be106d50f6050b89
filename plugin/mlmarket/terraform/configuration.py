"""A Terraform configuration evaluated as `terraform plan` evaluates it, before apply.

`evaluate_root` takes a root module's parsed files, the values of its input variables and a loader for the
modules it calls, and returns every resource and data instance (addresses expanded by `count`/`for_each`, module
instances included) with its arguments evaluated to Values, every provider configuration, and the module calls
that could not be read. Values are computed lazily, on first use, as Terraform's graph would order them:
variables from module arguments, locals, module outputs and the configured arguments of other resources. A
computed attribute (one the configuration does not set) is unknown, with the reference as its reason.

This module knows nothing of AWS: the caller passes `data_source` to give values of data sources that a
provider's configuration decides (`data.aws_region.current.name`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mlmarket.errors import InputError
from mlmarket.terraform import functions
from mlmarket.terraform.evaluator import EvaluationError, Evaluator, Resolved, Scope
from mlmarket.terraform.resource_schema import BlockSchema, conform, planned_object
from mlmarket.terraform.syntax import ast
from mlmarket.terraform.typeexpr import Constraint, TypeExpressionError, apply_constraint, parse_constraint
from mlmarket.terraform.values import (
    DYNAMIC,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Value,
    null,
    object_of,
    string,
    tuple_of,
    unknown,
)

RESOURCE_META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
RESOURCE_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
MODULE_META_ARGUMENTS = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


# --- a module directory ------------------------------------------------------------------------------------


@dataclass
class ModuleFiles:
    """The parsed files of one module directory, indexed by the blocks Terraform reads."""

    directory: str
    files: list[ast.File]
    variables: dict[str, ast.Block] = field(default_factory=dict)
    locals: dict[str, ast.Attribute] = field(default_factory=dict)
    outputs: dict[str, ast.Block] = field(default_factory=dict)
    providers: list[ast.Block] = field(default_factory=list)
    resources: dict[tuple[str, str], ast.Block] = field(default_factory=dict)
    data: dict[tuple[str, str], ast.Block] = field(default_factory=dict)
    module_calls: dict[str, ast.Block] = field(default_factory=dict)
    file_of: dict[int, str] = field(default_factory=dict)  # id(block or attribute) -> file name

    @classmethod
    def from_files(cls, directory: str, files: list[ast.File], overrides: Sequence[ast.File] = ()) -> ModuleFiles:
        """`overrides`: the override files (`override.tf`, `*_override.tf` and their JSON forms), merged into the
        blocks they name after every other file is read, in order, as Terraform merges them."""
        module = cls(directory, [*files, *overrides])
        for parsed in files:
            for block in parsed.body.blocks:
                module._add(parsed.filename, block)
        for parsed in overrides:
            for block in parsed.body.blocks:
                module._override(parsed.filename, block)
        return module

    def _override(self, filename: str, block: ast.Block) -> None:
        kind, labels = block.type, block.labels
        self._note_file(filename, block)  # the arguments it brings stay in its file

        def missing(what: str, line: int = block.line) -> InputError:
            return InputError(filename, f"Missing base {what} to override: there is no {what} of that name to "
                              "override (Terraform refuses it)", line=line)

        if kind == "locals":
            for name, attribute in block.body.attributes.items():
                if name not in self.locals:
                    raise missing("local value definition", attribute.line)
                self.locals[name] = attribute
                self.file_of[id(attribute)] = filename
            return
        index: dict[Any, ast.Block]
        if kind == "variable" and len(labels) == 1:
            index, key, what = self.variables, labels[0], "variable declaration"
        elif kind == "output" and len(labels) == 1:
            index, key, what = self.outputs, labels[0], "output declaration"
        elif kind == "module" and len(labels) == 1:
            index, key, what = self.module_calls, labels[0], "module call"
        elif kind in ("resource", "data") and len(labels) == 2:
            index = self.resources if kind == "resource" else self.data
            key, what = (labels[0], labels[1]), f"{kind} block"
        elif kind == "provider" and len(labels) == 1:
            self._override_provider(filename, block, missing)
            return
        else:
            return  # terraform blocks and the like hold nothing mlmarket evaluates
        base = index.get(key)
        if base is None:
            raise missing(what)
        merged = _merged_block(base, block)
        self.file_of[id(merged)] = self.file_of[id(base)]
        index[key] = merged

    def _override_provider(self, filename: str, block: ast.Block, missing: Callable[[str], InputError]) -> None:
        wanted = (block.labels[0], _literal_alias(block))
        for position, base in enumerate(self.providers):
            if (base.labels[0], _literal_alias(base)) == wanted:
                merged = _merged_block(base, block)
                self.file_of[id(merged)] = self.file_of[id(base)]
                self.providers[position] = merged
                return
        raise missing("provider configuration")

    def _add(self, filename: str, block: ast.Block) -> None:
        kind, labels = block.type, block.labels
        self._note_file(filename, block)

        def duplicate(what: str) -> InputError:
            return InputError(filename, f"duplicate {what} (Terraform refuses it)", line=block.line)

        if kind == "variable" and len(labels) == 1:
            if labels[0] in self.variables:
                raise duplicate(f'variable "{labels[0]}"')
            self.variables[labels[0]] = block
        elif kind == "locals":
            for name, attribute in block.body.attributes.items():
                if name in self.locals:
                    raise InputError(filename, f'duplicate local value "{name}"', line=attribute.line)
                self.locals[name] = attribute
                self.file_of[id(attribute)] = filename
        elif kind == "output" and len(labels) == 1:
            if labels[0] in self.outputs:
                raise duplicate(f'output "{labels[0]}"')
            self.outputs[labels[0]] = block
        elif kind == "provider" and len(labels) == 1:
            self.providers.append(block)
        elif kind in ("resource", "data") and len(labels) == 2:
            index = self.resources if kind == "resource" else self.data
            if (labels[0], labels[1]) in index:
                raise duplicate(f'{kind} "{labels[0]}" "{labels[1]}"')
            index[(labels[0], labels[1])] = block
        elif kind == "module" and len(labels) == 1:
            if labels[0] in self.module_calls:
                raise duplicate(f'module "{labels[0]}"')
            self.module_calls[labels[0]] = block

    def _note_file(self, filename: str, block: ast.Block) -> None:
        """Every block and argument of `block` is in `filename`: an error about any of them names the file."""
        self.file_of[id(block)] = filename
        for attribute in block.body.attributes.values():
            self.file_of[id(attribute)] = filename
        for nested in block.body.blocks:
            self._note_file(filename, nested)

    def filename(self, node: Any) -> str:
        return self.file_of.get(id(node), self.directory)


def _merged_block(base: ast.Block, override: ast.Block) -> ast.Block:
    """Terraform's override merge: each argument the override sets replaces the base's; a nested block type the
    override holds (static or dynamic) replaces every base block of that type; setting `count` drops the base's
    `for_each` and the other way round; `lifecycle` merges argument by argument."""
    attributes = dict(base.body.attributes)
    if "count" in override.body.attributes:
        attributes.pop("for_each", None)
    if "for_each" in override.body.attributes:
        attributes.pop("count", None)
    attributes.update(override.body.attributes)

    def block_type(block: ast.Block) -> str:
        return block.labels[0] if block.type == "dynamic" and block.labels else block.type

    replaced = {block_type(b) for b in override.body.blocks if b.type != "lifecycle"}
    blocks = [b for b in base.body.blocks if block_type(b) not in replaced]
    base_lifecycle = next((b for b in blocks if b.type == "lifecycle"), None)
    for block in override.body.blocks:
        if block.type == "lifecycle" and base_lifecycle is not None:
            merged = _merged_block(base_lifecycle, block)
            blocks[blocks.index(base_lifecycle)] = merged
            base_lifecycle = merged
        else:
            blocks.append(block)
    return ast.Block(base.type, base.labels, ast.Body(attributes, tuple(blocks)), base.line, base.end_line)


def _literal_alias(block: ast.Block) -> str | None:
    attribute = block.body.attributes.get("alias")
    if attribute is None:
        return None
    node = attribute.expr
    if isinstance(node, ast.Template) and len(node.parts) == 1 and isinstance(node.parts[0], ast.Literal):
        node = node.parts[0]
    return str(node.value) if isinstance(node, ast.Literal) else None


class ModuleLoader(Protocol):
    def __call__(
        self, caller: ModuleFiles, name: str, source: str, block: ast.Block, key: str
    ) -> ModuleFiles | str | None:
        """The module a call's `source` names. `key` is the call's path from the root without instance keys
        ("a.b" for module.a's module.b), as `terraform init` records it in `.terraform/modules/modules.json`.
        None, or the reason as text, when it is not on disk to read (a registry or git module not installed)."""


# --- results -----------------------------------------------------------------------------------------------


@dataclass
class ProviderInstance:
    key: str  # module path + local name, as plans write provider_config_key: "aws", "aws.west", "module.m:aws"
    local_name: str  # "aws" or "aws.west"
    attributes: dict[str, Value]
    filename: str
    line: int


@dataclass
class ResourceInstance:
    address: str
    mode: str  # "managed" or "data"
    type: str
    name: str
    attributes: dict[str, Value]
    provider: ProviderInstance | None
    provider_local_name: str
    filename: str
    line: int
    end_line: int
    module_prefix: str


@dataclass
class EvaluatedRoot:
    resources: list[ResourceInstance] = field(default_factory=list)
    providers: list[ProviderInstance] = field(default_factory=list)
    unread_modules: list[str] = field(default_factory=list)
    # (calling directory, call name) of the module calls expanded to at least one instance.
    expanded_calls: set[tuple[str, str]] = field(default_factory=set)


# (type, its provider configuration, its evaluated arguments) -> the attributes the provider decides at plan time.
DataSourceHook = Callable[[str, "ProviderInstance | None", "dict[str, Value]"], "dict[str, Value] | None"]
# (mode, type) -> the provider's schema of the type, or None where the caller has none.
SchemaLookup = Callable[[str, str], "BlockSchema | None"]


@dataclass
class RootOptions:
    root_directory: str
    loader: ModuleLoader
    instance_budget: int
    max_depth: int = 20
    workspace: str = "default"
    data_source: DataSourceHook | None = None
    resource_schema: SchemaLookup | None = None
    # Directories filesystem functions may read; the loader may add module directories as it reads them.
    readable_roots: Sequence[str] = ()


class BudgetExceeded(Exception):
    pass


# --- evaluation --------------------------------------------------------------------------------------------


def evaluate_root(files: ModuleFiles, inputs: Mapping[str, Value], options: RootOptions) -> EvaluatedRoot:
    result = EvaluatedRoot()
    state = _RunState(options, result)
    root = _ModuleInstance(state, files, "", {name: _constant(v) for name, v in inputs.items()}, {}, (files.directory,))
    root.run()
    validation = _validation_walk(files, options)
    validation.run()
    for name in files.outputs:
        validation.output(name)
    return result


def evaluate_outputs(files: ModuleFiles, inputs: Mapping[str, Value], options: RootOptions) -> dict[str, Value]:
    """The values of a root module's outputs (what `terraform plan` shows for them), each after the validation
    walk has accepted it."""
    state = _RunState(options, EvaluatedRoot())
    root = _ModuleInstance(state, files, "", {name: _constant(v) for name, v in inputs.items()}, {}, (files.directory,))
    validation = _validation_walk(files, options)
    values = {}
    for name in files.outputs:
        values[name] = root.output(name)
        validation.output(name)
    return values


def _validation_walk(files: ModuleFiles, options: RootOptions) -> _ModuleInstance:
    """Terraform validates a configuration before it plans it: every input variable is an unknown of its declared
    type, every resource and data source attribute unknown, every count/for_each one instance. An expression
    that fails there (a conditional between unrelated types that only an unknown reveals) is refused even when
    the planned values would have given it a value: so mlmarket refuses it too."""
    state = _RunState(options, EvaluatedRoot(), validating=True)
    return _ModuleInstance(state, files, "", {}, {}, (files.directory,))


def _constant(value: Value) -> Callable[[], Value]:
    return lambda: value


@dataclass
class _RunState:
    options: RootOptions
    result: EvaluatedRoot
    validating: bool = False  # Terraform's validation walk (see _validation_walk)
    instances_left: int = 0

    def __post_init__(self) -> None:
        self.instances_left = self.options.instance_budget

    def spend(self, count: int, filename: str, what: str, line: int) -> None:
        self.instances_left -= count
        if self.instances_left < 0:
            raise InputError(
                filename,
                f"{what} expands the configuration past mlmarket's bound of resource and module instances "
                "(count/for_each fan-out); mlmarket refuses rather than guess",
                line=line,
            )


_IN_PROGRESS = object()


class _ModuleInstance:
    def __init__(
        self,
        state: _RunState,
        files: ModuleFiles,
        prefix: str,
        inputs: dict[str, Callable[[], Value]],
        providers: dict[str, ProviderInstance],
        chain: tuple[str, ...],
        module_key: str = "",
    ) -> None:
        self.state = state
        self.module_key = module_key  # "a.b": the call path without instance keys
        self.files = files
        self.prefix = prefix
        self.inputs = inputs
        self.chain = chain
        self.providers = dict(providers)
        self._variables: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._resource_bodies: dict[tuple[str, str, Any], Any] = {}
        self._children: dict[str, Any] = {}
        options = state.options
        self.context = functions.CallContext(
            module_dir=options.root_directory, readable_roots=tuple(options.readable_roots)
        )
        self.base_names = {
            "path": object_of(
                {
                    "module": string(_relative(files.directory, options.root_directory)),
                    "root": string("."),
                    "cwd": string(options.root_directory),
                }
            ),
            "terraform": object_of({"workspace": string(options.workspace)}),
        }

    # -- the instance's blocks ----------------------------------------------------------------------------

    def run(self) -> None:
        # Every variable is read, used or not, so that a declaration Terraform refuses is refused here too.
        for name in self.files.variables:
            self._resolve_variable((name,))
        for block in self.files.providers:
            provider = self._provider(block)
            self.providers[provider.local_name] = provider
            self.state.result.providers.append(provider)
        for (resource_type, name), block in self.files.resources.items():
            self._expand_resource("managed", resource_type, name, block)
        for (resource_type, name), block in self.files.data.items():
            self._expand_resource("data", resource_type, name, block)
        for name in self.files.module_calls:
            self._child_instances(name)

    def _provider(self, block: ast.Block) -> ProviderInstance:
        evaluator = self._evaluator()
        attributes = self._evaluate_body(block.body, evaluator, frozenset({"alias"}), frozenset())
        alias_node = block.body.attributes.get("alias")
        local_name = block.labels[0]
        if alias_node is not None:
            alias = self._expression(alias_node.expr, evaluator, alias_node)
            if not alias.is_known or not isinstance(alias.raw, str):
                raise InputError(self.files.filename(block), "a provider alias must be a literal name", line=block.line)
            local_name = f"{local_name}.{alias.raw}"
        key = f"{self.prefix.rstrip('.')}:{local_name}" if self.prefix else local_name
        return ProviderInstance(key, local_name, attributes, self.files.filename(block), block.line)

    def _expand_resource(self, mode: str, resource_type: str, name: str, block: ast.Block) -> None:
        filename = self.files.filename(block)
        address = f"{self.prefix}{'data.' if mode == 'data' else ''}{resource_type}.{name}"
        provider_local = self._provider_reference(block, resource_type)
        for key, bindings in self._expansions(block.body, filename, address, block.line):
            evaluator = self._evaluator(bindings)
            attributes = self._evaluate_body(block.body, evaluator, RESOURCE_META_ARGUMENTS, RESOURCE_META_BLOCKS)
            schema = self._schema(mode, resource_type)
            if schema is not None:
                attributes = conform(attributes, schema, address + key)
            if mode == "data":
                # What the provider decides at plan time (a prebuilt image's registry_path) is part of the data
                # source as the plan shows it; what the configuration writes stays as written.
                decided = self._data_source(resource_type, block, attributes) or {}
                attributes = {**decided, **attributes}
            self.state.result.resources.append(
                ResourceInstance(
                    address=address + key,
                    mode=mode,
                    type=resource_type,
                    name=name,
                    attributes=attributes,
                    provider=self.providers.get(provider_local),
                    provider_local_name=provider_local,
                    filename=filename,
                    line=block.line,
                    end_line=block.end_line,
                    module_prefix=self.prefix,
                )
            )

    def _provider_reference(self, block: ast.Block, resource_type: str) -> str:
        attribute = block.body.attributes.get("provider")
        if attribute is None:
            return resource_type.split("_", 1)[0]
        text = _traversal_text(attribute.expr)
        if text is None:
            raise InputError(self.files.filename(block), "`provider` must be a provider reference", line=block.line)
        return text

    # -- count and for_each -------------------------------------------------------------------------------

    def _expansions(
        self, body: ast.Body, filename: str, what: str, line: int, evaluator: Evaluator | None = None
    ) -> list[tuple[str, dict[str, Value]]]:
        """(address key, names bound for the instance) for each instance `count`/`for_each` make. When the
        collection is unknown the block stays one instance whose `count.index`/`each` are unknown."""
        evaluator = evaluator or self._evaluator()
        count_node = body.attributes.get("count")
        each_node = body.attributes.get("for_each")
        if self.state.validating:
            # One instance whose count.index / each are unknown, as Terraform validates a repeated block.
            if count_node is not None:
                self._expression(count_node.expr, evaluator, count_node)
                return [("", {"count": object_of({"index": unknown(NUMBER, "validation")})})]
            if each_node is not None:
                self._expression(each_node.expr, evaluator, each_node)
                return [("", {"each": object_of({"key": unknown(STRING, "validation"),
                                                  "value": unknown(DYNAMIC, "validation")})})]
            return [("", {})]
        if count_node is not None:
            count = self._expression(count_node.expr, evaluator, count_node)
            if not count.is_known:
                self.state.spend(1, filename, what, line)
                return [("", {"count": object_of({"index": unknown(NUMBER, count.reason, count.refs)})})]
            number = _count_number(count, filename, count_node.line)
            self.state.spend(number, filename, what, line)
            return [(f"[{i}]", {"count": object_of({"index": Value(NUMBER, i)})}) for i in range(number)]
        if each_node is not None:
            collection = _keys_known_or_unknown(self._expression(each_node.expr, evaluator, each_node))
            if not collection.is_known:
                self.state.spend(1, filename, what, line)
                each = unknown(DYNAMIC, collection.reason, collection.refs)
                return [("", {"each": object_of({"key": unknown(STRING, collection.reason, collection.refs),
                                                  "value": each})})]
            items = _for_each_items(collection, filename, each_node.line)
            self.state.spend(len(items), filename, what, line)
            return [
                (f"[{_quoted(key)}]", {"each": object_of({"key": string(key), "value": value})})
                for key, value in items
            ]
        self.state.spend(1, filename, what, line)
        return [("", {})]

    # -- bodies -------------------------------------------------------------------------------------------

    def _evaluate_body(
        self, body: ast.Body, evaluator: Evaluator, skip_attributes: frozenset[str], skip_blocks: frozenset[str]
    ) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for name, attribute in body.attributes.items():
            if name not in skip_attributes:
                values[name] = self._expression(attribute.expr, evaluator, attribute)
        nested: dict[str, list[Value] | Value] = {}
        for block in body.blocks:
            if block.type in skip_blocks:
                continue
            if block.type == "dynamic" and len(block.labels) == 1:
                generated = self._dynamic_block(block, evaluator)
                existing = nested.get(block.labels[0], [])
                if not isinstance(generated, list) or not isinstance(existing, list):
                    nested[block.labels[0]] = generated if not isinstance(generated, list) else existing
                else:
                    existing.extend(generated)
                    nested[block.labels[0]] = existing
                continue
            existing = nested.setdefault(block.type, [])
            if isinstance(existing, list):
                existing.append(object_of(self._evaluate_body(block.body, evaluator, frozenset(), frozenset())))
        for name, blocks in nested.items():
            values[name] = tuple_of(blocks) if isinstance(blocks, list) else blocks
        return values

    def _dynamic_block(self, block: ast.Block, evaluator: Evaluator) -> list[Value] | Value:
        filename = self.files.filename(block)
        each_node = block.body.attributes.get("for_each")
        if each_node is None:
            raise InputError(filename, f'dynamic "{block.labels[0]}" has no for_each', line=block.line)
        collection = self._expression(each_node.expr, evaluator, each_node)
        iterator = block.labels[0]
        iterator_node = block.body.attributes.get("iterator")
        if iterator_node is not None:
            iterator = _traversal_text(iterator_node.expr) or iterator
        if collection.is_null:
            raise InputError(filename, "Invalid dynamic for_each value: Cannot use a null value in for_each.",
                             line=each_node.line)
        if not collection.is_known:
            return unknown(DYNAMIC, f'the `{block.labels[0]}` blocks come from a dynamic block whose for_each '
                           f'is unknown: {collection.reason}', collection.refs, collection.sensitive)
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if content is None:
            raise InputError(filename, f'dynamic "{block.labels[0]}" has no content block', line=block.line)
        generated: list[Value] = []
        for key, value in _iteration_pairs(collection, filename, each_node.line):
            scoped = Evaluator(evaluator.scope.child({iterator: object_of({"key": key, "value": value})}))
            generated.append(object_of(self._evaluate_body(content.body, scoped, frozenset(), frozenset())))
        return generated

    def _expression(self, node: ast.Node, evaluator: Evaluator, where: Any) -> Value:
        try:
            return evaluator.evaluate(node)
        except EvaluationError as error:
            raise InputError(self.files.filename(where), str(error), line=error.line or node.line) from None
        except InputError:
            raise
        except RecursionError:
            raise InputError(self.files.filename(where), "expression nested too deeply", line=node.line) from None

    # -- names --------------------------------------------------------------------------------------------

    def _evaluator(self, bindings: Mapping[str, Value] | None = None) -> Evaluator:
        names = dict(self.base_names)
        if bindings:
            names.update(bindings)
        return Evaluator(Scope(names, self._resolve, self.context))

    def _resolve(self, name: str, steps: tuple[Any, ...]) -> Resolved | None:
        if name == "var":
            return self._resolve_variable(steps)
        if name == "local":
            return self._resolve_local(steps)
        if name == "module":
            return self._resolve_module(steps)
        if name == "data":
            return self._resolve_resource("data", steps[0] if steps else None, steps[1:], 1)
        if name in ("count", "each", "self"):
            raise EvaluationError(f'Reference to "{name}" in a context where it is not available.')
        return self._resolve_resource("managed", name, steps, 0)

    def _resolve_variable(self, steps: tuple[Any, ...]) -> Resolved:
        if not steps or not isinstance(steps[0], str):
            raise EvaluationError('Invalid reference: The "var" object must be followed by an attribute name.')
        name = steps[0]
        if name not in self.files.variables:
            raise EvaluationError(f'Reference to undeclared input variable: An input variable with the name '
                                  f'"{name}" has not been declared.', static=True)
        return Resolved(self._memo(self._variables, name, lambda: self._variable_value(name), "variable"), 1)

    def _variable_value(self, name: str) -> Value:
        block = self.files.variables[name]
        attributes = block.body.attributes
        evaluator = Evaluator(Scope({}, None, self.context))  # defaults and types refer to nothing
        filename = self.files.filename(block)
        constraint = Constraint(DYNAMIC)
        if "type" in attributes:
            try:
                constraint = parse_constraint(attributes["type"].expr,
                                              lambda node: self._expression(node, evaluator, block))
            except TypeExpressionError as error:
                raise InputError(filename, f'variable "{name}": {error}', line=attributes["type"].line) from None
        sensitive = False
        if "sensitive" in attributes:
            flag = self._expression(attributes["sensitive"].expr, evaluator, block)
            sensitive = _literal_bool(flag, filename, attributes["sensitive"].line, "sensitive")
        nullable = True
        if "nullable" in attributes:
            flag = self._expression(attributes["nullable"].expr, evaluator, block)
            nullable = _literal_bool(flag, filename, attributes["nullable"].line, "nullable")
        value: Value | None = None
        if name in self.inputs:
            value = self.inputs[name]()
            if value.is_null and not nullable:
                value = None
        if value is None and "default" in attributes:
            value = self._expression(attributes["default"].expr, evaluator, block)
        if value is None:
            where = "the module call" if self.prefix else "--var, a variables file or TF_VAR_" + name
            value = unknown(constraint.type, f"var.{name} has no value (set it with {where})", (f"var.{name}",))
        try:
            value = apply_constraint(value, constraint)
        except ConversionError as error:
            raise InputError(filename, f'Invalid value for variable "{name}": {error}', line=block.line) from None
        if self.state.validating:
            value = unknown(constraint.type, f"var.{name} during validation", (f"var.{name}",))
        return value.with_sensitive(sensitive)

    def _resolve_local(self, steps: tuple[Any, ...]) -> Resolved:
        if not steps or not isinstance(steps[0], str):
            raise EvaluationError('Invalid reference: The "local" object must be followed by an attribute name.')
        name = steps[0]
        attribute = self.files.locals.get(name)
        if attribute is None:
            raise EvaluationError(f'Reference to undeclared local value: A local value with the name "{name}" '
                                  "has not been declared.", static=True)
        value = self._memo(self._locals, name, lambda: self._expression(attribute.expr, self._evaluator(), attribute),
                           "local value")
        return Resolved(value, 1)

    def _memo(self, cache: dict[str, Any], name: str, compute: Callable[[], Value], what: str) -> Value:
        cached = cache.get(name)
        if cached is _IN_PROGRESS:
            raise EvaluationError(f'Cycle: the {what} "{name}" depends on itself.')
        if cached is not None:
            return cached
        cache[name] = _IN_PROGRESS
        try:
            value = compute()
        except BaseException:
            del cache[name]
            raise
        cache[name] = value
        return value

    # -- resources referred to ----------------------------------------------------------------------------

    def _resolve_resource(self, mode: str, resource_type: Any, steps: tuple[Any, ...], used: int) -> Resolved:
        if not isinstance(resource_type, str) or not steps or not isinstance(steps[0], str):
            return Resolved(unknown(DYNAMIC, "a reference that is known only after apply"), used + len(steps))
        name = steps[0]
        index = self.files.resources if mode == "managed" else self.files.data
        block = index.get((resource_type, name))
        prefix = "data." if mode == "data" else ""
        if block is None:
            kind = "data" if mode == "data" else "managed"
            raise EvaluationError(f'Reference to undeclared resource: A {kind} resource "{resource_type}" "{name}" '
                                  "has not been declared in this module.", static=True)
        rest = steps[1:]
        used += 1
        if self.state.validating:
            reference = f"{prefix}{resource_type}.{name}"
            return Resolved(unknown(DYNAMIC, f"{reference} during validation", (reference,)), used + len(rest))
        bindings: dict[str, Value] = {}
        key_text = ""
        expanded = "count" in block.body.attributes or "for_each" in block.body.attributes
        if expanded:
            if not rest:
                whole = self._all_instances(block, resource_type, name, f"{prefix}{resource_type}.{name}")
                return Resolved(whole, used)
            if isinstance(rest[0], str) and "count" in block.body.attributes:
                reference = f"{prefix}{resource_type}.{name}"
                return Resolved(unknown(DYNAMIC, f"{reference} is known only after apply", (reference,)),
                                used + len(rest))
            instance_key = rest[0]
            found = self._instance_bindings(block, instance_key)
            if found is None:
                reference = f"{prefix}{resource_type}.{name}"
                return Resolved(unknown(DYNAMIC, f"{reference} is known only after apply", (reference,)),
                                used + len(rest))
            bindings, key_text = found
            rest = rest[1:]
            used += 1
        reference = f"{prefix}{resource_type}.{name}{key_text}"
        if mode == "managed" and (not rest or isinstance(rest[0], str)):
            planned = self._planned_instance(resource_type, name, key_text, block, bindings)
            if planned is not None and not rest:
                return Resolved(planned, used)
            if planned is not None and rest[0] in planned.raw:
                return Resolved(planned.raw[rest[0]], used + 1)
        if not rest or not isinstance(rest[0], str):
            return Resolved(unknown(DYNAMIC, f"{reference} is known only after apply", (reference,)), used)
        attribute = rest[0]
        if mode == "data":
            hooked = self._data_source(resource_type, block,
                                       self._resource_body(mode, resource_type, name, key_text, block, bindings))
            if hooked is not None and attribute in hooked:
                return Resolved(hooked[attribute], used + 1)
        body = self._resource_body(mode, resource_type, name, key_text, block, bindings)
        if resource_type == "terraform_data" and attribute == "output" and body is not None:
            # Terraform's built-in resource: `output` is unknown until apply, of the type of `input`.
            given = body.get("input")
            text = f"{reference}.output"
            output_type = given.type if given is not None else DYNAMIC
            return Resolved(unknown(output_type, f"{text} is known only after apply", (text,)), used + 1)
        value = body.get(attribute) if mode == "managed" and body is not None else None
        if value is None or value.is_null:
            # A computed attribute, or an argument left unset that the provider may compute.
            text = f"{reference}.{attribute}"
            return Resolved(unknown(DYNAMIC, f"{text} is known only after apply", (text,)), used + 1)
        return Resolved(value, used + 1)

    def _all_instances(self, block: ast.Block, resource_type: str, name: str, reference: str) -> Value:
        """A counted resource as a whole is a tuple of its instances, one with for_each an object of them: their
        number and keys are known where count/for_each are (`length(aws_s3_bucket.b)`), each instance the object
        the plan holds for it where the provider's schema is known, else unknown."""
        filename = self.files.filename(block)

        def instance(key: Any, key_text: str) -> Value:
            found = self._instance_bindings(block, key)
            planned = None
            if found is not None and not reference.startswith("data."):
                planned = self._planned_instance(resource_type, name, key_text, block, found[0])
            if planned is not None:
                return planned
            return unknown(DYNAMIC, f"{reference}{key_text} is known only after apply", (f"{reference}{key_text}",))

        count_node = block.body.attributes.get("count")
        if count_node is not None:
            count = self._expression(count_node.expr, self._evaluator(), count_node)
            if count.is_known:
                number = _count_number(count, filename, count_node.line)
                return tuple_of([instance(i, f"[{i}]") for i in range(number)])
        else:
            each_node = block.body.attributes["for_each"]
            collection = _keys_known_or_unknown(self._expression(each_node.expr, self._evaluator(), each_node))
            if collection.is_known:
                items = _for_each_items(collection, filename, each_node.line)
                return object_of({key: instance(key, f"[{_quoted(key)}]") for key, _ in items})
        return unknown(DYNAMIC, f"{reference} is known only after apply", (reference,))

    def _instance_bindings(self, block: ast.Block, key: Any) -> tuple[dict[str, Value], str] | None:
        if "count" in block.body.attributes:
            if isinstance(key, int) and key >= 0:
                return {"count": object_of({"index": Value(NUMBER, key)})}, f"[{key}]"
            return None
        if not isinstance(key, str):
            return None
        each_node = block.body.attributes["for_each"]
        collection = self._expression(each_node.expr, self._evaluator(), each_node)
        if not collection.is_known:
            return None
        for item_key, value in _for_each_items(collection, self.files.filename(block), each_node.line):
            if item_key == key:
                return {"each": object_of({"key": string(key), "value": value})}, f"[{_quoted(key)}]"
        return None

    def _schema(self, mode: str, resource_type: str) -> BlockSchema | None:
        lookup = self.state.options.resource_schema
        return lookup(mode, resource_type) if lookup is not None else None

    def _resource_body(
        self, mode: str, resource_type: str, name: str, key: str, block: ast.Block, bindings: dict[str, Value]
    ) -> dict[str, Value] | None:
        cache_key = (mode, f"{resource_type}.{name}", key)
        cached = self._resource_bodies.get(cache_key)
        if cached is _IN_PROGRESS:
            return None  # a reference cycle through resources: leave the attribute unknown
        if cached is not None:
            return cached
        self._resource_bodies[cache_key] = _IN_PROGRESS
        body = self._evaluate_body(block.body, self._evaluator(bindings), RESOURCE_META_ARGUMENTS,
                                   RESOURCE_META_BLOCKS)
        schema = self._schema(mode, resource_type)
        if schema is not None:
            body = conform(body, schema, f"{resource_type}.{name}{key}")
        self._resource_bodies[cache_key] = body
        return body

    def _planned_instance(
        self, resource_type: str, name: str, key: str, block: ast.Block, bindings: dict[str, Value]
    ) -> Value | None:
        """The object `terraform plan` holds for a managed resource instance, or None without its schema."""
        schema = self._schema("managed", resource_type)
        if schema is None:
            return None
        cache_key = ("planned", f"{resource_type}.{name}", key)
        cached = self._resource_bodies.get(cache_key)
        if cached is None:
            body = self._resource_body("managed", resource_type, name, key, block, bindings)
            if body is None:
                return None
            cached = planned_object(body, schema, f"{resource_type}.{name}{key}")
            self._resource_bodies[cache_key] = cached
        return cached

    def _data_source(
        self, resource_type: str, block: ast.Block, arguments: dict[str, Value] | None
    ) -> dict[str, Value] | None:
        hook = self.state.options.data_source
        if hook is None or arguments is None:
            return None
        return hook(resource_type, self.providers.get(self._provider_reference(block, resource_type)), arguments)

    # -- module calls -------------------------------------------------------------------------------------

    def _resolve_module(self, steps: tuple[Any, ...]) -> Resolved:
        if not steps or not isinstance(steps[0], str):
            raise EvaluationError('Invalid reference: The "module" object must be followed by a module name.')
        name = steps[0]
        if name not in self.files.module_calls:
            raise EvaluationError(f'Reference to undeclared module: No module call named "{name}" is declared.',
                                  static=True)
        instances = self._child_instances(name)
        if instances is None:
            reference = f"module.{name}"
            why = f"{reference} is not read (not installed by `terraform init`)"
            return Resolved(unknown(DYNAMIC, why, (reference,)), 1 + len(steps[1:]))
        block = self.files.module_calls[name]
        rest = steps[1:]
        used = 1
        if "count" in block.body.attributes or "for_each" in block.body.attributes:
            if not rest:
                return Resolved(unknown(DYNAMIC, f"module.{name} as a whole is not evaluated"), used)
            key = rest[0]
            key_text = f"[{key}]" if isinstance(key, int) else f"[{_quoted(str(key))}]"
            instance = instances.get(key_text)
            if instance is None:
                return Resolved(unknown(DYNAMIC, f"module.{name}{key_text} is not known"), used + len(rest))
            rest = rest[1:]
            used += 1
        else:
            instance = instances.get("")
        if instance is None or not rest or not isinstance(rest[0], str):
            return Resolved(unknown(DYNAMIC, f"module.{name} as a whole is not evaluated"), used)
        return Resolved(instance.output(rest[0]), used + 1)

    def _child_instances(self, name: str) -> dict[str, _ModuleInstance] | None:
        cached = self._children.get(name)
        if cached is _IN_PROGRESS:
            raise EvaluationError(f'Cycle: module "{name}" depends on its own outputs.')
        if name in self._children:
            return cached
        self._children[name] = _IN_PROGRESS
        try:
            instances = self._make_children(name)
        except BaseException:
            del self._children[name]
            raise
        self._children[name] = instances
        if instances:
            self.state.result.expanded_calls.add((self.files.directory, name))
        if instances is not None:
            for instance in instances.values():
                instance.run()
        return instances

    def _make_children(self, name: str) -> dict[str, _ModuleInstance] | None:
        block = self.files.module_calls[name]
        filename = self.files.filename(block)
        source_node = block.body.attributes.get("source")
        source = self._expression(source_node.expr, Evaluator(Scope()), block) if source_node else None
        if source is None or not source.is_known or not isinstance(source.raw, str):
            raise InputError(filename, f'module "{name}": `source` must be a literal string', line=block.line)
        key = f"{self.module_key}.{name}" if self.module_key else name
        child_files = self.state.options.loader(self.files, name, source.raw, block, key)
        if child_files is None or isinstance(child_files, str):
            why = f": {child_files}" if child_files else ""
            self.state.result.unread_modules.append(f'{self.prefix}module.{name} (source "{source.raw}"){why}')
            return None
        if child_files.directory in self.chain:
            raise InputError(filename, f"module `{name}` source {source.raw!r} calls a module already in its own "
                             "call chain (Terraform refuses a module that calls itself)", line=block.line)
        if len(self.chain) > self.state.options.max_depth:
            raise InputError(filename, f"module `{name}`: module calls nested more than "
                             f"{self.state.options.max_depth} deep", line=block.line)
        providers = self._providers_for_child(block, filename)
        instances: dict[str, _ModuleInstance] = {}
        what = f"{self.prefix}module.{name}"
        for instance_key, bindings in self._expansions(block.body, filename, what, block.line):
            evaluator = self._evaluator(bindings)
            inputs = {
                argument: _lazy(self, attribute, evaluator)
                for argument, attribute in block.body.attributes.items()
                if argument not in MODULE_META_ARGUMENTS
            }
            instances[instance_key] = _ModuleInstance(
                self.state, child_files, f"{what}{instance_key}.", inputs, providers,
                (*self.chain, child_files.directory), key,
            )
        return instances

    def _providers_for_child(self, block: ast.Block, filename: str) -> dict[str, ProviderInstance]:
        mapping = block.body.attributes.get("providers")
        if mapping is None:
            # Without a `providers` map a child inherits the default (unaliased) provider configurations.
            return {k: v for k, v in self.providers.items() if "." not in k}
        if not isinstance(mapping.expr, ast.Object):
            raise InputError(filename, "`providers` must be an object of provider references", line=mapping.line)
        passed: dict[str, ProviderInstance] = {}
        for key_node, value_node in mapping.expr.items:
            child_name = _traversal_text(key_node) if not isinstance(key_node, ast.ObjectKey) else key_node.name
            parent_name = _traversal_text(value_node)
            if child_name is None or parent_name is None:
                raise InputError(filename, "`providers` must map provider names to provider references",
                                 line=mapping.line)
            if parent_name in self.providers:
                passed[child_name] = self.providers[parent_name]
        return passed

    def output(self, name: str) -> Value:
        block = self.files.outputs.get(name)
        if block is None:
            raise EvaluationError(f'Unsupported attribute: This module has no output value named "{name}".')
        attribute = block.body.attributes.get("value")
        if attribute is None:
            return null()
        value = self._memo(self._locals, f"\x00output {name}",
                           lambda: self._expression(attribute.expr, self._evaluator(), block), "output")
        flag = block.body.attributes.get("sensitive")
        if flag is not None:
            marked = self._expression(flag.expr, Evaluator(Scope()), block)
            if _literal_bool(marked, self.files.filename(block), flag.line, "sensitive"):
                value = value.with_sensitive()
        return value


def _lazy(instance: _ModuleInstance, attribute: ast.Attribute, evaluator: Evaluator) -> Callable[[], Value]:
    return lambda: instance._expression(attribute.expr, evaluator, attribute)


# --- helpers -----------------------------------------------------------------------------------------------


def _relative(path: str, start: str) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:
        return path


def _traversal_text(node: ast.Node) -> str | None:
    """`aws.west` for a provider reference; None for anything that is not a plain traversal."""
    parts: list[str] = []
    while isinstance(node, ast.GetAttr):
        parts.append(node.name)
        node = node.obj
    if not isinstance(node, ast.Variable):
        return None
    parts.append(node.name)
    return ".".join(reversed(parts))


def _whole_number(value: Value) -> int:
    if value.is_null:
        raise ValueError("The given count argument value is null. An integer is required.")
    try:
        raw = convert_number(value)
    except ConversionError:
        raise ValueError("The given count argument value is unsuitable: a number is required.") from None
    if not isinstance(raw, int):
        raise ValueError("The given count argument value is unsuitable: the count must be a whole number.")
    if raw < 0:
        raise ValueError("The given count argument value is unsuitable: negative numbers are not supported.")
    return raw


def convert_number(value: Value) -> Any:
    from mlmarket.terraform.values import convert

    return convert(value, NUMBER).raw


def _count_number(count: Value, filename: str, line: int) -> int:
    try:
        return _whole_number(count)
    except ValueError as error:
        raise InputError(filename, f"Invalid count argument: {error}", line=line) from None


def _keys_known_or_unknown(collection: Value) -> Value:
    """A for_each collection, or the unknown element that makes its keys unknown (a set holding an unknown
    element is as unknown as the set itself)."""
    if collection.is_known and isinstance(collection.type, SetType) and not collection.is_null:
        return next((e for e in collection.elements() if not e.is_known), collection)
    return collection


def _for_each_items(collection: Value, filename: str, line: int) -> list[tuple[str, Value]]:
    value_type = collection.type
    if collection.is_null:
        raise InputError(filename, "Invalid for_each argument: the given \"for_each\" argument value is null.",
                         line=line)
    if isinstance(value_type, (MapType, ObjectType)):
        return sorted(collection.attributes().items())
    if isinstance(value_type, SetType):
        items = []
        for item in collection.elements():
            if item.type != STRING or not item.is_known or item.is_null:
                raise InputError(filename, "Invalid for_each set argument: the given \"for_each\" argument value "
                                 "is unsuitable: \"for_each\" supports sets of strings.", line=line)
            items.append((item.raw, item))
        return items
    if isinstance(value_type, (ListType, TupleType)) and not collection.elements():
        # Terraform refuses a list, but an empty one expands to nothing either way.
        raise InputError(filename, "Invalid for_each argument: the \"for_each\" argument must be a map, or set "
                         "of strings, and you have provided a value of type tuple.", line=line)
    raise InputError(filename, "Invalid for_each argument: the \"for_each\" argument must be a map, or set of "
                     f"strings, and you have provided a value of type {value_type.friendly()}.", line=line)


def _iteration_pairs(collection: Value, filename: str, line: int) -> list[tuple[Value, Value]]:
    value_type = collection.type
    if isinstance(value_type, (ListType, TupleType)):
        return [(Value(NUMBER, i), item) for i, item in enumerate(collection.elements())]
    if isinstance(value_type, SetType):
        return [(item, item) for item in collection.elements()]
    if isinstance(value_type, (MapType, ObjectType)):
        return [(string(k), v) for k, v in sorted(collection.attributes().items())]
    raise InputError(filename, f"Invalid dynamic for_each value: a collection is required, not "
                     f"{value_type.friendly()}.", line=line)


def _literal_bool(value: Value, filename: str, line: int, what: str) -> bool:
    from mlmarket.terraform.values import BOOL, convert

    try:
        converted = convert(value, BOOL)
    except ConversionError:
        converted = null()
    if not converted.is_known or converted.is_null:
        raise InputError(filename, f"`{what}` must be true or false", line=line)
    return bool(converted.raw)


def _quoted(key: str) -> str:
    import json

    return json.dumps(key)


__all__ = [
    "EvaluatedRoot",
    "ModuleFiles",
    "ModuleLoader",
    "ProviderInstance",
    "ResourceInstance",
    "RootOptions",
    "evaluate_root",
    "null",
]
