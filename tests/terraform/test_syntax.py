"""The HCL parser (mlmarket.terraform.syntax): exact syntax trees, lines, errors, hostile input and speed.
Whether Terraform accepts the same text is checked against the real binary in test_syntax_terraform.py."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from mlmarket.errors import InputError
from mlmarket.terraform.syntax import MAX_DEPTH, parse_expression, parse_file, parse_template
from mlmarket.terraform.syntax.ast import (
    Attribute,
    Binary,
    Block,
    Body,
    Conditional,
    For,
    FunctionCall,
    GetAttr,
    Index,
    Literal,
    Object,
    ObjectKey,
    Parens,
    Splat,
    SplatItem,
    Template,
    TemplateFor,
    TemplateIf,
    TemplateWrap,
    Tuple,
    Unary,
    Variable,
    ambiguous_object_key,
    walk,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "terraform_examples"


def n(text: str) -> Literal:
    return Literal(Decimal(text))


def s(text: str) -> Template:
    """A quoted string without interpolation."""
    return Template((Literal(text),))


def v(name: str) -> Variable:
    return Variable(name)


def lit(text: str) -> Literal:
    return Literal(text)


TRUE, FALSE, NULL = Literal(True), Literal(False), Literal(None)
ITEM = SplatItem()

CASES = [
    # literals
    ("1", n("1")),
    ("1.5", n("1.5")),
    ("1e3", n("1e3")),
    ("1.5E-3", n("1.5E-3")),
    ("1.e5", n("1.e5")),
    ("007", n("7")),
    ("true", TRUE),
    ("false", FALSE),
    ("null", NULL),
    # quoted templates
    ('""', s("")),
    ('"abc"', s("abc")),
    (r'"a\nb\rc\td\"e\\f"', s('a\nb\rc\td"e\\f')),
    (r'"\u00e9\U0001F600"', s("\u00e9\U0001f600")),
    (r'"\u00e9a"', s("\u00e9a")),
    ('"$${x} %%{y}"', s("${x} %{y}")),
    ('"$$${x}"', s("$${x}")),  # "$" then the escape "$${"
    ('"a$b%c$"', s("a$b%c$")),
    ('"${x}"', TemplateWrap(v("x"))),
    ('"${ x }"', TemplateWrap(v("x"))),
    ('"${x}}"', Template((v("x"), lit("}")))),
    ('"a${b}c"', Template((lit("a"), v("b"), lit("c")))),
    ('"${a}${b}"', Template((v("a"), v("b")))),
    ('"${"${x}"}"', TemplateWrap(TemplateWrap(v("x")))),
    ('"${ {a = 1}.a }"', TemplateWrap(GetAttr(Object(((ObjectKey("a"), n("1")),)), "a"))),
    ('"${"}"}"', TemplateWrap(s("}"))),
    # strip markers: only the adjacent literal, whitespace including escaped newlines
    ('" a ${~x~} b "', Template((lit(" a"), v("x"), lit("b ")))),
    (r'"a \n ${~x} \n b"', Template((lit("a"), v("x"), lit(" \n b")))),
    ('"${x~}  "', Template((v("x"), lit("")))),
    ('"${x~}  $  abc"', Template((v("x"), lit("$  abc")))),
    ('"${~x}"', TemplateWrap(v("x"))),
    # directives
    ('"%{ if a }b%{ endif }"', Template((TemplateIf(v("a"), s("b"), None),))),
    ('"%{ if a }b%{ else }c%{ endif }"', Template((TemplateIf(v("a"), s("b"), s("c")),))),
    ('"%{ if a }%{ else }%{ endif }"', Template((TemplateIf(v("a"), s(""), s("")),))),
    ('"x%{ if a } b %{~ else ~} c %{ endif }y"',
     Template((lit("x"), TemplateIf(v("a"), s(" b"), s("c ")), lit("y")))),
    ('"%{ for x in xs }${x},%{ endfor }"',
     Template((TemplateFor(None, "x", v("xs"), Template((v("x"), lit(",")))),))),
    ('"%{ for k, v in m }${k}%{ endfor }"', Template((TemplateFor("k", "v", v("m"), Template((v("k"),))),))),
    ('"%{ for x in xs }%{ endfor }"', Template((TemplateFor(None, "x", v("xs"), s("")),))),
    ('"ml.%{ for f in ["m5"] }${f}%{ endfor }.large"',
     Template((lit("ml."), TemplateFor(None, "f", Tuple((s("m5"),)), Template((v("f"),))), lit(".large")))),
    ('"%{ if a }%{ if b }x%{ endif }%{ endif }"',
     Template((TemplateIf(v("a"), Template((TemplateIf(v("b"), s("x"), None),)), None),))),
    # heredocs
    ("<<EOT\nhello\nEOT\n", s("hello\n")),
    ("<<EOT\nEOT\n", s("")),
    ("<<EOT\n  a\n    b\n  EOT\n", s("  a\n    b\n")),
    ("<<-EOT\n    a\n      b\n    c\n   EOT\n", s("a\n  b\nc\n")),
    ("<<-EOT\n  a\n\n    b\n  EOT\n", s("a\n\n  b\n")),
    ("<<-EOT\n\t\ta\n\t\t\tb\n\tEOT\n", s("a\n\tb\n")),
    ("<<-EOT\n    a\n      ${b}\n    c\n   EOT\n", Template((lit("a\n  "), v("b"), lit("\nc\n")))),
    ("<<-EOT\n    a\n${b}\n    c\nEOT\n", Template((lit("    a\n"), v("b"), lit("\n    c\n")))),
    ("<<EOT\n${x}\nEOT\n", Template((v("x"), lit("\n")))),
    ("<<EOT\n${x~}\nEOT\n", Template((v("x"), lit("")))),
    ('<<EOT\n${"a"~}\n  foo\nEOT\n', Template((s("a"), lit("  foo\n")))),
    ('<<EOT\nfoo\n  \n  ${~"x"}\nEOT\n', Template((lit("foo\n  \n"), s("x"), lit("\n")))),
    ("<<EOT\n\\n $${x}\nEOT\n", s("\\n ${x}\n")),
    ("<<EOT\nEOTX\n  EOT  \n", s("EOTX\n")),
    ("<<EOT\nx ${y} EOT\nEOT\n", Template((lit("x "), v("y"), lit(" EOT\n")))),
    ("<<EOT\r\nx\r\nEOT\r\n", s("x\r\n")),
    ("<<A\n${<<B\ny\nB\n}\nA\n", Template((s("y\n"), lit("\n")))),
    ("<<EOT\n%{ if a }x%{ endif }\nEOT\n", Template((TemplateIf(v("a"), s("x"), None), lit("\n")))),
    # traversals
    ("a", v("a")),
    ("a_b-c", v("a_b-c")),
    ("a.b.c", GetAttr(GetAttr(v("a"), "b"), "c")),
    ('a["b"]', Index(v("a"), s("b"))),
    ("a[0][1]", Index(Index(v("a"), n("0")), n("1"))),
    ("a[\n0\n]", Index(v("a"), n("0"))),
    ("a.0", Index(v("a"), n("0"))),
    ("a.0.b", GetAttr(Index(v("a"), n("0")), "b")),
    ("a.b[c.d]", Index(GetAttr(v("a"), "b"), GetAttr(v("c"), "d"))),
    ("a.*", Splat(v("a"), ITEM, False)),
    ("a.*.b.c", Splat(v("a"), GetAttr(GetAttr(ITEM, "b"), "c"), False)),
    ("a.*.b.0", Splat(v("a"), Index(GetAttr(ITEM, "b"), n("0")), False)),
    ("a.*.b[0]", Index(Splat(v("a"), GetAttr(ITEM, "b"), False), n("0"))),
    ("a.*.b[0].c", GetAttr(Index(Splat(v("a"), GetAttr(ITEM, "b"), False), n("0")), "c")),
    ("a[*]", Splat(v("a"), ITEM, True)),
    ("a[*].b[0].c", Splat(v("a"), GetAttr(Index(GetAttr(ITEM, "b"), n("0")), "c"), True)),
    ("a[*][*].b", Splat(v("a"), Splat(ITEM, GetAttr(ITEM, "b"), True), True)),
    ("a[*].b.*.c", Splat(v("a"), Splat(GetAttr(ITEM, "b"), GetAttr(ITEM, "c"), False), True)),
    ("a.*[*]", Splat(Splat(v("a"), ITEM, False), ITEM, True)),
    ("f(x)[*].id", Splat(FunctionCall("f", (v("x"),), False), GetAttr(ITEM, "id"), True)),
    ('"abc"[0]', Index(s("abc"), n("0"))),
    ("[1, 2][0]", Index(Tuple((n("1"), n("2"))), n("0"))),
    ("{a = 1}.a", GetAttr(Object(((ObjectKey("a"), n("1")),)), "a")),
    ("(a).b", GetAttr(Parens(v("a")), "b")),
    ("1 .5", Index(n("1"), n("5"))),
    # operators: precedence (low to high: ?:, ||, &&, == !=, < > <= >=, + -, * / %, unary), left associative
    ("1 + 2 * 3", Binary("+", n("1"), Binary("*", n("2"), n("3")))),
    ("1 * 2 + 3", Binary("+", Binary("*", n("1"), n("2")), n("3"))),
    ("1 - 2 - 3", Binary("-", Binary("-", n("1"), n("2")), n("3"))),
    ("8 / 4 / 2", Binary("/", Binary("/", n("8"), n("4")), n("2"))),
    ("1 * 2 / 3 % 4", Binary("%", Binary("/", Binary("*", n("1"), n("2")), n("3")), n("4"))),
    ("!a && b || c", Binary("||", Binary("&&", Unary("!", v("a")), v("b")), v("c"))),
    ("a || b && c", Binary("||", v("a"), Binary("&&", v("b"), v("c")))),
    ("a == b != c", Binary("!=", Binary("==", v("a"), v("b")), v("c"))),
    ("a < b == c >= d", Binary("==", Binary("<", v("a"), v("b")), Binary(">=", v("c"), v("d")))),
    ("a + 1 > b * 2", Binary(">", Binary("+", v("a"), n("1")), Binary("*", v("b"), n("2")))),
    ("a && b == c", Binary("&&", v("a"), Binary("==", v("b"), v("c")))),
    ("a == b ? c : d ? e : f", Conditional(Binary("==", v("a"), v("b")), v("c"), Conditional(v("d"), v("e"), v("f")))),
    ("a ? b ? c : d : e", Conditional(v("a"), Conditional(v("b"), v("c"), v("d")), v("e"))),
    ("a ? b : c + 1", Conditional(v("a"), v("b"), Binary("+", v("c"), n("1")))),
    ("a || b ? c : d", Conditional(Binary("||", v("a"), v("b")), v("c"), v("d"))),
    ("-1 - -2", Binary("-", Unary("-", n("1")), Unary("-", n("2")))),
    ("-46 + 5", Binary("+", Unary("-", n("46")), n("5"))),
    ("- - 1", Unary("-", Unary("-", n("1")))),
    ("!!a", Unary("!", Unary("!", v("a")))),
    ("-a.b[0]", Unary("-", Index(GetAttr(v("a"), "b"), n("0")))),
    ("-a * b", Binary("*", Unary("-", v("a")), v("b"))),
    ("!a == b", Binary("==", Unary("!", v("a")), v("b"))),
    ("(1 + 2) * 3", Binary("*", Parens(Binary("+", n("1"), n("2"))), n("3"))),
    ("((a))", Parens(Parens(v("a")))),
    ("(a\n+\nb)", Parens(Binary("+", v("a"), v("b")))),
    ("a\n+\nb", Binary("+", v("a"), v("b"))),  # a bare expression ignores newlines, as inside parentheses
    # tuples
    ("[]", Tuple(())),
    ("[1, 2,]", Tuple((n("1"), n("2")))),
    ("[\n1,\n2\n]", Tuple((n("1"), n("2")))),
    ("[\n  1, # one\n  2 // two\n  /* three */\n]", Tuple((n("1"), n("2")))),
    ("[[[]]]", Tuple((Tuple((Tuple(()),)),))),
    # objects
    ("{}", Object(())),
    ('{ a = 1, "b" = 2, (c) = 3, d: 4 }',
     Object(((ObjectKey("a"), n("1")), (s("b"), n("2")), (Parens(v("c")), n("3")), (ObjectKey("d"), n("4"))))),
    ("{\n  a = 1\n  b = 2,\n  c = 3\n}", Object(((ObjectKey("a"), n("1")), (ObjectKey("b"), n("2")),
                                                 (ObjectKey("c"), n("3"))))),
    ("{ a = 1, }", Object(((ObjectKey("a"), n("1")),))),
    ("{ null = 1, true = 2, false = 3 }",
     Object(((ObjectKey("null"), n("1")), (ObjectKey("true"), n("2")), (ObjectKey("false"), n("3"))))),
    ("{ (null) = 1 }", Object(((Parens(NULL), n("1")),))),
    ('{ "${a}" = 1 }', Object(((TemplateWrap(v("a")), n("1")),))),
    ("{ 1 = 2 }", Object(((n("1"), n("2")),))),
    ("{ a.b = 1 }", Object(((GetAttr(v("a"), "b"), n("1")),))),
    ("{ f(x) = 1 }", Object(((FunctionCall("f", (v("x"),), False), n("1")),))),
    ("{ a = { b = [1] } }", Object(((ObjectKey("a"), Object(((ObjectKey("b"), Tuple((n("1"),))),))),))),
    ("{ a = (1 +\n 2) }", Object(((ObjectKey("a"), Parens(Binary("+", n("1"), n("2")))),))),
    ("{ a = 1 # c\n b = 2 }", Object(((ObjectKey("a"), n("1")), (ObjectKey("b"), n("2"))))),
    ("{ for_each = 1 }", Object(((ObjectKey("for_each"), n("1")),))),
    # for expressions
    ("[for v in x : v]", For(None, "v", v("x"), None, v("v"), None, False)),
    ("[for v in x : v if c]", For(None, "v", v("x"), None, v("v"), v("c"), False)),
    ("[for k, v in x : v]", For("k", "v", v("x"), None, v("v"), None, False)),
    ("[for\nv\nin\nx\n:\nv\n]", For(None, "v", v("x"), None, v("v"), None, False)),
    ("[for v in a ? b : c : v]", For(None, "v", Conditional(v("a"), v("b"), v("c")), None, v("v"), None, False)),
    ("{for k, v in x : k => v}", For("k", "v", v("x"), v("k"), v("v"), None, False)),
    ("{for k, v in x : k => v...}", For("k", "v", v("x"), v("k"), v("v"), None, True)),
    ("{for k, v in x : k => v if c}", For("k", "v", v("x"), v("k"), v("v"), v("c"), False)),
    ("{for k, v in x : k => v... if c}", For("k", "v", v("x"), v("k"), v("v"), v("c"), True)),
    ("{\n  for s in x :\n  s => upper(s)\n}",
     For(None, "s", v("x"), v("s"), FunctionCall("upper", (v("s"),), False), None, False)),
    ("[for v in x : v][0]", Index(For(None, "v", v("x"), None, v("v"), None, False), n("0"))),
    # function calls
    ("f()", FunctionCall("f", (), False)),
    ("f(1, 2,)", FunctionCall("f", (n("1"), n("2")), False)),
    ("f(a, b...)", FunctionCall("f", (v("a"), v("b")), True)),
    ("f(\n  a,\n  b\n)", FunctionCall("f", (v("a"), v("b")), False)),
    ("provider::aws::arn_parse(x)", FunctionCall("provider::aws::arn_parse", (v("x"),), False)),
    ("core::max(1, 2)", FunctionCall("core::max", (n("1"), n("2")), False)),
    ("f(1).a", GetAttr(FunctionCall("f", (n("1"),), False), "a")),
    ("true(1)", FunctionCall("true", (n("1"),), False)),
    ('lookup(var.x, "k", "d")', FunctionCall("lookup", (GetAttr(v("var"), "x"), s("k"), s("d")), False)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_expression_tree(text: str, expected) -> None:
    assert parse_expression(text) == expected


def test_cases_cover_every_node_type() -> None:
    seen = {type(node) for _, tree in CASES for node in walk(tree)}
    assert seen == {Binary, Conditional, For, FunctionCall, GetAttr, Index, Literal, Object, ObjectKey, Parens,
                    Splat, SplatItem, Template, TemplateFor, TemplateIf, TemplateWrap, Tuple, Unary, Variable}


def test_numbers_are_decimals_from_the_literal_text() -> None:
    node = parse_expression("0.1")
    assert isinstance(node.value, Decimal) and str(node.value) == "0.1"
    assert str(parse_expression("1e999999999").value) == "1E+999999999"


def test_line_is_excluded_from_equality_but_recorded() -> None:
    node = parse_expression("[\n  a,\n  b.c,\n  -d\n]", "f.tf", line=10)
    assert node.line == 10
    assert [item.line for item in node.items] == [11, 12, 13]
    assert node.items[1].obj.line == 12
    assert Literal(Decimal(1), line=3) == Literal(Decimal(1), line=7)
    assert hash(Literal(Decimal(1), line=3)) == hash(Literal(Decimal(1)))


def test_lines_of_template_parts_and_heredoc_attributes() -> None:
    parsed = parse_file('a = 1\nb = <<EOT\nx ${y}\n${z}\nEOT\nc = "${w}"\n', "f.tf")
    attributes = parsed.body.attributes
    assert [(a.name, a.line, a.end_line) for a in attributes.values()] == [("a", 1, 1), ("b", 2, 5), ("c", 6, 6)]
    parts = attributes["b"].expr.parts
    assert [part.line for part in parts] == [3, 3, 3, 4, 4]
    assert attributes["c"].expr.expr.line == 6
    assert attributes["b"].source == "b = <<EOT\nx ${y}\n${z}\nEOT"
    assert attributes["c"].source == 'c = "${w}"'
    assert attributes["a"].source == "a = 1"
    assert parse_file("x = a.b[0] # c\n", "f.tf").body.attributes["x"].source == "x = a.b[0]"
    assert parse_file('x = "a\\"b" # c\n', "f.tf").body.attributes["x"].source == 'x = "a\\"b"'
    assert parse_file("x = [\n  1,\n] // c", "f.tf").body.attributes["x"].source == "x = [\n  1,\n]"


def test_whole_file() -> None:
    text = (
        "\ufeff# comment\r\n"
        'resource "aws_sagemaker_model" "m" {\r\n'
        "  count = var.n > 0 ? 1 : 0 // trailing\r\n"
        "  /* block\r\n   comment */\r\n"
        "  primary_container {\r\n"
        '    image = "${local.repo}:latest"\r\n'
        "  }\r\n"
        "  tags = { Name = \"x\" }\r\n"
        "}\r\n"
        "locals { a = 1 }\n"
        "terraform {}\n"
        "module x {\n}\n"
    )
    parsed = parse_file(text, "main.tf")
    assert parsed.filename == "main.tf"
    resource, local, terraform, module = parsed.body.blocks
    assert (resource.type, resource.labels, resource.line, resource.end_line) == (
        "resource", ("aws_sagemaker_model", "m"), 2, 10)
    assert resource.body.attributes["count"] == Attribute(
        "count", Conditional(Binary(">", GetAttr(v("var"), "n"), n("0")), n("1"), n("0")), 3, 3)
    assert resource.body.attributes["tags"].expr == Object(((ObjectKey("Name"), s("x")),))
    (container,) = resource.body.blocks
    assert container.body.attributes["image"].expr == Template((GetAttr(v("local"), "repo"), lit(":latest")))
    assert container.line == 6 and container.body.attributes["image"].line == 7
    assert local == Block("locals", (), Body({"a": Attribute("a", n("1"), 11, 11)}, ()), 11, 11)
    assert terraform == Block("terraform", (), Body({}, ()), 12, 12)
    assert module.labels == ("x",) and (module.line, module.end_line) == (13, 14)
    assert list(parsed.body.attributes) == []


def test_block_labels_resolve_escapes() -> None:
    (block,) = parse_file('b "a\\u00e9$${x}" "" bare {}\n', "f.tf").body.blocks
    assert block.labels == ("a\u00e9${x}", "", "bare")


def test_attributes_keep_source_order() -> None:
    body = parse_file("z = 1\na = 2\nm = 3\n", "f.tf").body
    assert list(body.attributes) == ["z", "a", "m"]


def test_newlines_end_attributes_outside_brackets() -> None:
    body = parse_file("a = [\n  1,\n  2,\n]\nb = f(\n  1\n)\nc = (\n  1 +\n  2\n)\nd = {\n  x = 1\n}\n", "f.tf").body
    assert body.attributes["a"].expr == Tuple((n("1"), n("2")))
    assert body.attributes["b"].expr == FunctionCall("f", (n("1"),), False)
    assert body.attributes["c"].expr == Parens(Binary("+", n("1"), n("2")))
    assert (body.attributes["d"].line, body.attributes["d"].end_line) == (12, 14)
    for text in ("a = 1 +\n2\n", "a = 1\n+ 2\n", "a = x ?\n1 : 2\n", "a = { x = 1 +\n2 }\n", "a =\n1\n"):
        with pytest.raises(InputError):
            parse_file(text, "f.tf")


def test_parse_template_is_a_bare_template() -> None:
    assert parse_template("") == Template((lit(""),))
    assert parse_template("${x}") == TemplateWrap(v("x"))
    assert parse_template('Hello ${name}!\n"quoted" \\n $${not}') == Template(
        (lit("Hello "), v("name"), lit('!\n"quoted" \\n ${not}')))
    # `~}` strips the rest of its own line (one literal token), not the next line's indentation
    assert parse_template("%{ for s in xs ~}\n  - ${s}\n%{ endfor ~}\n") == Template(
        (TemplateFor(None, "s", v("xs"), Template((lit("  - "), v("s"), lit("\n")))), lit("")))
    assert parse_template("a\nb ${c}", "t.tpl", line=5).parts[1].line == 6
    assert parse_template("50%") == Template((lit("50%"),))


def test_ambiguous_object_keys() -> None:
    items = parse_expression("{ a.b = 1, a[0] = 2, (a.b) = 3, a = 4, f(a) = 5 }").items
    assert [ambiguous_object_key(key) for key, _ in items] == [True, True, False, False, False]


ERRORS = [
    ("1 +", "Missing expression", 1),
    ("(1", "Unbalanced parentheses", 1),
    ("[1 2]", "Missing item separator", 1),
    ("{ a, b = 1 }", "Missing attribute value", 1),
    ("{ a }", "Missing key/value separator", 1),
    ("{ a = 1 b = 2 }", "Missing attribute separator", 1),
    ("f(1 2)", "Missing argument separator", 1),
    ("f(a..., b)", "Missing closing parenthesis", 1),
    ("a.", "Invalid attribute name", 1),
    ("a.0.1", "Invalid legacy index syntax", 1),
    ("a.*.*", "Nested splat expression not allowed", 1),
    ("a[*", "Missing close bracket on splat index", 1),
    ("a ? b", "Missing false expression in conditional", 1),
    ("[for v in x : k => v]", "key expression is not valid when building a tuple", 1),
    ("[for v in x : v...]", "grouping ellipsis", 1),
    ("{for v in x : v}", "key expression is required when building an object", 1),
    ("[for v x : v]", "requires the 'in' keyword", 1),
    ("1..2", "Invalid number literal", 1),
    ('"abc', "Unterminated template string", 1),
    ('"a\nb"', "Invalid multi-line string", 1),
    (r'"\x41"', "Invalid escape sequence", 1),
    (r'"\u00e"', "Invalid escape sequence", 1),
    (r'"\uD800"', "Invalid escape sequence", 1),
    ('"${x"', "Unclosed template interpolation sequence", 1),
    ('"${x:y}"', "doesn't expect a colon", 1),
    ('"%{ if a }b"', "missing its corresponding endif", 1),
    ('"%{ endif }"', "Unexpected endif directive", 1),
    ('"%{ for x in y }x%{ endif }"', "expecting an endfor directive", 1),
    ('"%{ if a }x%{ else }y%{ else }z%{ endif }"', "already in the else clause", 1),
    ('"%{ foo }"', "Invalid template control keyword", 1),
    ("a & b", "Bitwise operators are not supported", 1),
    ("'a'", "Single quotes are not valid", 1),
    ("a ; b", 'The ";" character is not valid', 1),
    ("\n\n$x", "Invalid character", 3),
    ("x /* never closed", "Unterminated comment", 1),
    ("<<EOT\nhello\nEOT", "Unterminated template string", 1),
    ("a::b", "Missing open parenthesis", 1),
    ("1 2", "Extra characters after expression", 1),
]


@pytest.mark.parametrize(("text", "message", "line"), ERRORS, ids=[case[0] for case in ERRORS])
def test_expression_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(InputError) as raised:
        parse_expression(text, "expr.tf")
    error = raised.value
    assert message in error.problem
    assert (error.path, error.line) == ("expr.tf", line)
    assert "\n" not in str(error)


FILE_ERRORS = [
    ("a = 1\nb = 2\na = 3\n", 'Attribute redefined: the argument "a" was already set at f.tf:1', 3),
    ("a = 1 b = 2\n", "Missing newline after argument", 1),
    ("a = 1, b = 2\n", "Unexpected comma after argument", 1),
    ('"a" = 1\n', "argument names must not be quoted", 1),
    ("block {\n  a = 1\n", "Unclosed configuration block", 1),
    ("block {\n  a = 1 }\n", "Missing newline after argument", 2),
    ("block { a = 1, b = 2 }\n", "Invalid single-argument block definition", 1),
    ("block { a = 1\n}\n", "must also be closed on the same line", 1),
    ("block { inner {} }\n", "Argument definition required", 1),
    ("block {} extra\n", "Missing newline after block definition", 1),
    ('block "x"\n{\n}\n', "Invalid block definition", 1),
    ("block\n{\n}\n", "Argument or block definition required", 1),
    ("block = {}\nblock {\n", "Unclosed configuration block", 2),
    ('block "${x}" {}\n', "template sequences are not allowed in this string", 1),
    ("\n\n}\n", "Argument or block definition required", 3),
    ("a\n", "Argument or block definition required", 1),
    ("x = 1 /* a\n */ y = 2\n", "Missing newline after argument", 2),
    ('x = "a"\rb = 1\n', "carriage return", 1),
]


@pytest.mark.parametrize(("text", "message", "line"), FILE_ERRORS, ids=[case[0] for case in FILE_ERRORS])
def test_file_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(InputError) as raised:
        parse_file(text, "f.tf")
    assert message in raised.value.problem
    assert (raised.value.path, raised.value.line) == ("f.tf", line)


def test_duplicate_blocks_and_same_name_in_other_bodies_are_fine() -> None:
    parsed = parse_file("b {\n  a = 1\n}\nb {\n  a = 2\n}\na = 3\n", "f.tf")
    assert [block.body.attributes["a"].expr for block in parsed.body.blocks] == [n("1"), n("2")]


@pytest.mark.parametrize("opener", ["(", "[", "{a=", '"${', "-", "!", "f(", "a[", "a[*][", "{for x in y : x => "])
def test_hostile_nesting_is_an_input_error_quickly(opener: str) -> None:
    text = opener * 50_000
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        parse_expression(text, "hostile.tf")
    assert time.perf_counter() - started < 2
    assert "nested too deeply" in raised.value.problem


LONG_CHAINS = {
    "binary": "1" + " + 1" * 50_000,
    "attributes": "a" + ".b" * 50_000,
    "indexes": "a" + "[0]" * 50_000,
    "splats": "x" + "[*].a" * 50_000,
    "directives": '"' + "%{ if a }" * 50_000 + '"',
    "blocks": "b {\n" * 50_000,
}


@pytest.mark.parametrize("text", LONG_CHAINS.values(), ids=LONG_CHAINS.keys())
def test_long_chains_are_bounded(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        parse_file("x = " + text + "\n" if not text.startswith("b {") else text, "hostile.tf")
    assert time.perf_counter() - started < 2
    assert "too deeply" in raised.value.problem or "Unexpected end of template" in raised.value.problem


def test_nesting_up_to_the_bound_parses() -> None:
    depth = MAX_DEPTH - 1  # with the outer expression, MAX_DEPTH levels
    node = parse_expression("(" * depth + "1" + ")" * depth)
    for _ in range(depth):
        node = node.expr
    assert node == n("1")
    assert parse_expression("1" + " + 1" * (MAX_DEPTH - 10)).op == "+"
    with pytest.raises(InputError, match="nested too deeply"):
        parse_expression("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH)
    nested_blocks = "b {\n" * MAX_DEPTH + "}\n" * MAX_DEPTH
    assert parse_file(nested_blocks, "f.tf").body.blocks[0].type == "b"
    with pytest.raises(InputError, match="nested too deeply"):
        parse_file("b {\n" + nested_blocks + "}\n", "f.tf")


UNTERMINATED = {
    "comments": "/*" * 100_000,
    "dollars": '"' + "$" * 200_000,
    "heredoc": "<<EOT\n" + "x\n" * 100_000,
    "tuple": "[" + "1," * 100_000,
    "interpolations": "\"${" * 30_000,
}


@pytest.mark.parametrize("text", UNTERMINATED.values(), ids=UNTERMINATED.keys())
def test_hostile_unterminated_input_is_linear(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError):
        parse_file("x = " + text, "hostile.tf")
    assert time.perf_counter() - started < 2


def test_every_example_configuration_parses() -> None:
    files = sorted(EXAMPLES.rglob("*.tf"))
    assert len(files) >= 40
    for path in files:
        parse_file(path.read_text(encoding="utf-8"), str(path))


def _realistic_file(size: int) -> str:
    """Terraform like the examples and real stacks: resources with nested blocks, locals with functions,
    conditionals, for expressions, splats, heredocs and templates."""
    chunk = '''
resource "aws_sagemaker_model" "model_{i}" {{
  count              = var.enabled && length(var.names) > {i} ? 1 : 0
  name               = "${{var.prefix}}-model-{i}-${{terraform.workspace}}"
  execution_role_arn = aws_iam_role.sagemaker[0].arn

  primary_container {{
    image          = "${{data.aws_caller_identity.current.account_id}}.dkr.ecr.${{var.region}}.amazonaws.com/m:{i}"
    model_data_url = "s3://${{aws_s3_bucket.models.id}}/model-{i}.tar.gz"
    environment = {{
      SAGEMAKER_PROGRAM = "inference.py"
      LEVEL             = lookup(var.levels, "model_{i}", "INFO")
    }}
  }}

  tags = merge(local.common_tags, {{ Name = format("model-%03d", {i}) }})
}}

locals {{
  subnets_{i}  = [for s in var.subnets : s.id if s.public == false]
  by_az_{i}    = {{ for s in var.subnets : s.az => s.id... }}
  ids_{i}      = aws_instance.web[*].id
  legacy_{i}   = aws_instance.web.*.private_ip
  size_{i}     = var.size * 2 + ({i} % 3) - 1
  policy_{i}   = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "${{aws_s3_bucket.models.arn}}/*" }}]
  }})
  script_{i} = <<-EOT
    #!/bin/bash
    echo "model {i}" %{{ if var.debug }}--debug%{{ endif }}
    %{{ for k, v in var.env ~}}
    export ${{k}}=${{v}}
    %{{ endfor ~}}
  EOT
}}
'''
    parts = []
    total = 0
    i = 0
    while total < size:
        piece = chunk.format(i=i)
        parts.append(piece)
        total += len(piece)
        i += 1
    return "".join(parts)


def _best_time(text: str, rounds: int = 3) -> float:
    """Best CPU time of a few parses (CPU time: steadier than wall time on a busy machine)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        parse_file(text, "big.tf")
        best = min(best, time.process_time() - started)
    return best


def test_a_megabyte_parses_in_well_under_a_second_and_linearly() -> None:
    small = _realistic_file(250_000)
    large = _realistic_file(1_000_000)
    small_time = _best_time(small)
    large_time = _best_time(large)
    rate = len(large) / large_time / 1e6
    print(f"\nparse speed: {len(large) / 1e6:.2f} MB in {large_time:.3f} s = {rate:.2f} MB/s "
          f"({len(small) / 1e6:.2f} MB in {small_time:.3f} s)")
    assert large_time < 1.0  # about 0.4 s on a 2-core CI machine
    assert large_time / small_time < 4 * 1.6  # linear (4x the input), with room for timer noise
