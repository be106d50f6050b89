"""Plan a Terraform root with the real terraform, offline, as scripts/make_plans.sh does: providers only from
the filesystem mirror, no credentials or profiles from the caller, `init -backend=false`, `plan -refresh=false`,
`show -json`. Several roots are planned at once (two terraform processes at a time: the machine is shared).

    outcomes = plan_offline([PlanRequest(root, variables=("-var", "a=b"))], work_dir)
    outcomes[0].plan_path  # the `terraform show -json` output, or None; outcomes[0].error says why

No pytest here: the corpus measurement (bench/corpus/measure.py) uses it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI_CONFIG_TEMPLATE = REPO / "scripts" / "terraform.rc.tmpl"
PARALLEL_PLANS = 2
STEP_TIMEOUT_SECONDS = 300


def terraform_binary() -> str | None:
    """`$TERRAFORM`, else terraform on PATH, else None."""
    configured = os.environ.get("TERRAFORM")
    if configured:
        return shutil.which(configured)
    return shutil.which("terraform")


def plugin_mirror() -> Path:
    return Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))


def missing_tools() -> str | None:
    """Why offline plans cannot be made here, or None."""
    if terraform_binary() is None:
        return "terraform is not installed (put it on PATH or set TERRAFORM)"
    if not (plugin_mirror() / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        return f"no hashicorp/aws provider in the filesystem mirror {plugin_mirror()} (set TF_PLUGIN_MIRROR)"
    return None


@dataclass(frozen=True)
class PlanRequest:
    root: Path  # the root module directory (planned in place: callers plan a copy)
    variables: Sequence[str] = ()  # `-var`/`-var-file` arguments, as terraform takes them
    environment: dict[str, str] = field(default_factory=dict)  # TF_VAR_*, TF_WORKSPACE
    # Initialize the backend the configuration names (callers override a remote one with `backend "local"`):
    # a configuration with a backend block plans only once its backend is initialized.
    init_backend: bool = False


@dataclass(frozen=True)
class PlanOutcome:
    request: PlanRequest
    plan_path: Path | None
    error: str = ""  # the failing step and the end of terraform's output
    step: str = ""  # the step that failed: init, plan or show


def _environment(home: Path, cli_config: Path, extra: dict[str, str]) -> dict[str, str]:
    """Hermetic: no TF_VAR_, credentials, profiles or workspace from the caller."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        **extra,
    }


def plan_offline(requests: Sequence[PlanRequest], work_dir: Path) -> list[PlanOutcome]:
    """Plan every root (in place; `.terraform`, the lock file and `tfplan.json` land in it)."""
    terraform = terraform_binary()
    if terraform is None:
        raise RuntimeError(missing_tools() or "terraform is not installed")
    work_dir.mkdir(parents=True, exist_ok=True)
    cli_config = work_dir / "terraform.rc"
    cli_config.write_text(
        CLI_CONFIG_TEMPLATE.read_text(encoding="utf-8").replace("@PLUGIN_MIRROR@", str(plugin_mirror())),
        encoding="utf-8",
    )

    def plan(request: PlanRequest) -> PlanOutcome:
        env = _environment(work_dir, cli_config, request.environment)
        steps = {
            "init": ["init", "-input=false", "-no-color", *(() if request.init_backend else ("-backend=false",))],
            "plan": ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=tfplan",
                     *request.variables],
        }
        for step, arguments in steps.items():
            try:
                done = subprocess.run([terraform, *arguments], cwd=request.root, env=env, capture_output=True,
                                      text=True, timeout=STEP_TIMEOUT_SECONDS, check=False)
            except subprocess.TimeoutExpired:
                return PlanOutcome(request, None, f"terraform {step} timed out", step)
            if done.returncode != 0:
                return PlanOutcome(request, None, (done.stdout + done.stderr)[-4000:], step)
        plan_path = request.root / "tfplan.json"
        with plan_path.open("w", encoding="utf-8") as output:
            shown = subprocess.run([terraform, "show", "-json", "-no-color", "tfplan"], cwd=request.root, env=env,
                                   stdout=output, stderr=subprocess.PIPE, text=True,
                                   timeout=STEP_TIMEOUT_SECONDS, check=False)
        if shown.returncode != 0:
            return PlanOutcome(request, None, shown.stderr[-4000:], "show")
        return PlanOutcome(request, plan_path)

    with ThreadPoolExecutor(PARALLEL_PLANS) as pool:
        return list(pool.map(plan, requests))
