"""Benchmark `mlmarket audit --organization`: 50 simulated accounts x the 17 publishing regions, against moto.

A moto server on 127.0.0.1 holds an organization of 50 member accounts, each created with the audit role and
seeded through it (one model and one ECR repository in one of the regions; every fifth model not
network-isolated). The audit runs as users run it, a subprocess with `--all-publishing-regions`, once per worker
count (1, 4, 8, 16 by default), behind the tests' fake AWS proxy (tests/audit/fake_aws.py), which can hold every
answer back by a fixed latency: moto answers in a few milliseconds where AWS takes tens, and it is the latency
that threads overlap. Each run's wall time and peak resident memory (the audit process's maximum RSS, from
wait4) are measured, and every run must report the same results.

    python bench/audit_org.py                         # 1,4,8,16 workers at 0 and 50 ms, prints the table
    python bench/audit_org.py --write                 # and writes its section of docs/PERFORMANCE.md
    python bench/audit_org.py --workers 1,16 --latency-ms 50 --accounts 10

--write replaces docs/PERFORMANCE.md from the marker line `<!-- bench/audit_org.py -->` to the end of the file
(the part before it belongs to bench/run_benchmarks.py), or appends the section when there is no marker yet.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "audit"))

from mlmarket import limits  # noqa: E402

from fake_aws import FakeAws  # noqa: E402 (the tests' proxy, found through the path above)

PERFORMANCE = REPO_ROOT / "docs" / "PERFORMANCE.md"
MARKER = "<!-- bench/audit_org.py -->"
ROLE_NAME = "mlmarket-audit"
MANAGEMENT = "123456789012"  # moto's default account: it creates the organization
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}
NEAR_ENOUGH = 1.10  # a worker count whose wall time is within 10% of the fastest is as good as it


@dataclass(frozen=True)
class Run:
    latency_ms: int
    workers: int
    wall_s: float
    peak_mb: float
    requests: int
    results: str  # a digest of the report: every run must find the same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=50, help="member accounts (default 50)")
    parser.add_argument("--workers", default="1,4,8,16", help="comma-separated --max-workers (default 1,4,8,16)")
    parser.add_argument("--latency-ms", default="0,50", help="comma-separated added latencies (default 0,50)")
    parser.add_argument("--write", action="store_true", help="write the section of docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    workers = [int(n) for n in args.workers.split(",")]
    latencies = [int(n) for n in args.latency_ms.split(",")]
    regions = sorted(limits.publishing_regions())
    os.environ.update(CREDENTIALS)
    load_before = os.getloadavg()[0]
    runs = []
    with moto_server() as moto_url:
        fake = FakeAws(moto_url).start()
        try:
            started = time.monotonic()
            seed(fake.url, args.accounts, regions)
            print(f"seeded {args.accounts} accounts in {time.monotonic() - started:.1f} s", file=sys.stderr)
            for latency in latencies:
                fake.latency_s = latency / 1000
                for count in workers:
                    fake.reset()
                    run = audit(fake, latency, count)
                    print(f"{latency} ms, {count} workers: {run.wall_s:.1f} s, {run.peak_mb:.0f} MB", file=sys.stderr)
                    runs.append(run)
        finally:
            fake.stop()
    if len({run.results for run in runs}) != 1:
        raise SystemExit("the runs did not all find the same results")
    invocation = " ".join(["python bench/audit_org.py", *(argv if argv is not None else sys.argv[1:])])
    section = render(runs, args.accounts, len(regions), (load_before, os.getloadavg()[0]), invocation)
    print(section)
    if args.write:
        write_section(section)
    return 0


@contextmanager
def moto_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def seed(url: str, accounts: int, regions: list[str]) -> None:
    """The organization, and in each account one model (its own image) and one repository, in one region."""
    session = boto3.session.Session(region_name="us-east-1")
    organizations = session.client("organizations", endpoint_url=url)
    organizations.create_organization(FeatureSet="ALL")
    sts = session.client("sts", endpoint_url=url)
    for number in range(accounts):
        name = f"bench-{number:02d}"
        created = organizations.create_account(AccountName=name, Email=f"{name}@example.com", RoleName=ROLE_NAME)
        account = created["CreateAccountStatus"]["AccountId"]
        role = f"arn:aws:iam::{account}:role/{ROLE_NAME}"
        issued = sts.assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
        member = boto3.session.Session(
            aws_access_key_id=issued["AccessKeyId"],
            aws_secret_access_key=issued["SecretAccessKey"],
            aws_session_token=issued["SessionToken"],
        )
        region = regions[number % len(regions)]
        member.client("ecr", region_name=region, endpoint_url=url).create_repository(repositoryName="model")
        member.client("sagemaker", region_name=region, endpoint_url=url).create_model(
            ModelName=f"model-{number:02d}",
            ExecutionRoleArn=f"arn:aws:iam::{account}:role/sagemaker",
            PrimaryContainer={"Image": f"{account}.dkr.ecr.{region}.amazonaws.com/model:1.0"},
            EnableNetworkIsolation=number % 5 != 0,
        )


def audit(fake: FakeAws, latency_ms: int, workers: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="mlmarket-bench-") as work:
        report = Path(work) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "mlmarket",
            "audit",
            "--organization",
            "--role-name",
            ROLE_NAME,
            "--exclude-account",
            MANAGEMENT,
            "--all-publishing-regions",
            "--endpoint-url",
            fake.url,
            "--max-workers",
            str(workers),
            "--format",
            "json",
            "--output-file",
            str(report),
        ]
        environment = {**os.environ, "CI": "true"}
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=work, env=environment, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read().decode() if process.stderr else ""
        if process.returncode not in (0, 1):
            raise SystemExit(f"the audit exited {process.returncode}: {errors}")
        document = json.loads(report.read_text())
    found = sorted((r["account"], r["region"], r["rule_id"], r["address"], r["verdict"]) for r in document["results"])
    return Run(latency_ms, workers, wall, usage.ru_maxrss / 1024, sum(fake.received.values()), json.dumps(found))


def default_workers(runs: list[Run]) -> int:
    """The fewest workers within NEAR_ENOUGH of the fastest run, at the largest latency measured (the one
    closest to AWS): more threads than that only add memory and bursts of requests."""
    latency = max(run.latency_ms for run in runs)
    measured = [run for run in runs if run.latency_ms == latency]
    fastest = min(run.wall_s for run in measured)
    return min(run.workers for run in measured if run.wall_s <= fastest * NEAR_ENOUGH)


def render(runs: list[Run], accounts: int, regions: int, load: tuple[float, float], invocation: str) -> str:
    chosen = default_workers(runs)
    rows = [
        f"| {run.latency_ms} ms | {run.workers} | {run.wall_s:.1f} | {run.peak_mb:.0f} | {run.requests} | "
        f"{run.requests / run.wall_s:.0f} |"
        for run in runs
    ]
    cpu = os.cpu_count()
    return "\n".join(
        [
            MARKER,
            "## Organization audit",
            "",
            f"`{invocation}`: `mlmarket audit --organization --all-publishing-regions` of "
            f"{accounts} member accounts x {regions} regions, against moto on 127.0.0.1 behind the tests' fake AWS "
            "proxy, which holds each answer back by the added latency (moto answers in milliseconds; AWS API calls "
            "take tens of milliseconds, and that waiting is what the threads overlap). Each account holds one "
            "model and one ECR repository; the audit makes about 7 listings per (account, region) pair. Peak "
            "memory is the audit process's maximum resident set size: it hardly moves with the workers or the "
            "accounts, since an account's clients and responses go as soon as it is judged and the service models "
            "are loaded once per process.",
            "",
            "| added latency | --max-workers | wall s | peak MB | requests | requests/s |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Default `--max-workers` for an organization audit: **{chosen}**, the fewest workers within "
            f"{round((NEAR_ENOUGH - 1) * 100)}% of the fastest run at {max(r.latency_ms for r in runs)} ms "
            "(`DEFAULT_MAX_WORKERS` in `plugin/mlmarket/audit/organization.py`). A worker reads one (account, "
            "region) pair at a time, its listings one after the other, so whatever the count, no account and region "
            "sees more than one mlmarket request at once (SageMaker and ECR rate limits are per account and region).",
            "",
            f"Machine: {platform.python_implementation()} {platform.python_version()}, {cpu} CPU(s), "
            f"{platform.system()} {platform.release()}; moto, the proxy and the audit share these CPUs "
            f"(1-minute load average {load[0]:.1f} before the runs, {load[1]:.1f} after).",
            "",
        ]
    )


def write_section(section: str) -> None:
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else ""
    before = text.split(MARKER, 1)[0] if MARKER in text else text
    before = before.rstrip("\n") + "\n\n" if before.strip() else ""
    PERFORMANCE.write_text(before + section, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
