"""A real HTTP stand-in for AWS: moto's server, behind a small local proxy that the audit talks to.

The proxy forwards every request to moto unchanged, except:
- it answers what moto lacks: SageMaker `ListAlgorithms` and `DescribeAlgorithm` (moto 5 has no algorithms API:
  its server answers 500) from algorithms the test registers, and it puts back the `EnableNetworkIsolation` of
  `CreateModel` into `DescribeModel` answers (moto 5 drops it and always answers false);
- it injects faults (throttling, 5xx, AccessDenied) for chosen (region, service, operation) triples, always or
  a given number of times;
- it answers chosen requests with a reply of the test's making (`Reply`): a success AWS would never send (a body
  that is not JSON, a response of the wrong shape, a listing that never ends);
- it logs every (region, service, operation) it receives, so tests see what went over the wire.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/[0-9]{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}
_JSON_SERVICES = {"sagemaker", "ecr"}


@dataclass
class Fault:
    """Answer `status` with error `code` to matching requests; `times` of them, or all when None."""

    service: str
    operation: str
    status: int
    code: str
    region: str | None = None
    times: int | None = None

    def matches(self, region: str, service: str, operation: str) -> bool:
        return (
            self.service == service
            and self.operation == operation
            and self.region in (None, region)
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
    def __init__(self, moto_url: str) -> None:
        parts = urlsplit(moto_url)
        self._moto = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.algorithms: dict[str, list[dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.replies: list[Reply] = []
        self.received: Counter[tuple[str, str, str]] = Counter()
        self._isolation: dict[tuple[str, str], bool] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

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

    def operations(self) -> set[str]:
        """Every `service:Operation` received since the last reset."""
        with self._lock:
            return {f"{service}:{operation}" for _, service, operation in self.received}

    def count(self, region: str, service: str, operation: str) -> int:
        with self._lock:
            return self.received[(region, service, operation)]

    # The proxy itself.

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        region, service = _scope(request.headers.get("Authorization", ""))
        operation = _operation(service, request.command, request.path, request.headers, body)
        with self._lock:
            self.received[(region, service, operation)] += 1
            fault = next((f for f in self.faults if f.matches(region, service, operation)), None)
            if fault is not None and fault.times is not None:
                fault.times -= 1
            reply = next((r for r in self.replies if r.matches(region, service, operation, request.path, body)), None)
        if fault is not None:
            self._reply(request, *_error(service, fault.status, fault.code))
        elif reply is not None:
            self._reply(request, *reply.answer(body))
        elif service == "sagemaker" and operation in ("ListAlgorithms", "DescribeAlgorithm"):
            self._reply(request, *self._algorithms(region, operation, json.loads(body or b"{}")))
        else:
            status, headers, answer = self._forward(request, body)
            if service == "sagemaker" and operation in ("CreateModel", "DescribeModel") and status == 200:
                answer = self._model_isolation(region, operation, json.loads(body), answer)
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

    def _model_isolation(self, region: str, operation: str, params: dict[str, Any], answer: bytes) -> bytes:
        key = (region, params["ModelName"])
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


def _scope(authorization: str) -> tuple[str, str]:
    match = _CREDENTIAL_SCOPE.search(authorization)
    return (match["region"], match["service"]) if match else ("", "")


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
