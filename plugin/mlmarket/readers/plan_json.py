"""Reader for `terraform show -json` plans: one plan file -> one Stack.

Values come from `resource_changes[].change.after`; `after_unknown` marks values known only after apply, and
`after_sensitive` values are never read. An attribute shown as unknown whose argument is not written in the
resource's `configuration` is a computed default: absent, not unknown (DESIGN.md, resolution rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlmarket.errors import InputError
from mlmarket.model import SENSITIVE, Resource, Stack, Unknown, strip_instance_keys
from mlmarket.readers.jsonfile import display_path, load_json_document

SUPPORTED_FORMAT_MAJOR = "1"
_ABSENT = object()
_AFTER_APPLY = "known only after apply"


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    region: str | Unknown
    account: str | Unknown | None


def read_plan(path: str) -> Stack:
    plan = load_json_document(path)
    check_plan_shape(plan, path)
    return build_stack(plan, display_path(path))


def check_plan_shape(plan: Any, path: str) -> None:
    if not isinstance(plan, dict):
        raise InputError(path, f"expected a Terraform plan JSON object, found a JSON {_json_type(plan)}")
    if "lineage" in plan and "serial" in plan:
        raise InputError(
            path, "this is a Terraform state file, not a plan; run `terraform show -json tfplan`"
        )
    version = plan.get("format_version")
    if not isinstance(version, str):
        raise InputError(path, "no format_version: not the output of `terraform show -json <planfile>`")
    if version.split(".", 1)[0] != SUPPORTED_FORMAT_MAJOR:
        raise InputError(path, f"unsupported plan format_version {version!r} (supported: 1.x)")
    if plan.get("errored") is True:
        raise InputError(path, "the plan errored (errored: true); fix the plan errors and plan again")
    if "resource_changes" not in plan and "planned_values" not in plan:
        raise InputError(
            path, "no planned_values or resource_changes: this looks like state output, not a plan"
        )
    if not isinstance(plan.get("resource_changes", []), list):
        raise InputError(path, "resource_changes is not a list")
    if not isinstance(plan.get("configuration", {}), dict):
        raise InputError(path, "configuration is not an object")


def build_stack(plan: dict[str, Any], path: str) -> Stack:
    configuration = _dict(plan.get("configuration"))
    variables = {
        name: entry.get("value")
        for name, entry in _dict(plan.get("variables")).items()
        if isinstance(entry, dict)
    }
    providers = _provider_configs(_dict(configuration.get("provider_config")), variables)
    config_resources = _config_resources(_dict(configuration.get("root_module")), "")

    resources: list[Resource] = []
    for change in plan.get("resource_changes") or []:
        resource = _resource_from_change(change, config_resources, providers, path)
        if resource is not None:
            resources.append(resource)
    seen = {r.address for r in resources}
    prior = _dict(_dict(plan.get("prior_state")).get("values"))
    for state_resource in _module_resources(_dict(prior.get("root_module"))):
        if state_resource.get("mode") == "data" and state_resource.get("address") not in seen:
            resource = _resource_from_state(state_resource, config_resources, providers, path)
            if resource is not None:
                resources.append(resource)

    default = providers.get("aws")
    pinned = {p.account for p in providers.values() if isinstance(p.account, str)}
    return Stack(
        source=path,
        resources=resources,
        default_region=default.region if default else None,
        pinned_accounts=frozenset(pinned),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _provider_configs(config: dict[str, Any], variables: dict[str, Any]) -> dict[str, ProviderConfig]:
    providers: dict[str, ProviderConfig] = {}
    for key, entry in config.items():
        if not isinstance(entry, dict):
            continue
        expressions = _dict(entry.get("expressions"))
        in_root = not entry.get("module_address")
        region = _expression_value(expressions.get("region"), variables if in_root else {})
        if region is None:
            region = Unknown(f"provider {key} sets no region (taken from the environment at plan time)")
        elif not isinstance(region, (str, Unknown)):
            region = Unknown(f"provider {key} region is not a string")
        accounts = _expression_value(expressions.get("allowed_account_ids"), variables if in_root else {})
        account: str | Unknown | None = None
        if isinstance(accounts, list) and len(accounts) == 1 and isinstance(accounts[0], str):
            account = accounts[0]
        elif isinstance(accounts, Unknown):
            account = accounts
        providers[key] = ProviderConfig(key=key, region=region, account=account)
    return providers


def _expression_value(expression: Any, variables: dict[str, Any]) -> Any:
    if not isinstance(expression, dict):
        return None
    if "constant_value" in expression:
        return expression["constant_value"]
    references = expression.get("references") or []
    for ref in references:
        if isinstance(ref, str) and ref.startswith("var."):
            name = ref[4:].split(".", 1)[0]
            if name in variables and variables[name] is not None:
                return variables[name]
    return Unknown(f"expression referencing {', '.join(map(str, references)) or 'a function'} is not known")


def _config_resources(module: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """Base address (module path without instance keys) -> configuration resource."""
    found: dict[str, dict[str, Any]] = {}
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            found[prefix + resource["address"]] = resource
    for name, call in _dict(module.get("module_calls")).items():
        if isinstance(call, dict):
            found.update(_config_resources(_dict(call.get("module")), f"{prefix}module.{name}."))
    return found


def _module_resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = [r for r in module.get("resources") or [] if isinstance(r, dict)]
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            found.extend(_module_resources(child))
    return found


def _resource_from_change(
    change: Any, config_resources: dict[str, dict[str, Any]], providers: dict[str, ProviderConfig], path: str
) -> Resource | None:
    if not isinstance(change, dict) or not isinstance(change.get("address"), str):
        return None
    body = _dict(change.get("change"))
    actions = body.get("actions") or []
    if actions == ["delete"]:
        return None
    config = config_resources.get(strip_instance_keys(change["address"]), {})
    after = body.get("after")
    attributes = _merge_attributes(after, body.get("after_unknown"), body.get("after_sensitive"), config)
    return _make_resource(change, attributes, config, providers, path)


def _resource_from_state(
    state: dict[str, Any],
    config_resources: dict[str, dict[str, Any]],
    providers: dict[str, ProviderConfig],
    path: str,
) -> Resource | None:
    config = config_resources.get(strip_instance_keys(state["address"]), {})
    attributes = _merge_attributes(state.get("values"), None, state.get("sensitive_values"), config)
    return _make_resource(state, attributes, config, providers, path)


def _make_resource(
    entry: dict[str, Any],
    attributes: Any,
    config: dict[str, Any],
    providers: dict[str, ProviderConfig],
    path: str,
) -> Resource | None:
    resource_type = entry.get("type")
    if not isinstance(resource_type, str):
        return None
    if not isinstance(attributes, dict):
        attributes = {}
    provider_key = config.get("provider_config_key") or _default_provider_key(resource_type)
    provider = providers.get(provider_key)
    region: str | Unknown
    own_region = attributes.get("region") if "region" in _dict(config.get("expressions")) else None
    if isinstance(own_region, (str, Unknown)):
        region = own_region
    elif provider is not None:
        region = provider.region
    else:
        region = Unknown(
            f"provider {provider_key} has no configuration block, so its region is not in the plan"
        )
    return Resource(
        address=entry["address"],
        type=resource_type,
        name=str(entry.get("name", "")),
        attributes=attributes,
        region=region,
        provider=provider_key,
        mode=entry.get("mode") if entry.get("mode") in ("managed", "data") else "managed",
        file=path,
        line=None,
        account=provider.account if provider else None,
    )


def _default_provider_key(resource_type: str) -> str:
    return resource_type.split("_", 1)[0]


def _merge_attributes(after: Any, unknown: Any, sensitive: Any, config: dict[str, Any]) -> dict[str, Any]:
    expressions = config.get("expressions") if config else None
    if isinstance(expressions, dict):
        return _merge_mapping(after, unknown, sensitive, expressions, False)
    # Without the resource's configuration nothing tells a computed default from a written argument: every
    # attribute gets the empty expression, under which unknowns stay unknown (fail closed).
    return _merge_mapping(after, unknown, sensitive, {}, True)


def _merge_mapping(after: Any, unknown: Any, sensitive: Any, expression: Any, leaf: bool) -> dict[str, Any]:
    after_dict = after if isinstance(after, dict) else {}
    unknown_dict = unknown if isinstance(unknown, dict) else {}
    sensitive_dict = sensitive if isinstance(sensitive, dict) else {}
    merged: dict[str, Any] = {}
    for key in {**after_dict, **unknown_dict} if unknown_dict else after_dict:
        child_after = after_dict.get(key)
        child_unknown = unknown_dict.get(key)
        child_sensitive = sensitive_dict.get(key)
        if not child_sensitive and (
            child_unknown is None
            or child_unknown is False
            or (not child_unknown and type(child_unknown) is type(child_after))
        ):
            merged[key] = child_after  # the common case of _merge, inlined
            continue
        child_expression = expression if leaf else _child_expression(expression, key)
        value = _merge(child_after, child_unknown, child_sensitive, child_expression)
        if value is not _ABSENT:
            merged[key] = value
    return merged


def _is_leaf_expression(expression: Any) -> bool:
    return isinstance(expression, dict) and (
        not expression or "references" in expression or "constant_value" in expression
    )


def _merge(after: Any, unknown: Any, sensitive: Any, expression: Any) -> Any:
    """Overlay the plan's unknown and sensitive markers on `after`, guided by the configuration expressions."""
    if not sensitive and (unknown is None or unknown is False or (not unknown and type(unknown) is type(after))):
        # Nothing unknown or sensitive below this point (the common case; an empty `{}` or `[]` marker over a
        # value of the same shape says so too): the merge would rebuild `after` unchanged, so `after` is used
        # as it is (nothing mutates the plan's objects).
        return after
    if sensitive is True:
        return SENSITIVE
    if unknown is True:
        if expression is None:
            return _ABSENT
        references = (
            tuple(r for r in (expression.get("references") or []) if isinstance(r, str))
            if isinstance(expression, dict)
            else ()
        )
        return Unknown(_AFTER_APPLY, references)
    leaf = _is_leaf_expression(expression)
    if isinstance(after, dict) or isinstance(unknown, dict):
        return _merge_mapping(after, unknown, sensitive, expression, leaf)
    if isinstance(after, list) or isinstance(unknown, list):
        after_list = after if isinstance(after, list) else []
        unknown_list = unknown if isinstance(unknown, list) else []
        sensitive_list = sensitive if isinstance(sensitive, list) else []
        items = []
        for index in range(max(len(after_list), len(unknown_list))):
            child_expression = expression if leaf else _item_expression(expression, index)
            value = _merge(
                after_list[index] if index < len(after_list) else None,
                unknown_list[index] if index < len(unknown_list) else None,
                sensitive_list[index] if index < len(sensitive_list) else None,
                child_expression,
            )
            if value is not _ABSENT:
                items.append(value)
        return items
    return after


def _child_expression(expression: Any, key: str) -> Any:
    if isinstance(expression, dict):
        return expression.get(key)
    if isinstance(expression, list) and expression and isinstance(expression[0], dict):
        # A block written once in configuration describes every instance `after` shows.
        return expression[0].get(key)
    return None


def _item_expression(expression: Any, index: int) -> Any:
    if isinstance(expression, list):
        if index < len(expression):
            return expression[index]
        return expression[-1] if expression else None
    return expression


def _json_type(value: Any) -> str:
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)
