"""Extract the public SageMaker Terraform corpus at its pinned commits, outside the repository.

    python bench/corpus/extract.py [--list public-repos.md] [--mirrors /work/.mirror] [--out /tmp/corpus]

The list (a Markdown table: repository, commit, SageMaker roots, note) names each repository and the commit it
was surveyed at. Each repository must already be fetched as a git directory under the mirrors directory
(`<owner>+<name>/repo`, bare or with a `.git` inside). Its tree at the commit is written to
`<out>/repos/<owner>+<name>/` (read with `git ls-tree` and `git cat-file`; nothing is checked out, no git state
changes), and the list of what was extracted goes to `<out>/corpus.json`: repository, commit, directory, roots
found, roots not found, files left out (a snapshot lacks files of 4 MiB and more), status. A root cut short in
the list (`sm-project-tf-gitlab/sagemaker-pro`) is taken as the one directory
holding Terraform files whose path starts with it.

Never extract into the repository: the corpus is measured, not committed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LIST = Path("/work/shared/corpus/public-repos.md")
DEFAULT_MIRRORS = Path("/work/.mirror")
DEFAULT_OUT = Path("/tmp/corpus")
_ROW = re.compile(
    r"^\|\s*(?P<repo>[\w.-]+/[\w.-]+)\s*\|\s*(?P<commit>[0-9a-f]{40})\s*\|(?P<roots>[^|]*)\|(?P<note>[^|]*)\|"
)
_EXTRACTED_MARK = ".mlmarket-extracted"


@dataclass
class Entry:
    repo: str
    commit: str
    listed_roots: list[str]
    note: str = ""
    directory: str = ""
    roots: list[str] = field(default_factory=list)
    roots_not_found: list[str] = field(default_factory=list)
    status: str = "pending"  # extracted | not fetched | commit missing | ls-tree failed
    left_out: list[str] = field(default_factory=list)  # files not in the snapshot, submodules, outward links


def read_list(path: Path) -> list[Entry]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        roots = list(dict.fromkeys(r.strip() for r in match["roots"].split(",") if r.strip()))
        entries.append(Entry(match["repo"], match["commit"], roots, match["note"].strip()))
    return entries


def git_directory(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "objects").is_dir():
            return candidate
    return None


def _extract(git_dir: Path, commit: str, target: Path) -> tuple[str, list[str]]:
    """Write the tree of the commit into target: ('' or why not, paths left out). Blobs the snapshot lacks
    (fetched snapshots leave out files of 4 MiB and more), submodules and links leaving the tree are left out."""
    git = ["git", "--git-dir", str(git_dir)]
    probe = subprocess.run([*git, "cat-file", "-t", commit], capture_output=True, text=True, check=False)
    if probe.stdout.strip() != "commit":
        return "commit missing", []
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", "--full-tree", commit], capture_output=True, check=False)
    if listing.returncode != 0:
        return "ls-tree failed: " + listing.stderr.decode(errors="replace").strip(), []
    entries = []
    for record in listing.stdout.split(b"\0"):
        if record:
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            entries.append((mode, kind, sha, raw_path.decode("utf-8", errors="surrogateescape")))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    left_out: list[str] = []
    blobs = [e for e in entries if e[1] == "blob"]
    left_out += [path for _, kind, _, path in entries if kind != "blob"]
    with subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for mode, _, sha, path in blobs:
            batch.stdin.write(sha.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) != 3:  # "<sha> missing"
                left_out.append(path)
                continue
            content = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)
            destination = target / path
            if Path(path).is_absolute() or ".." in Path(path).parts:
                left_out.append(path)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                link = (destination.parent / content.decode(errors="replace")).resolve()
                if target.resolve() not in (link, *link.parents):
                    left_out.append(path)
                    continue
                destination.symlink_to(content.decode())
            else:
                destination.write_bytes(content)
        batch.stdin.close()
    (target / _EXTRACTED_MARK).write_text(commit + "\n", encoding="utf-8")
    # A user scans a clone: the repository's top is where mlmarket's discovery of configuration stops and how far
    # filesystem functions read, so the extracted tree is marked as one (an empty `.git`, no git state in it).
    (target / ".git").mkdir(exist_ok=True)
    return "", left_out


def _terraform_directories(tree: Path) -> list[str]:
    found = {p.parent.relative_to(tree).as_posix() for p in tree.rglob("*.tf") if ".terraform" not in p.parts}
    return sorted("." if d == "" else d for d in found)


def _resolve_roots(entry: Entry, tree: Path) -> None:
    directories = _terraform_directories(tree)
    for listed in entry.listed_roots:
        cleaned = listed.strip("/") or "."
        if cleaned in directories:
            resolved = cleaned
        else:
            prefixed = [d for d in directories if d.startswith(cleaned) and "/" not in d[len(cleaned):]]
            resolved = prefixed[0] if len(prefixed) == 1 else None
        if resolved is None:
            entry.roots_not_found.append(listed)
        elif resolved not in entry.roots:
            entry.roots.append(resolved)


def extract_all(entries: list[Entry], mirrors: Path, out: Path) -> None:
    for entry in entries:
        git_dir = git_directory(mirrors, entry.repo)
        target = out / "repos" / entry.repo.replace("/", "+")
        entry.directory = str(target)
        if git_dir is None:
            entry.status = "not fetched"
            continue
        mark = target / _EXTRACTED_MARK
        already = mark.is_file() and mark.read_text(encoding="utf-8").strip() == entry.commit
        problem, entry.left_out = ("", []) if already else _extract(git_dir, entry.commit, target)
        if problem:
            entry.status = problem
            continue
        entry.status = "extracted"
        _resolve_roots(entry, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        print(f"extract: error: {out} is inside the repository; the corpus is never committed", file=sys.stderr)
        return 2
    try:
        entries = read_list(args.list)
    except OSError as error:
        print(f"extract: error: {args.list}: {error.strerror or error}", file=sys.stderr)
        return 2
    if not entries:
        print(f"extract: error: {args.list}: no repository rows (| owner/name | commit | roots | note |)",
              file=sys.stderr)
        return 2
    extract_all(entries, args.mirrors, out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(json.dumps([asdict(e) for e in entries], indent=2) + "\n", encoding="utf-8")
    extracted = [e for e in entries if e.status == "extracted"]
    for entry in entries:
        missing = f"; roots not found: {', '.join(entry.roots_not_found)}" if entry.roots_not_found else ""
        missing += f"; {len(entry.left_out)} files left out" if entry.left_out else ""
        print(f"{entry.status:12} {entry.repo} @ {entry.commit[:10]}: {', '.join(entry.roots) or '-'}{missing}")
    roots = sum(len(e.roots) for e in extracted)
    print(f"{len(extracted)} of {len(entries)} repositories extracted, {roots} roots; list in {out / 'corpus.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
