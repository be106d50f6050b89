"""Profile the native scan of a plan (`mlmarket scan plan.json --format json`) or, with --dir, of a Terraform
directory (`mlmarket scan DIR --format json`) with cProfile.

Generates the stack (3,000 resources unless told otherwise) in a temporary directory, or profiles the plan
given with --plan or the directory given with --dir PATH, runs the CLI in this process under cProfile (its
report goes to /dev/null) and prints the top entries by cumulative time, then by own time.

    python bench/profile_scan.py                  # 3,000-resource generated plan, top 25
    python bench/profile_scan.py --resources 10000 --top 40
    python bench/profile_scan.py --plan path/to/plan.json
    python bench/profile_scan.py --dir            # the generated stack's Terraform directory
    python bench/profile_scan.py --dir path/to/terraform
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import generate_stack  # noqa: E402  (a sibling script, not a package)

GENERATED = Path("generated")  # --dir without a path: the generated stack's directory


def profile_scan(target: Path, top: int) -> None:
    from mlmarket.cli import main as cli_main

    profiler = cProfile.Profile()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        start = time.perf_counter()
        profiler.enable()
        code = cli_main(["scan", str(target), "--format", "json"])
        profiler.disable()
        elapsed = time.perf_counter() - start
    print(f"mlmarket scan {target} --format json: exit {code}, {elapsed:.2f} s under cProfile\n")
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(top)
        print(f"--- top {top} by {order} ---")
        print(text.getvalue().split("\n", 4)[-1].strip("\n"), end="\n\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--plan", type=Path, help="plan JSON to profile (default: a generated one)")
    given.add_argument(
        "--dir",
        type=Path,
        nargs="?",
        const=GENERATED,
        help="profile the scan of a Terraform directory (default: the generated stack's)",
    )
    parser.add_argument("--resources", type=int, default=3000, help="size of the generated plan (default 3000)")
    parser.add_argument("--top", type=int, default=25, help="entries to print (default 25)")
    args = parser.parse_args(argv)
    if args.plan or (args.dir and args.dir != GENERATED):
        profile_scan(args.plan or args.dir, args.top)
        return 0
    with tempfile.TemporaryDirectory(prefix="mlmarket-profile-") as temporary:
        stack = generate_stack.write_stack(Path(temporary) / f"stack-{args.resources}", args.resources)
        profile_scan(stack if args.dir else stack / "plan.json", args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
