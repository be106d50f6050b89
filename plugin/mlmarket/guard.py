"""Judge SageMaker create calls in code before they are sent: `mlmarket.guard.install(session_or_client)`.

The guard registers a botocore handler for each create operation mlmarket checks (`before-parameter-build`, which
botocore emits before it builds and sends the request) on a boto3 session, a botocore session or a SageMaker client.
Each call's parameters go through the reader of request files (`readers.api_request`) and the same rules as
`mlmarket scan`:

- `mode="block"`: a call that fails a rule raises `RequestBlocked`, listing every failed rule with its message and
  docs URL, and nothing is sent; `strict=True` blocks on UNKNOWN results too;
- `mode="warn"`: failures are logged (logger `mlmarket.guard`, level WARNING) and the call goes on.

UNKNOWN results are logged in both modes. The guard needs no network of its own: the region is the client's, the
seller account comes from the settings (`seller_account=`, `.mlmarket.yaml` found from the working directory,
`MLMARKET_SELLER_ACCOUNT`), and only with `resolve_account=True` from the caller's own credentials, with one
`sts:GetCallerIdentity` call the first time a call is judged. Parameters botocore would refuse are left to botocore,
which raises its own ParamValidationError before anything is sent.

With the SageMaker Python SDK, install the guard on the boto3 session the SDK is given, before the SDK creates its
client from it: `Session(boto_session=session)` (`sagemaker.Session` in SDK v2,
`sagemaker.core.helper.session_helper.Session` in v3).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlmarket.engine import Result
from mlmarket.model import Stack, Unknown, Verdict

__all__ = ["Guard", "RequestBlocked", "install", "uninstall"]

LOGGER = logging.getLogger("mlmarket.guard")
MODES = ("block", "warn")
_SERVICE = "sagemaker"


class RequestBlocked(Exception):
    """A SageMaker request the guard did not let through (block mode).

    `operation` is the API operation (`CreateModelPackage`), `address` names the request
    (`CreateModelPackage:<name>`), `results` holds every FAILED result (and UNKNOWN ones under `strict=True`), each
    with `rule_id`, `message` and `docs_url`. The message lists them, one per line."""

    def __init__(self, operation: str, address: str, results: Sequence[Result], problem: str | None = None) -> None:
        self.operation = operation
        self.address = address
        self.results = list(results)
        if problem is not None:
            text = f"mlmarket blocked {address}: the request could not be judged ({problem})"
        else:
            lines = [f"mlmarket blocked {address}: {len(self.results)} Marketplace rule(s) not met"]
            lines += [f"  {r.rule_id} {r.verdict.value}: {r.message} ({r.docs_url})" for r in self.results]
            text = "\n".join(lines)
        super().__init__(text)


@dataclass
class Guard:
    """An installed guard; `uninstall()` removes it (from the session or client it was installed on, and from the
    clients a session created meanwhile, which hold their own copy of its handlers)."""

    mode: str
    strict: bool
    _registrations: list[tuple[Any, str, str]] = field(default_factory=list, repr=False)
    _judge: Any = field(default=None, repr=False)
    active: bool = True

    def uninstall(self) -> None:
        self.active = False
        for events, event, unique_id in self._registrations:
            events.unregister(event, unique_id=unique_id)
        self._registrations.clear()


def install(
    target: Any,
    mode: str = "block",
    *,
    strict: bool = False,
    seller_account: str | None = None,
    config: str | None = None,
    resolve_account: bool = False,
) -> Guard:
    """Judge the SageMaker create calls of `target` (a boto3 Session, a botocore Session, or a SageMaker client)
    before they are sent. On a session, clients created after `install` are guarded; clients created before keep
    the handlers they had. Raises ValueError for an unknown mode and TypeError for a target that is none of these;
    a bad `seller_account` or configuration is an `mlmarket.errors.InputError`, as in `mlmarket scan`."""
    from mlmarket import settings as settings_module
    from mlmarket.readers.sagemaker_api import REQUEST_KINDS

    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    events = _events_of(target)
    resolved = settings_module.resolve(
        os.getcwd(), settings_module.Settings(seller_account=seller_account), config
    )
    account = _AccountSource(target, resolved.seller_account, resolve_account)
    guard = Guard(mode=mode, strict=strict)
    guard._judge = _Judge(guard, resolved, account)
    installation = uuid.uuid4()
    for operation in REQUEST_KINDS:
        event = f"before-parameter-build.{_SERVICE}.{operation}"
        # botocore keeps one registration per unique ID, whatever the event: one ID per operation.
        unique_id = f"mlmarket-guard-{installation}-{operation}"
        events.register(event, guard._judge, unique_id=unique_id)
        guard._registrations.append((events, event, unique_id))
    return guard


def uninstall(guard: Guard) -> None:
    """`guard.uninstall()`."""
    guard.uninstall()


def _events_of(target: Any) -> Any:
    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "events"):  # a client
        service = getattr(getattr(meta, "service_model", None), "service_name", None)
        if service != _SERVICE:
            raise TypeError(f"mlmarket.guard guards SageMaker clients, not a {service} client")
        return meta.events
    if hasattr(target, "get_component") and hasattr(target, "create_client"):  # a botocore session
        return target.get_component("event_emitter")
    if hasattr(target, "events") and hasattr(target, "client"):  # a boto3 session
        return target.events
    raise TypeError(f"mlmarket.guard.install takes a boto3 Session, a botocore Session or a SageMaker client, "
                    f"not {type(target).__name__}")


class _AccountSource:
    """The seller account: the settings', else (only when the user opted in) the caller's own, asked of STS once."""

    def __init__(self, target: Any, configured: str | None, resolve: bool) -> None:
        self._target = target
        self._account = configured
        self._resolve = resolve and configured is None
        self._lock = threading.Lock()

    def account(self, region: str | None) -> str | None:
        if not self._resolve:
            return self._account
        with self._lock:
            if self._resolve:
                self._resolve = False
                self._account = self._caller_account(region)
        return self._account

    def _caller_account(self, region: str | None) -> str | None:
        try:
            answer = _sts_client(self._target, region).get_caller_identity()
        except Exception as error:  # any failure of the one call: the account stays unknown, and the user is told
            LOGGER.warning("mlmarket guard: sts:GetCallerIdentity failed, the seller account is unknown: %s", error)
            return None
        account = answer.get("Account")
        return account if isinstance(account, str) else None


def _sts_client(target: Any, region: str | None) -> Any:
    if hasattr(target, "meta"):  # a client: STS with the same credentials (botocore keeps them with its signer)
        import botocore.session

        credentials = target._request_signer._credentials.get_frozen_credentials()
        return botocore.session.get_session().create_client(
            "sts",
            region_name=region,
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            aws_session_token=credentials.token,
        )
    if hasattr(target, "create_client"):  # a botocore session
        return target.create_client("sts", region_name=region)
    return target.client("sts", region_name=region)


class _Judge:
    """The handler botocore calls with each guarded operation's parameters."""

    def __init__(self, guard: Guard, resolved: Any, account: _AccountSource) -> None:
        self._guard = guard
        self._settings = resolved
        self._account = account

    def __call__(self, params: dict[str, Any], model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
        if not self._guard.active:
            return
        from mlmarket.readers.api_request import pipeline_definition_problem, validation_problem
        from mlmarket.readers.sagemaker_api import request_name

        operation = model.name
        if validation_problem(params, model.input_shape) or pipeline_definition_problem(operation, params):
            return  # botocore (or SageMaker) refuses such a request itself, with its own error
        address = f"{operation}:{request_name(operation, params) or 'request'}"
        try:
            results = self._results(operation, params, address, (context or {}).get("client_region"))
        except Exception as error:  # a bug in mlmarket: never a request let through unjudged in block mode
            if self._guard.mode == "block":
                raise RequestBlocked(operation, address, [], f"{type(error).__name__}: {error}") from error
            LOGGER.error("mlmarket guard could not judge %s: %s: %s", address, type(error).__name__, error)
            return
        self._report(operation, address, results)

    def _results(self, operation: str, params: dict[str, Any], address: str, region: str | None) -> list[Result]:
        from mlmarket.readers.sagemaker_api import request_resource
        from mlmarket.rules import all_rules
        from mlmarket.scan import judge_request

        effective: str | Unknown = region or Unknown("the SageMaker client has no region")
        resource = request_resource(operation, params, address=address, region=effective)
        stack = Stack(
            source=f"boto3 {operation}", resources=[resource], default_region=region, seller_account=None
        )
        settings = self._settings
        account = self._account.account(region)
        if account is not None and account != settings.seller_account:
            settings = replace(settings, seller_account=account)
        results = judge_request(stack, operation, settings, all_rules())
        for result in results:
            result.severity = settings.severity.get(result.rule_id, result.severity)
        return results

    def _report(self, operation: str, address: str, results: list[Result]) -> None:
        failed = [r for r in results if r.verdict is Verdict.FAILED]
        unknown = [r for r in results if r.verdict is Verdict.UNKNOWN]
        blocking = failed + (unknown if self._guard.strict else [])
        if self._guard.mode == "block" and blocking:
            for result in results:
                if result.verdict is Verdict.UNKNOWN and result not in blocking:
                    _log(result)  # reported, though it does not block
            raise RequestBlocked(operation, address, blocking)
        for result in failed + unknown:
            _log(result)


def _log(result: Result) -> None:
    LOGGER.warning(
        "mlmarket guard: %s %s %s: %s (%s)",
        result.verdict.value,
        result.rule_id,
        result.address,
        result.message,
        result.docs_url,
    )
