"""A real HTTP stand-in for AWS: moto's server, behind a small local proxy that the audit talks to.

The proxy forwards every request to moto unchanged, except:
- it answers what moto lacks: SageMaker `ListAlgorithms` and `DescribeAlgorithm` (moto 5 has no algorithms API:
  its server answers 500) from algorithms the test registers, and it puts back the `EnableNetworkIsolation` of
  `CreateModel` into `DescribeModel` answers (moto 5 drops it and always answers false);
- it injects faults (throttling, 5xx, AccessDenied) for chosen (region, service, operation) triples, in every
  account or in one, always or a given number of times;
- it answers an sts:AssumeRole of a role that does not exist with AccessDenied, as AWS does (moto hands out
  credentials for any role ARN); it learns which account each set of temporary credentials belongs to;
- it answers chosen requests with a reply of the test's making (`Reply`): a success AWS would never send (a body
  that is not JSON, a response of the wrong shape, a listing that never ends);
- it logs every (region, service, operation) it receives, and the account of the credentials that signed it, so
  tests see what went over the wire;
- it can hold every answer back by a fixed latency, as a distant AWS endpoint would (bench/audit_org.py).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

_CREDENTIAL_SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/[0-9]{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
_ROLE_ARN = re.compile(r"^arn:[a-z-]+:iam::(?P<account>[0-9]{12}):role/(?:.*/)?(?P<name>[^/]+)$")
DEFAULT_ACCOUNT = "123456789012"  # moto's, for every request not signed with temporary credentials
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}
_JSON_SERVICES = {"sagemaker", "ecr", "organizations"}


@dataclass
class Fault:
    """Answer `status` with error `code` to matching requests; `times` of them, or all when None."""

    service: str
    operation: str
    status: int
    code: str
    region: str | None = None
    times: int | None = None
    account: str | None = None  # only requests signed with this account's credentials

    def matches(self, region: str, service: str, operation: str, account: str = DEFAULT_ACCOUNT) -> bool:
        return (
            self.service == service
            and self.operation == operation
            and self.region in (None, region)
            and self.account in (None, account)
            and (self.times is None or self.times > 0)
        )


@dataclass
class Reply:
    """Answer matching requests with `body` instead of moto: bytes, or a function of the request's JSON body."""

    service: str
    operation: str
    body: bytes | Callable[[dict[str, Any]], bytes]
    status: int = 200
    content_type: str = "application/x-amz-json-1.1"
    region: str | None = None
    match: str | None = None  # only requests whose path or body holds this text

    def matches(self, region: str, service: str, operation: str, path: str, body: bytes) -> bool:
        return (
            self.service == service
            and self.operation == operation
            and self.region in (None, region)
            and (self.match is None or self.match in path or self.match.encode() in body)
        )

    def answer(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        answer = self.body if isinstance(self.body, bytes) else self.body(json.loads(body or b"{}"))
        return self.status, {"Content-Type": self.content_type}, answer


class FakeAws:
    def __init__(self, moto_url: str, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        parts = urlsplit(moto_url)
        self._moto = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.algorithms: dict[str, list[dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.replies: list[Reply] = []
        self.received: Counter[tuple[str, str, str]] = Counter()
        self.received_by_account: Counter[tuple[str, str, str, str]] = Counter()
        self._accounts_by_key: dict[str, str] = {}  # access key ID of temporary credentials -> their account
        self.assume_role_requests: list[dict[str, str]] = []  # the parameters of every sts:AssumeRole
        self._isolation: dict[tuple[str, str, str], bool] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes: with Nagle's algorithm, the body would wait for the client's
            # delayed ACK of the headers, 40 ms on every answer over a kept-alive connection.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                fake._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeAws:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        """No faults, no replies and an empty log (the seeded data stays)."""
        with self._lock:
            self.faults.clear()
            self.replies.clear()
            self.received.clear()
            self.received_by_account.clear()
            self.assume_role_requests.clear()

    def operations(self) -> set[str]:
        """Every `service:Operation` received since the last reset."""
        with self._lock:
            return {f"{service}:{operation}" for _, service, operation in self.received}

    def count(self, region: str, service: str, operation: str) -> int:
        with self._lock:
            return self.received[(region, service, operation)]

    def count_in(self, account: str, region: str, service: str, operation: str) -> int:
        """Requests of `operation` signed with `account`'s credentials since the last reset."""
        with self._lock:
            return self.received_by_account[(account, region, service, operation)]

    # The proxy itself.

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        if self.latency_s:
            time.sleep(self.latency_s)
        key, region, service = _scope(request.headers.get("Authorization", ""))
        operation = _operation(service, request.command, request.path, request.headers, body)
        with self._lock:
            account = self._accounts_by_key.get(key, DEFAULT_ACCOUNT)
            self.received[(region, service, operation)] += 1
            self.received_by_account[(account, region, service, operation)] += 1
            fault = next((f for f in self.faults if f.matches(region, service, operation, account)), None)
            if fault is not None and fault.times is not None:
                fault.times -= 1
            reply = next((r for r in self.replies if r.matches(region, service, operation, request.path, body)), None)
        if fault is not None:
            self._reply(request, *_error(service, fault.status, fault.code))
        elif reply is not None:
            self._reply(request, *reply.answer(body))
        elif service == "sagemaker" and operation in ("ListAlgorithms", "DescribeAlgorithm"):
            self._reply(request, *self._algorithms(region, operation, json.loads(body or b"{}")))
        elif service == "sts" and operation == "AssumeRole":
            self._reply(request, *self._assume_role(request, body))
        else:
            status, headers, answer = self._forward(request, body)
            if service == "sagemaker" and operation in ("CreateModel", "DescribeModel") and status == 200:
                answer = self._model_isolation((account, region), operation, json.loads(body), answer)
            self._reply(request, status, headers, answer)

    def _forward(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(*self._moto, timeout=60)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection.request(request.command, request.path, body=body or None, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
        return response.status, kept, answer

    def _assume_role(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """AWS refuses to assume a role that does not exist (AccessDenied); moto does not check, so this asks
        moto's IAM of the role's account first. The credentials it hands out are remembered with their account."""
        params = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        with self._lock:
            self.assume_role_requests.append(params)
        role = _ROLE_ARN.match(params.get("RoleArn", ""))
        if role is None or not self._role_exists(role["account"], role["name"]):
            return _error("sts", 403, "AccessDenied")
        status, headers, answer = self._forward(request, body)
        if status == 200:
            document = ElementTree.fromstring(answer)
            key = next(e.text for e in document.iter() if e.tag.endswith("AccessKeyId"))
            with self._lock:
                self._accounts_by_key[key or ""] = role["account"]
        return status, headers, answer

    def _role_exists(self, account: str, name: str) -> bool:
        connection = http.client.HTTPConnection(*self._moto, timeout=60)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            # moto routes by the signing scope, and answers for the account this header names.
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iam/aws4_request",
            "x-moto-account-id": account,
        }
        query = urlencode({"Action": "GetRole", "Version": "2010-05-08", "RoleName": name})
        connection.request("POST", "/", body=query, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status == 200

    def _algorithms(self, region: str, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        algorithms = self.algorithms.get(region, [])
        if operation == "ListAlgorithms":
            summaries = [
                {key: a[key] for key in ("AlgorithmName", "AlgorithmArn", "CreationTime", "AlgorithmStatus")}
                for a in algorithms
            ]
            return _json(200, {"AlgorithmSummaryList": summaries})
        for algorithm in algorithms:
            if params.get("AlgorithmName") in (algorithm["AlgorithmName"], algorithm["AlgorithmArn"]):
                return _json(200, algorithm)
        return _error("sagemaker", 400, "ValidationException")

    def _model_isolation(self, where: tuple[str, str], operation: str, params: dict[str, Any], answer: bytes) -> bytes:
        key = (*where, params["ModelName"])  # (account, region, model name)
        if operation == "CreateModel":
            self._isolation[key] = bool(params.get("EnableNetworkIsolation", False))
            return answer
        document = json.loads(answer)
        if key in self._isolation:
            document["EnableNetworkIsolation"] = self._isolation[key]
        return json.dumps(document).encode()

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        request.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("server", "date"):
                request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)


def epoch(moment: datetime) -> float:
    """How the JSON protocols of SageMaker and ECR write a timestamp."""
    return moment.timestamp()


def _scope(authorization: str) -> tuple[str, str, str]:
    """The access key ID, region and service a request is signed with."""
    match = _CREDENTIAL_SCOPE.search(authorization)
    return (match["key"], match["region"], match["service"]) if match else ("", "", "")


def _operation(service: str, method: str, path: str, headers: Any, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if service == "sts":
        return parse_qs(body.decode()).get("Action", ["?"])[0]
    query = parse_qs(urlsplit(path).query, keep_blank_values=True)
    if service == "s3" and method == "GET" and "location" in query:
        return "GetBucketLocation"
    return f"{method} {urlsplit(path).path}"


def _json(status: int, document: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(document).encode()


def _error(service: str, status: int, code: str) -> tuple[int, dict[str, str], bytes]:
    message = f"injected by the test: {code}"
    if service in _JSON_SERVICES:
        return (
            status,
            {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code},
            json.dumps({"__type": code, "message": message}).encode(),
        )
    body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
    body += "<RequestId>fake</RequestId></ErrorResponse>"
    if service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return status, {"Content-Type": "text/xml"}, body.encode()
