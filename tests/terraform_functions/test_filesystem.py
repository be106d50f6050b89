"""Terraform's filesystem functions, differentially against terraform 1.11: the files are created in the oracle's
working directory (under fsdata/), which is also mlmarket's module directory and readable root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlmarket.terraform.evaluator import EvaluationError, Scope, evaluate
from mlmarket.terraform.functions import CallContext
from mlmarket.terraform.syntax import parse_expression
from tf_function_oracle import oracle_workdir, report, run

from tf_oracle import Case, terraform_binary

FILES = {
    "fsdata/hello.txt": b"Hello, world!\n",
    "fsdata/empty.txt": b"",
    "fsdata/utf8.txt": "héllo ✓\n".encode(),
    "fsdata/binary.bin": bytes(range(256)),
    "fsdata/.hidden": b"dot\n",
    "fsdata/sub/a.tf.txt": b"a",
    "fsdata/sub/b.json": b'{"k": [1, 2]}',
    "fsdata/sub/deeper/c.txt": b"c",
    "fsdata/sub/deeper/d.json": b"[]",
    "fsdata/x[1].txt": b"bracket",
    "fsdata/tpl/plain.tftpl": b"name=${name}\n",
    "fsdata/tpl/wrap.tftpl": b"${items}",
    "fsdata/tpl/loop.tftpl": b"%{ for i, v in items ~}\n${i}:${v}\n%{ endfor ~}\n",
    "fsdata/tpl/if.tftpl": b"%{ if flag }yes%{ else }no%{ endif }",
    "fsdata/tpl/funcs.tftpl": b'${upper(name)}-${length(items)}-${jsonencode({ a = name })}',
    "fsdata/tpl/missing.tftpl": b"${nothere}",
    "fsdata/tpl/recursive.tftpl": b'${templatefile("fsdata/tpl/plain.tftpl", { name = "x" })}',
    "fsdata/tpl/file.tftpl": b'${file("fsdata/hello.txt")}',
    "fsdata/tpl/bad.tftpl": b"${",
    "fsdata/tpl/null.tftpl": b"${null}",
    "fsdata/tpl/number.tftpl": b"${1 + 2}",
    "fsdata/tpl/for_expr.tftpl": b"${join(\",\", [for x in items : upper(x)])}",
    "fsdata/tpl/strip.tftpl": b"a\n  %{~ if true ~}\n  b\n  %{~ endif ~}\n  c",
    "fsdata/tpl/unknown.tftpl": b"v=${name}",
}


def setup(directory: Path) -> None:
    for relative, data in FILES.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    link = directory / "fsdata" / "link.txt"
    if not link.is_symlink():
        link.symlink_to("hello.txt")


PATHS = [
    '"fsdata/hello.txt"', '"fsdata/empty.txt"', '"fsdata/utf8.txt"', '"fsdata/binary.bin"', '"fsdata/.hidden"',
    '"fsdata/sub"', '"fsdata/nothere.txt"', '"./fsdata//sub/../hello.txt"', '"${path.module}/fsdata/hello.txt"',
    '"fsdata/link.txt"', '"fsdata/x[1].txt"', '""', "local.u_str", "var.null_str", "1",
]
PATTERNS = [
    '"*"', '"**"', '"*.txt"', '"**/*.txt"', '"**/*.json"', '"sub/*"', '"sub/**"', '"sub/**/*.json"', '"?ello.txt"',
    '"[a-h]*"', '"[!a]*"', '"[^a-h]*"', '"{hello,empty}.txt"', '"*.{txt,bin}"', '"x\\\\[1\\\\].txt"', '"nothere/*"',
    '"["', '"sub/deeper/c.txt"', '"**/deeper/*"', '"*/*"', '".*"', '"sub"', '""', '"../fsdata/sub/*.json"',
    "local.u_str", '"**/"', '"sub/*/"', '"*[.]txt"', '"[[]*"',
]
STRINGS = [
    '""', '"a"', '"/"', '"//"', '"a/b"', '"a/b/"', '"/a/b/c.txt"', '"./a"', '"../a/./b/../c"', '"a//b"', '"~"',
    '"~/x"', '"~user/x"', '"~/"', '"."', '".."', '"a/.."', '"C:\\\\x\\\\y"', '"/a/../../b"', "local.u_str",
]

HAND_WRITTEN = [
    'templatefile("fsdata/tpl/plain.tftpl", { name = "Ann" })',
    'templatefile("fsdata/tpl/plain.tftpl", {})',
    'templatefile("fsdata/tpl/plain.tftpl", { name = 1 })',
    'templatefile("fsdata/tpl/plain.tftpl", { name = [1] })',
    'templatefile("fsdata/tpl/plain.tftpl", { name = null })',
    'templatefile("fsdata/tpl/plain.tftpl", { name = local.u_str })',
    'templatefile("fsdata/tpl/plain.tftpl", local.u_map)',
    'templatefile("fsdata/tpl/plain.tftpl", { name = "a", extra = 2 })',
    'templatefile("fsdata/tpl/plain.tftpl", { name = "a", "bad key" = 2 })',
    'templatefile("fsdata/tpl/plain.tftpl", { name = var.secret })',
    'templatefile("fsdata/tpl/plain.tftpl", tomap({ name = "m" }))',
    'templatefile("fsdata/tpl/plain.tftpl", "x")',
    'templatefile("fsdata/tpl/plain.tftpl", null)',
    'templatefile(local.u_str, { name = "a" })',
    'templatefile("fsdata/tpl/nothere.tftpl", {})',
    'templatefile("fsdata/tpl/wrap.tftpl", { items = [1, 2] })',
    'templatefile("fsdata/tpl/wrap.tftpl", { items = { a = 1 } })',
    'templatefile("fsdata/tpl/wrap.tftpl", { items = "s" })',
    'templatefile("fsdata/tpl/wrap.tftpl", { items = local.u_list })',
    'templatefile("fsdata/tpl/loop.tftpl", { items = ["a", "b"] })',
    'templatefile("fsdata/tpl/loop.tftpl", { items = { x = 1, y = 2 } })',
    'templatefile("fsdata/tpl/loop.tftpl", { items = [] })',
    'templatefile("fsdata/tpl/loop.tftpl", { items = local.u_list })',
    'templatefile("fsdata/tpl/loop.tftpl", { items = "x" })',
    'templatefile("fsdata/tpl/if.tftpl", { flag = true })',
    'templatefile("fsdata/tpl/if.tftpl", { flag = "false" })',
    'templatefile("fsdata/tpl/if.tftpl", { flag = local.u_bool })',
    'templatefile("fsdata/tpl/if.tftpl", { flag = 1 })',
    'templatefile("fsdata/tpl/funcs.tftpl", { name = "n", items = [1, 2, 3] })',
    'templatefile("fsdata/tpl/missing.tftpl", {})',
    'templatefile("fsdata/tpl/recursive.tftpl", {})',
    'templatefile("fsdata/tpl/file.tftpl", {})',
    'templatefile("fsdata/tpl/bad.tftpl", {})',
    'templatefile("fsdata/tpl/null.tftpl", {})',
    'templatefile("fsdata/tpl/number.tftpl", {})',
    'templatefile("fsdata/tpl/for_expr.tftpl", { items = ["a", "b"] })',
    'templatefile("fsdata/tpl/strip.tftpl", {})',
    'templatefile("fsdata/tpl/unknown.tftpl", { name = local.u_str })',
    'templatefile("fsdata/binary.bin", {})',
    'templatefile("fsdata/hello.txt", {})',
    'file("fsdata/hello.txt", 1)', "file()", 'fileset("fsdata")', 'fileset("fsdata", "*", 1)',
    'fileset("fsdata/nothere", "*")', 'fileset(local.u_str, "*")', 'fileset("fsdata/hello.txt", "*")',
    'fileset(path.module, "fsdata/sub/*")', 'fileset("./fsdata/sub/..", "*.txt")', 'fileset("fsdata/", "**/c.txt")',
    'length(fileset("fsdata", "**"))', 'sensitive(file("fsdata/hello.txt"))', 'file(sensitive("fsdata/hello.txt"))',
    'filemd5(sensitive("fsdata/hello.txt"))', 'fileexists(sensitive("fsdata/nothere"))',
]

TEMPLATE_LOCALS = {
    "tpl_plain": '"Hi $${name}!"',
    "tpl_wrap": '"$${items}"',
    "tpl_file": '"$${file(\\"fsdata/hello.txt\\")}"',
    "tpl_nested": '"$${templatestring(x, {})}"',
    "tpl_bad": '"$${"',
    "tpl_literal": '"no interpolation"',
    "tpl_list": '["$${a}", "b"]',
    "tpl_num": "5",
    "tpl_for": '"%%{ for v in items }<$${v}>%%{ endfor }"',
    "tpl_unknown": "terraform_data.u.output",
}
TEMPLATESTRING = [
    ("templatestring(local.tpl_plain, { name = \"Bo\" })", ["tpl_plain"]),
    ("templatestring(local.tpl_plain, {})", ["tpl_plain"]),
    ("templatestring(local.tpl_plain, { name = local.u_str })", ["tpl_plain"]),
    ("templatestring(local.tpl_plain, local.u_obj)", ["tpl_plain"]),
    ("templatestring(local.tpl_wrap, { items = [1] })", ["tpl_wrap"]),
    ("templatestring(local.tpl_wrap, { items = 1 })", ["tpl_wrap"]),
    ("templatestring(local.tpl_wrap, { items = true })", ["tpl_wrap"]),
    ("templatestring(local.tpl_file, {})", ["tpl_file"]),
    ("templatestring(local.tpl_nested, { x = \"a\" })", ["tpl_nested"]),
    ("templatestring(local.tpl_bad, {})", ["tpl_bad"]),
    ("templatestring(local.tpl_literal, {})", ["tpl_literal"]),
    ("templatestring(local.tpl_list[0], { a = \"A\" })", ["tpl_list"]),
    ("templatestring(local.tpl_num, {})", ["tpl_num"]),
    ("templatestring(local.tpl_for, { items = [\"p\", \"q\"] })", ["tpl_for"]),
    ("templatestring(local.tpl_unknown, {})", ["tpl_unknown"]),
    ("templatestring(local.tpl_plain, { name = var.secret })", ["tpl_plain"]),
    ("templatestring(local.tpl_plain, \"x\")", ["tpl_plain"]),
]


def generated() -> list[str]:
    out = []
    for name in ("file", "filebase64", "fileexists", "filemd5", "filesha1", "filesha256", "filesha512",
                 "filebase64sha256", "filebase64sha512"):
        out += [f"{name}({path})" for path in PATHS]
    out += [f'fileset("fsdata", {pattern})' for pattern in PATTERNS]
    out += [f'fileset("${{path.module}}/fsdata", {pattern})' for pattern in PATTERNS[:8]]
    for name in ("basename", "dirname", "pathexpand", "abspath"):
        out += [f"{name}({text})" for text in STRINGS]
    return out


CASES: list[str | Case] = [*dict.fromkeys(HAND_WRITTEN + generated())]
CASES += [Case(text, locals={n: TEMPLATE_LOCALS[n] for n in names}) for text, names in TEMPLATESTRING]


@pytest.mark.terraform
@pytest.mark.skipif(terraform_binary() is None, reason="terraform is not installed")
def test_filesystem_functions_agree_with_terraform():
    verdicts = run(CASES, oracle_workdir("filesystem"), setup=setup)
    failures = report(verdicts)
    assert len(CASES) >= 250
    assert not failures, f"{len(failures)} of {len(CASES)} disagree:\n" + "\n".join(failures[:60])


# --- mlmarket's own bounds (Terraform reads any file; mlmarket only inside the scanned tree) ---------------------


def _evaluate(text: str, context: CallContext):
    return evaluate(parse_expression(text), Scope({}, None, context))


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "in.txt").write_text("inside")
    (outside / "secret.txt").write_text("outside")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "escape_dir").symlink_to(outside)
    (root / "big.txt").write_bytes(b"x" * 2048)
    return root, outside


def _context(root: Path) -> CallContext:
    return CallContext(module_dir=str(root), readable_roots=(str(root),), max_file_bytes=1024)


def test_reads_inside_the_readable_roots(tree):
    root, _ = tree
    assert _evaluate('file("in.txt")', _context(root)).raw == "inside"
    assert _evaluate('file("sub/../in.txt")', _context(root)).raw == "inside"
    assert [v.raw for v in _evaluate('fileset(".", "[bi]*.txt")', _context(root)).elements()] == ["big.txt", "in.txt"]


@pytest.mark.parametrize(
    "expression",
    [
        'file("../outside/secret.txt")',
        'file("escape.txt")',
        'filemd5("escape.txt")',
        'fileexists("../outside/secret.txt")',
        'fileset("..", "outside/*")',
        'fileset(".", "escape_dir/*")',
        'fileset(".", "*.txt")',  # matches escape.txt, a link to a file outside
        'templatefile("escape.txt", {})',
        'file("/etc/passwd")',
        'file("~/.bashrc")',
        'filebase64("escape_dir/secret.txt")',
    ],
)
def test_refuses_files_outside_the_readable_roots(tree, expression):
    root, _ = tree
    with pytest.raises(EvaluationError, match="outside the scanned directory"):
        _evaluate(expression, _context(root))


def test_refuses_files_larger_than_the_bound(tree):
    root, _ = tree
    with pytest.raises(EvaluationError, match="larger than"):
        _evaluate('file("big.txt")', _context(root))
    with pytest.raises(EvaluationError, match="larger than"):
        _evaluate('filesha256("big.txt")', _context(root))


def test_no_readable_roots_reads_nothing(tree):
    root, _ = tree
    with pytest.raises(EvaluationError, match="outside the scanned directory"):
        _evaluate('file("in.txt")', CallContext(module_dir=str(root)))


def test_pathexpand_uses_home(monkeypatch):
    monkeypatch.setenv("HOME", "/home/someone")
    assert _evaluate('pathexpand("~/x/../y")', CallContext()).raw == "/home/someone/y"
    assert os.path.isabs(_evaluate('abspath("a")', CallContext(module_dir=".")).raw)
