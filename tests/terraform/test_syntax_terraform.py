"""The HCL parser against the real terraform binary.

1. Syntax: for every snippet (an expression inside `locals { x = ... }`, or a whole file), mlmarket's parser
   accepts it exactly when `terraform fmt -` does. `terraform fmt` parses with hclsyntax (the parser
   `terraform plan` uses) and fails on any syntax error; it needs no initialised directory and takes ~50 ms.
2. Template values: quoted templates and heredocs built from literals only (strip markers, heredoc flush,
   escapes, directives) render to the string `terraform console` prints for them, through a tiny renderer of the
   syntax tree written here (the real evaluator is tested elsewhere).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from mlmarket.errors import InputError
from mlmarket.terraform.syntax import ast as syntax
from mlmarket.terraform.syntax import parse_expression, parse_file


def _terraform() -> str | None:
    configured = os.environ.get("MLMARKET_TERRAFORM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("terraform") or ("/usr/local/bin/terraform" if Path("/usr/local/bin/terraform").is_file()
                                         else None)


TERRAFORM = _terraform()
pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(TERRAFORM is None, reason="terraform binary not found (PATH, /usr/local/bin/terraform or "
                                                 "$MLMARKET_TERRAFORM)"),
]


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TF_VAR_", "TF_CLI_ARGS", "TF_LOG"))}
    env.update(TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
    return env


# -- 1. syntax ---------------------------------------------------------------------------------------------------

# Expressions, each checked as `locals {\n  x = <expression>\n}\n`.
EXPRESSIONS = [
    # numbers and keywords
    "1", "1.5", "1e3", "1.5e-3", "1E+10", "0.0", "007", "1.e5", "1..2", "1.2.3", "1e", "1e+", ".5", "1e999999999",
    "true", "false", "null", "1x",
    # quoted templates and escapes
    '"abc"', '""', '"a\\nb\\tc\\"d\\\\e"', '"\\u00e9\\U0001F600"', '"\\u00e"', '"\\x41"', '"\\uD800"',
    '"\\U00110000"', '"$${x}"', '"%%{x}"', '"$$"', '"$"', '"a$b%c"', '"\\$"', '"a\nb"', '"abc', '"\\\\"',
    '"e\u0301"', '"\u00a0"', '"$${"', '"%%{"', '"${x}$"', '"${x}%"', '"$ {x}"', '"$$${x}"',
    # interpolation
    '"${"', '"${}"', '"${ x }"', '"${x"', '"a${b}c${d}"', '"${"${"${x}"}"}"', '"${x}${y}"', '"${x:y}"',
    '"${ x \n }"', '"${~ x ~}"', '" a ${~x~} b "', '"${ {a=1}.a }"', '"${ "}" }"', '"${<<EOT\nx\nEOT\n}"',
    '"${a}}"', '"${ a ~ }"', '"${ a ~}"', '"${ x # c\n }"', '"${ x // c\n }"', '"${ for }"', '"${ if }"',
    '"${ a, b }"', '"${ [a, b] }"', '"${ a ? "x" : "${b}" }"',
    # directives and strip markers
    '"%{ if a }b%{ endif }"', '"%{ if a }b%{ else }c%{ endif }"', '"%{ if a }b%{ else }c%{ else }d%{ endif }"',
    '"%{ if a }b"', '"%{ endif }"', '"%{ for x in y }${x}%{ endfor }"', '"%{ for k, v in y }${k}=${v}%{ endfor }"',
    '"%{ for x in y }${x}%{ endif }"', '"%{ for x y }%{ endfor }"', '"%{ for x in y }%{ else }%{ endfor }"',
    '"%{ foo }"', '"%{ if a b }x%{ endif }"', '"%{}"', '"%{ else x }"', '"%{~ if a ~} b %{~ endif ~}"',
    '"ml.%{ for f in ["m5"] }${f}%{ endfor }.large"', '"%{if true}%{if false}a%{endif}%{endif}"',
    '"%{ if a }x%{ endfor }"', '"%{endif}%{if a}"', '"%{ if a }%{ for x in y }%{ endif }%{ endfor }"',
    '"%{ for k, v, w in y }%{ endfor }"', '"%{ for k, in y }%{ endfor }"', '"%{ if }x%{ endif }"', '"%{ 1 }"',
    '"%{ if a }x%{ else ~}y%{ endif }"', '"%{ IF a }x%{ ENDIF }"',
    # heredocs
    "<<EOT\nhello\nEOT\n", "<<-EOT\n  hello\n    world\n  EOT\n", "<<EOT\nhello\n  EOT  \n", "<<EOT\nhello\n",
    "<<EOT\n${a}\nEOT\n", "<<EOT\n%{ if a }x%{ endif }\nEOT\n", "<<EOT hello\nEOT\n", "<< EOT\nhello\nEOT\n",
    "<<EOT\nEOT\n", '<<EOT\n${"<<X\\n"}\nEOT\n', "<<EOT\nhello EOT\nEOT\n", "<<EOT\n${x}EOT\nEOT\n",
    "<<EOT\n  ${~x~}  \nEOT\n", "<<EOT\n\\n\nEOT\n", "<<EOT-1\nx\nEOT-1\n", "<<EOT\nx\r\nEOT\n", "<<EOT\n$\nEOT\n",
    "<<EOT\n$${x}\nEOT\n",
    # traversals and splats
    "a", "a_b-c", "_a", "a.b.c", 'a["b"]', "a[0][1]", "a.0", "a.0.b", "a.0.1", "a.", "a..b", "a.*", "a.*.b.c",
    "a.*.0", "a.*.b[0]", "a.*.*", "a.*.b.*", "a.*[0]", "a[*]", "a[*][0]", "a[*].b[0].c", "a[*][*]", "a[*].b.*.c",
    "a[*", "a[* ]", "a[*0]", "a[]", "a[1,2]", "a[\n0\n]", "a.b\n.c", "\u00e9", "a.\u00e9", "a-1", "for", "null.x",
    "a.1e3", "a.*.0.1", "1 .5", "x.1.5", "x. 0", "f(x)[*].a", "f(x).*.a", "a[*].*", "a.*[*]", "e\u0301", "a\u00a0",
    "\u2167", "\u00b2", "x[for v in y : v]", "x[{}]", "x.a[\"b\"].c[0].d", "x.*.a.0.b",
    # operators
    "1 + 2 * 3", "!a && b || c", "a == b ? c : d ? e : f", "-1 - -2", "1 - - - 2", "!!a", "!a.b[0]", "a ** b",
    "a & b", "a | b", "a ^ b", "~a", "a ; b", "a = b", "a === b", "a <> b", "a + ", "+ a", "* a", "a ? b",
    "a ? b :", "a ? : c", "a ? b ? c : d : e", "(a)", "(a", "a)", "()", "(a, b)", "(a\n+ b)", "(a +\n b)",
    "a +\n b", "a\n+ b", "a && || b", "a ?? b", "a?b:c", "-\"a\"", "a < b < c", "(a ? b : c).d",
    # tuples and for expressions
    "[]", "[1,]", "[1 2]", "[,]", "[1,,2]", "[\n1,\n2,\n]", "[\n1\n,\n2\n]", "[1", "[1, # c\n 2]", "[ # c\n ]",
    "[for v in x : v if c]", "[for k, v in x : v]", "[for k, v in x : k => v]", "[for v in x : v...]", "[for v in x]",
    "[for in x : v]", "[for v, in x : v]", "[for v in x : v if]", "[for\nv\nin\nx\n:\nv\n]", "[for v in a ? b : c : v]",
    "[for, 1]", "[for v in x : v if v if v]", "[for v in x : v, 1]", "[a...]", "for x in y : x",
    # objects
    "{}", "{ a = 1, b = 2 }", "{ a = 1, }", "{ a = 1\n b = 2 }", "{ a: 1 }", '{ "a" = 1 }', "{ (a) = 1 }",
    "{ a.b = 1 }", "{ a[0] = 1 }", "{ 1 = 2 }", "{ a = 1 b = 2 }", "{ a }", "{ a = }", "{ = 1 }",
    "{ a = 1,, b = 2 }", "{ a = 1\n, b = 2 }", "{ a = 1,\n b = 2 }", "{ a = 1 +\n 2 }",
    "{ a = (1 +\n 2) }",
    "{ a\n= 1 }", "{ a =\n 1 }", '{ "${a}" = 1 }', "{ for = 1 }", "{ null = 1 }", "{ a ? b : c = 1 }",
    "{ f(x) = 1 }", "{ a = 1 ~}", "{ a = 1 # comment\n b = 2 }", "{ a = 1 /* c */, b = 2 }",
    "{for k, v in x : k => v...}", "{for k, v in x : k => v... if c}", "{for v in x : v}",
    "{\nfor k, v in x :\n k => v\n}",
    "{for k, v in x : k => v if c ...}", "{for k, v in x : k => v => w}", "{ a = 1... }",
    "{ a = <<EOT\nx\nEOT\n}", "{ a = <<EOT\nx\nEOT\n, b = 1 }",
    # function calls
    "f()", "f(1,)", "f(1 2)", "f(,)", "f(a, b...)", "f(a..., b)", "f(a...,)", "f(\n1,\n2\n)", "f(1", "f\n(1)",
    "core::max(1)", "provider::aws::arn_parse(x)", "a::b", "a::(1)", "a::b::c::d(1)", "::f(1)", "f(1)(2)",
    "true(1)", "f(...)", "f(a...b)", "f(a)...", "a.f()",
]

FILES = [
    "a = 1\n", "a = 1", "a = 1\na = 2\n", "a = 1 b = 2\n", "a = 1, b = 2\n", '"a" = 1\n', "a\n", "a =\n1\n",
    "block {\n}\n", "block {}\n", 'block "l1" "l2" {\n}\n', "block l1 l2 {\n}\n", 'block "${x}" {}\n',
    'block "a$${b}" {}\n', 'block "a\\nb" {}\n', "block = {}\n", "block\n{\n}\n", 'block "x"\n{\n}\n',
    "block { a = 1 }\n", "block { a = 1, b = 2 }\n", "block { a = 1\n}\n", "block {\na = 1 }\n",
    "block { inner {} }\n", "block {\n inner {}}\n", "block {\n a = 1\n}", "block {\n", "}\n", "block {} extra\n",
    "block 1 {}\n", "block {\n a = 1\n a = 2\n}\n", "block {\n a {}\n a {}\n}\n", "# comment\na = 1\n",
    "a = 1 /* c\n */ b = 2\n", "a = 1 /* c\n*/\n", "/* unterminated\na = 1\n", "\ufeffa = 1\n", "a = 1\r\nb = 2\r\n",
    "block {\r\n  a = 1\r\n}\r\n", 'a = "x"\rb = 1\n', "a\t=\t1\n", "", "# only comment", "a = 1 # no newline",
    "a = <<EOT\nx\nEOT", "a = <<-EOT\n\tx\n\tEOT\n", "a = f(<<EOT\nx\nEOT\n, 1)\n", "a = <<EOT\nx\nEOT b\n",
    "a = <<A\n${<<B\ny\nB\n}\nA\n", "a.b = 1\n", "1a = 1\n", "\u00e9 = 1\n", "a = \u201cx\u201d\n", "a = 'x'\n",
    "a = `x`\n", "a = 1;\n", "a = $x\n", "a = x\x00\n", 'a = "\x00"\n', "block { a = 1 # c\n}\n",
    "block { a = 1 /* c */ }\n", "true = 1\n", "for = 1\n", "block { a = 1 } // c", 'block "x {}\n',
    "a = 1 \\\n + 2\n", "a = <<EOT\nEOT\nEOT\n", "a = <<EOT\n  EOT\n", "a = 1\nb = 1\nc = 1\nb = 2\n", "block{a=1}\n",
    "a = 1\n\x0c\n", "block { inner { a = 1 } }\n", 'block "a\\"b" {}\n', 'block "a\\q" {}\n', 'block "a" "b\n',
    'x = "a\\"b"\n', 'x = "a\\"\n', 'x = "\\\\"\n', 'x = {\n  "k" = "v"\n  "k2": "${v}"\n}\n',
    'resource "aws_x" "y" {\n  count = var.n > 0 ? 1 : 0\n  tags  = merge(var.tags, { Name = "x" })\n}\n',
    'dynamic "x" {\n  for_each = var.y\n  content {\n    a = x.value\n  }\n}\n',
    'resource "aws_sagemaker_endpoint_configuration" "c" {\n'
    '  production_variants {\n'
    '    instance_type = "ml.%{ for f in ["m5"] }${f}%{ endfor }.large"\n'
    "  }\n"
    "}\n",
]

SNIPPETS = ["locals {\n  x = " + expression + "\n}\n" for expression in EXPRESSIONS] + FILES


def _terraform_accepts(source: str) -> tuple[bool, str]:
    completed = subprocess.run([TERRAFORM, "fmt", "-no-color", "-"], input=source.encode(), capture_output=True,
                               env=_environment(), timeout=60, check=False)
    return completed.returncode == 0, completed.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def terraform_verdicts() -> dict[str, tuple[bool, str]]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(SNIPPETS, pool.map(_terraform_accepts, SNIPPETS), strict=True))


def _mlmarket_accepts(source: str) -> tuple[bool, str]:
    try:
        parse_file(source, "snippet.tf")
    except InputError as error:
        return False, str(error)
    return True, ""


def test_the_snippets_are_many_and_mixed(terraform_verdicts) -> None:
    assert len(SNIPPETS) >= 150
    assert len(set(SNIPPETS)) == len(SNIPPETS)
    accepted = sum(ok for ok, _ in terraform_verdicts.values())
    assert 60 <= accepted <= len(SNIPPETS) - 60  # plenty of both
    print(f"\n{len(SNIPPETS)} snippets, {accepted} valid for terraform, {len(SNIPPETS) - accepted} invalid")


@pytest.mark.parametrize("source", SNIPPETS, ids=[f"{i:03d}:{source[:40]!r}" for i, source in enumerate(SNIPPETS)])
def test_accepts_exactly_what_terraform_accepts(source: str, terraform_verdicts) -> None:
    terraform_ok, terraform_error = terraform_verdicts[source]
    ours_ok, our_error = _mlmarket_accepts(source)
    assert ours_ok == terraform_ok, f"terraform: {terraform_error or 'accepted'}\nmlmarket: {our_error or 'accepted'}"


def test_the_example_directive_that_bc_python_hcl2_refuses(terraform_verdicts) -> None:
    source = SNIPPETS[-1]
    assert terraform_verdicts[source][0]
    (resource,) = parse_file(source, "main.tf").body.blocks
    expr = resource.body.blocks[0].body.attributes["instance_type"].expr
    assert expr == syntax.Template((
        syntax.Literal("ml."),
        syntax.TemplateFor(None, "f", syntax.Tuple((syntax.Template((syntax.Literal("m5"),)),)),
                           syntax.Template((syntax.Variable("f"),))),
        syntax.Literal(".large"),
    ))


# -- 2. template values -------------------------------------------------------------------------------------------

TEMPLATES = [
    '"abc"', '"a\\nb\\tc\\"d\\\\e \\u00e9\\U0001F600"', '"$${x} %%{y} $$ %% $ %"', '"$$${x}"', '"a$b%c$"',
    '" a ${~"x"~} b "', '"a \\n ${~"x"} \\n b"', '"${"x"~}  $  abc"', '"${"x"~}\\n\\t y"',
    '"%{ if true }yes%{ else }no%{ endif }"', '"%{ if false }yes%{ endif }"', '"[%{ if true } a %{~ endif ~} ]"',
    '"x%{ if true } b %{~ else ~} c %{ endif }y"', '"%{ for x in ["a", "b"] }${x},%{ endfor }"',
    '"%{ for i, x in ["a", "b"] }${i}=${x} %{ endfor }"', '"%{ for x in ["a", "b"] ~} ${x} %{~ endfor }"',
    '"ml.%{ for f in ["m5"] }${f}%{ endfor }.large"',
    "<<EOT\nhello\nEOT\n", "<<EOT\n  a\n    b\n  EOT\n", "<<-EOT\n    a\n      b\n    c\n   EOT\n",
    "<<-EOT\n  a\n\n    b\n  EOT\n", "<<-EOT\n\t\ta\n\t\t\tb\n\tEOT\n", "<<-EOT\n  a\n \t b\n  EOT\n",
    '<<-EOT\n    a\n      ${"b"}\n    c\n   EOT\n', '<<-EOT\n    a\n${"b"}\n    c\nEOT\n',
    '<<-EOT\n    a ${"b"}\n      c\n    EOT\n', '<<-EOT\n      ${"b"}\n    c\n    EOT\n',
    '<<EOT\n${"x"}\nEOT\n', '<<EOT\n${"x"~}\nEOT\n', '<<EOT\n${"a"~}\n  foo\nEOT\n', '<<EOT\nfoo\n  \n  ${~"x"}\nEOT\n',
    "<<EOT\n\\n $${x} %%{y}\nEOT\n", "<<EOT\nEOTX\n  EOT  \n", '<<EOT\nx ${"y"} EOT\nEOT\n',
    '<<A\n${<<B\ny\nB\n}\nA\n', "<<EOT\n%{ if true }x%{ endif }\nEOT\n",
    '<<-EOT\n  %{ for x in ["a", "b"] ~}\n  - ${x}\n  %{ endfor ~}\n  EOT\n',
    '<<-EOT\n    %{~ for x in ["a", "b"] }\n    ${x}\n    %{~ endfor }\n  EOT\n',
    '<<-EOT\n    line\n    %{ if true }\n      inner\n    %{ endif }\n  EOT\n',
    '<<-EOT\n  ${"x"~}\n     y\n  EOT\n', "<<-EOT\n\n  a\n  EOT\n", "<<-EOT\n  \n  a\n  EOT\n",
]


def _render(node: syntax.Node, scope: dict[str, object]) -> object:
    """Just enough evaluation for templates of literals: strings, bools, numbers, tuples, template variables."""
    if isinstance(node, syntax.Literal):
        if isinstance(node.value, bool):
            return node.value
        return str(node.value) if isinstance(node.value, Decimal) else node.value
    if isinstance(node, syntax.Variable):
        return scope[node.name]
    if isinstance(node, syntax.Tuple):
        return [_render(item, scope) for item in node.items]
    if isinstance(node, syntax.TemplateWrap):
        return _render(node.expr, scope)
    if isinstance(node, syntax.Template):
        return "".join(_string(_render(part, scope)) for part in node.parts)
    if isinstance(node, syntax.TemplateIf):
        chosen = node.then if _render(node.condition, scope) else node.otherwise
        return "" if chosen is None else _render(chosen, scope)
    if isinstance(node, syntax.TemplateFor):
        pieces = []
        for index, item in enumerate(_render(node.collection, scope)):
            inner = {**scope, node.value_var: item}
            if node.key_var:
                inner[node.key_var] = index
            pieces.append(_render(node.body, inner))
        return "".join(pieces)
    raise AssertionError(f"not a literal template: {node!r}")


def _string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_template_values_equal_terraform_console(tmp_path: Path) -> None:
    locals_block = "".join(f"  c{i} = {template}\n" for i, template in enumerate(TEMPLATES))
    (tmp_path / "main.tf").write_text(f"locals {{\n{locals_block}}}\n", encoding="utf-8")
    expression = "base64encode(jsonencode([" + ", ".join(f"local.c{i}" for i in range(len(TEMPLATES))) + "]))"
    completed = subprocess.run([TERRAFORM, "console", "-no-color"], input=expression.encode(), capture_output=True,
                               cwd=tmp_path, env=_environment(), timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    printed = completed.stdout.decode().strip()
    expected = json.loads(base64.b64decode(json.loads(printed)))
    ours = [_render(parse_expression(template), {}) for template in TEMPLATES]
    mismatches = [(template, want, got) for template, want, got in zip(TEMPLATES, expected, ours, strict=True)
                  if want != got]
    assert not mismatches, "\n".join(f"{t!r}: terraform {w!r}, mlmarket {g!r}" for t, w, g in mismatches)
