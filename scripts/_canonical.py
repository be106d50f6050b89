"""Shared plumbing of the `mlmarket.limits` data generators.

Every generator builds a dict, then calls `main(...)`: the dict is written as canonical JSON into
`plugin/mlmarket/limits/data/`, or, with `--check`, compared with the committed file (exit 1 and a
unified diff when they differ). `updated_at` only moves when the rest of the file changes, so a
re-run on another day is not drift.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "plugin" / "mlmarket" / "limits" / "data"


def canonical_dumps(obj: Any) -> str:
    """The one accepted text form of every data file."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_data_file(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _with_updated_at(content: dict[str, Any], committed: dict[str, Any] | None) -> dict[str, Any]:
    def without_date(obj: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in obj.items() if key != "updated_at"}

    unchanged = committed is not None and without_date(committed) == without_date(content)
    if unchanged and isinstance(committed.get("updated_at"), str):
        updated_at = committed["updated_at"]
    else:
        updated_at = datetime.date.today().isoformat()
    return {**content, "updated_at": updated_at}


def main(name: str, build: Callable[[], dict[str, Any]], description: str) -> int:
    """Run a generator: `build()` returns the file's content without `updated_at`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff when the committed file is not what would be written",
    )
    args = parser.parse_args()

    path = DATA_DIR / name
    committed_text = path.read_text(encoding="utf-8") if path.exists() else None
    try:
        committed = json.loads(committed_text) if committed_text is not None else None
    except json.JSONDecodeError:
        committed = None
    new_text = canonical_dumps(_with_updated_at(build(), committed))

    if args.check:
        if committed_text == new_text:
            return 0
        diff = difflib.unified_diff(
            (committed_text or "").splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (generated)",
        )
        sys.stdout.writelines(diff)
        print(f"\n{name} is out of date: run `python {sys.argv[0]}` to regenerate it.")
        return 1

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_text, encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0
