"""Generators of Terraform expressions (HCL native syntax TEXT) for the differential tests against Terraform.

Two front ends over one grammar:
- `generate_cases(n, seed)`: a plain seeded generator (random.Random) giving n DISTINCT Cases, the same list for
  the same (n, seed) on every machine and Python version >= 3.10. This is the bulk CI set.
- `expressions(kind)` / `expression_cases()`: hypothesis strategies (they shrink: choices shrink towards the
  first, simplest, option) for property tests.

Expressions are built by kind ("string", "number", "bool", "list", "tuple", "set", "map", "object", "null",
"any"), so most are well typed; with a small probability an operand of another kind is used instead, because
Terraform's errors are part of the oracle. Leaves mix literals of every type with the prelude's known, unknown,
null and sensitive values (see tf_oracle.PRELUDE_NAMES); inner nodes are operators (chains without parentheses
to test precedence), conditionals (incl. unknown and null conditions), templates with interpolation,
`%{if}`/`%{for}` directives and `~` strip markers, heredocs, for expressions over lists, maps and sets, splats
(incl. of null and of a non-list value), index and attribute access (incl. legacy `.0`) and calls of the common
built-in functions.

Terraform is not deterministic everywhere: `==`, `!=` and `contains` on maps or objects iterate in Go's random
map order, so `tomap({a = "1", b = "2"}) == local.u_map_partial` (a unknown, b differs) is unknown in some runs
and false in others. The grammar never compares maps or objects directly; such a comparison nested deeper can
still occur, which is what tf_oracle.answer_variants is for.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from tf_oracle import Case

T = TypeVar("T")

KINDS = ("string", "number", "bool", "list", "tuple", "set", "map", "object")

# --- choosers: where the randomness comes from -------------------------------------------------------------


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


class DrawChooser:
    """Hypothesis draws: choices shrink to the first option, integers to `low`, chances to False."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        self.draw = draw

    def choice(self, options: Sequence[T]) -> T:
        return options[self.draw(st.integers(0, len(options) - 1))]

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def chance(self, probability: float) -> bool:
        return self.draw(st.integers(0, 999)) >= 1000 - int(probability * 1000)


# --- leaves ------------------------------------------------------------------------------------------------

STRING_LITERALS = [
    '"abc"',
    '""',
    '"hello world"',
    '"Hello World"',
    '"a,b,c"',
    '"x-y-z"',
    '"  padded  "',
    '"1"',
    '"2.5"',
    '"-3"',
    '"true"',
    '"false"',
    '"null"',
    '"ab"',
    '"abc/def"',
    '"a b"',
    '"é"',
    '"e\\u0301"',
    '"ß"',
    '"ﬃ"',
    '"日本語"',
    '"👍"',
    '"line1\\nline2\\n"',
    '"tab\\there"',
    '"quote\\"d"',
    '"back\\\\slash"',
    '"$${literal}"',
    '"%%{literal}"',
    '"10.0.0.0/16"',
    '"ff"',
    '"0x1F"',
    '"aGVsbG8="',
    '"a=b&c d"',
    '"UPPER"',
    '"{\\"k\\": 1}"',
    '"[1, 2]"',
    '"\\r\\n"',
    '"ǅ"',
]
STRING_REFS = [
    "local.k_str",
    "local.k_empty_str",
    "local.u_str",
    "local.u_prefixed",
    "var.secret",
    "var.null_str",
    "local.k_json",
    "terraform_data.u.output",
    "local.k_cidr",
    "local.u_secret",
    "local.k_obj.name",
    'local.k_str_map["y"]',
    "var.k_var_obj.opt",
]
NUMBER_LITERALS = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "10",
    "42",
    "0.5",
    "1.25",
    "-2.5",
    "100",
    "1e3",
    "1e-3",
    "3.14159",
    "1e100",
    "1.5e300",
    "9007199254740993",
    "123456789012345678901234567890",
    "0.1",
    "7",
    "255",
    "16",
    "1024",
    "-0",
]
NUMBER_REFS = [
    "local.k_num",
    "local.k_neg",
    "local.k_frac",
    "local.u_num",
    "local.k_obj.size",
    "local.k_map.a",
    "var.k_var_obj.size",
    "local.k_tup[1]",
]
BOOL_LITERALS = ["true", "false"]
BOOL_REFS = ["local.k_bool", "local.k_false", "local.u_bool", "local.k_tup[2]"]
LIST_REFS = [
    "local.k_list",
    "local.k_nums",
    "local.k_empty_list",
    "local.u_list",
    "local.u_list_partial",
    "var.k_var_list",
    "var.secret_list",
]
TUPLE_REFS = ["local.k_tup", "local.k_nested", "local.k_objs", "local.u_tup", "local.u_tup_partial", "local.k_obj.list"]
SET_REFS = ["local.k_set", "local.k_num_set", "local.u_set", "local.u_set_partial"]
MAP_REFS = ["local.k_map", "local.k_str_map", "local.u_map", "local.u_map_partial", "var.k_var_obj.tags"]
OBJECT_REFS = [
    "local.k_obj",
    "local.u_obj",
    "local.u_obj_partial",
    "var.k_var_obj",
    "local.k_objs[0]",
    "local.k_obj.tags",
]
NULL_REFS = ["null", "local.k_null", "var.null_str"]
DYNAMIC_REFS = ["local.u_dyn", "jsondecode(local.k_json)", "jsondecode(local.u_str)"]

KEYS = ["a", "b", "c", "name", "size", "z", "y", "k1", "10", "2", "B", "é"]
REGEXES = ['"[a-z]+"', '"^a"', '"(\\\\w)(\\\\w)"', '"b"', '"[0-9]+"', '"(?P<first>\\\\w+)"', '"x*"', '"[aeiou]"', '"("']
FORMATS = [
    '"%s"',
    '"%d"',
    '"%s-%s"',
    '"%05.2f"',
    '"%#v"',
    '"%q"',
    '"%t"',
    '"%x"',
    '"%%"',
    '"%s=%d"',
    '"%v"',
    '"%-5s|"',
    '"%[2]s %[1]s"',
    '"%.3s"',
    '"%e"',
]
CIDRS = [
    '"10.0.0.0/16"',
    '"192.168.1.0/24"',
    '"172.16.0.0/12"',
    '"fd00::/64"',
    "local.k_cidr",
    '"10.0.0.0/33"',
    '"10.1.2.3/8"',
]
JOIN_SEPARATORS = ['""', '", "', '"-"']
REPLACE_PATTERNS = ['"a"', '"/[aeiou]/"', '""', '"l"']
TRIM_CHARACTERS = ['"a"', '" "', '"/-"']
PARSEINT_INPUTS = ['"ff"', '"101"', '"-7"', '"zz"', '"12"']
TONUMBER_INPUTS = ['"12"', '"1.5"', '"x"', '"1e3"', "null"]
TOBOOL_INPUTS = ['"true"', '"false"', '"yes"', "null"]
SPLIT_SEPARATORS = ['","', '"-"', '""', '" "']
FORMATLIST_FORMATS = ['"%s!"', '"%s=%s"', '"<%d>"']
TAGS_ACCESS = [".tags", "", '["tags"]']
JSONDECODE_INPUTS = ["local.k_json", "local.u_str", '"[1, \\"a\\"]"', '"{}"', '"1.50"']
OPERATORS_ARITH = ["+", "-", "*", "/", "%"]
OPERATORS_COMPARE = ["<", ">", "<=", ">="]
OPERATORS_EQUAL = ["==", "!="]
HEREDOC_BODIES = [
    "hello",
    "a\n  b",
    "  indented\n    more",
    "${local.k_str}",
    "x %{if true}y%{endif}",
    "",
    "tab\there",
    "$${not}",
    "%{for x in [1, 2]}${x},%{endfor}",
    "  ~ not a marker",
]


class ExpressionGenerator:
    """A typed grammar of Terraform expressions over the oracle prelude."""

    def __init__(self, chooser: RandomChooser | DrawChooser, ill_typed: float = 0.03) -> None:
        self.c = chooser
        self.ill_typed = ill_typed
        self.names = ["x", "k", "v", "item", "each_v"]
        self.has_key = False  # whether the for expression being built declares `k`

    # -- entry points --

    def expression(self, kind: str = "any", depth: int = 3) -> str:
        if kind == "any":
            kind = self.c.choice([*KINDS, "string", "number", "bool", "null", "dynamic"])
        if depth > 0 and self.c.chance(self.ill_typed):
            kind = self.c.choice([*KINDS, "null", "dynamic"])
        return self.expr(kind, depth)

    def top(self) -> str:
        """A top-level expression: sometimes a bare heredoc, otherwise any kind."""
        if self.c.chance(0.03):
            return self.heredoc(bare=True)
        return self.expression("any", self.c.choice([1, 2, 2, 3, 3, 4]))

    # -- by kind --

    def expr(self, kind: str, depth: int) -> str:
        if depth <= 0 or self.c.chance(0.25):
            return self.leaf(kind)
        builders = getattr(self, f"_{kind}")()
        builder = self.c.choice(builders)
        return builder(depth - 1)

    def sub(self, kind: str, depth: int) -> str:
        """An operand: usually of `kind`, sometimes (ill_typed) of another kind."""
        if self.c.chance(self.ill_typed):
            kind = self.c.choice([*KINDS, "null", "dynamic"])
        return self.expr(kind, depth)

    def leaf(self, kind: str) -> str:
        c = self.c
        if kind == "string":
            return c.choice(STRING_LITERALS if c.chance(0.6) else STRING_REFS)
        if kind == "number":
            return c.choice(NUMBER_LITERALS if c.chance(0.6) else NUMBER_REFS)
        if kind == "bool":
            return c.choice(BOOL_LITERALS if c.chance(0.5) else BOOL_REFS)
        if kind == "list":
            if c.chance(0.5):
                return c.choice(LIST_REFS)
            return f"tolist({self.tuple_literal(0, homogeneous=True)})"
        if kind == "tuple":
            return c.choice(TUPLE_REFS) if c.chance(0.4) else self.tuple_literal(0)
        if kind == "set":
            if c.chance(0.5):
                return c.choice(SET_REFS)
            return f"toset({self.tuple_literal(0, homogeneous=True)})"
        if kind == "map":
            if c.chance(0.5):
                return c.choice(MAP_REFS)
            return f"tomap({self.object_literal(0, homogeneous=True)})"
        if kind == "object":
            return c.choice(OBJECT_REFS) if c.chance(0.4) else self.object_literal(0)
        if kind == "null":
            return c.choice(NULL_REFS)
        if kind == "dynamic":
            return c.choice(DYNAMIC_REFS)
        raise ValueError(kind)

    def scalar_kind(self) -> str:
        return self.c.choice(["string", "number", "bool"])

    def tuple_literal(self, depth: int, homogeneous: bool = False) -> str:
        count = self.c.integer(0, 4)
        kind = self.scalar_kind()
        items = [
            self.expr(kind if homogeneous else self.c.choice([*KINDS, "string", "number", "null"]), depth)
            for _ in range(count)
        ]
        return "[" + ", ".join(items) + "]"

    def object_literal(self, depth: int, homogeneous: bool = False) -> str:
        count = self.c.integer(0, 4)
        kind = self.scalar_kind()
        parts = []
        for _ in range(count):
            key = self.c.choice(KEYS)
            key_text = self.c.choice([key if key.isidentifier() else f'"{key}"', f'"{key}"', f'("{key}")'])
            value = self.expr(kind if homogeneous else self.c.choice([*KINDS, "string", "number", "null"]), depth)
            parts.append(f"{key_text} = {value}")
        separator = self.c.choice([", ", ",\n", "\n"])
        return "{" + separator.join(parts) + "}" if separator != "\n" else "{\n" + "\n".join(parts) + "\n}"

    # -- strings --

    def _string(self) -> list[Callable[[int], str]]:
        s, n, any_ = (lambda d: self.sub("string", d)), (lambda d: self.sub("number", d)), self.any_scalar
        return [
            self.template,
            self.template,
            self.template_directive,
            self.heredoc_operand,
            lambda d: f"format({self.c.choice(FORMATS)}, {any_(d)}{self.maybe(', ' + any_(d))})",
            lambda d: f"join({self.c.choice(JOIN_SEPARATORS)}, {self.sub('list', d)})",
            lambda d: f"{self.c.choice(['lower', 'upper', 'title', 'chomp', 'trimspace', 'tostring'])}({s(d)})",
            lambda d: f"replace({s(d)}, {self.c.choice(REPLACE_PATTERNS)}, {s(d)})",
            lambda d: (
                f"substr({s(d)}, {self.c.choice(['0', '1', '-2', '3', '10'])}, "
                f"{self.c.choice(['1', '2', '-1', '0', '20'])})"
            ),
            lambda d: f"{self.c.choice(['trimprefix', 'trimsuffix'])}({s(d)}, {s(d)})",
            lambda d: f"trim({s(d)}, {self.c.choice(TRIM_CHARACTERS)})",
            lambda d: f"regex({self.c.choice(REGEXES)}, {s(d)})",
            lambda d: f"indent({self.c.choice(['0', '2', '4'])}, {s(d)})",
            lambda d: f"{self.c.choice(['jsonencode', 'yamlencode'])}({self.expression('any', d)})",
            lambda d: f"{self.c.choice(['base64encode', 'urlencode', 'md5', 'sha1', 'sha256'])}({s(d)})",
            lambda d: "base64decode(" + self.c.choice(['"aGVsbG8="', f"base64encode({s(d)})", s(d)]) + ")",
            lambda d: f"cidrhost({self.c.choice(CIDRS)}, {self.c.choice(['0', '1', '5', '-1', '300', n(d)])})",
            lambda d: (
                f"cidrsubnet({self.c.choice(CIDRS)}, {self.c.choice(['4', '8', '1'])}, "
                f"{self.c.choice(['0', '2', '15', '16', n(d)])})"
            ),
            lambda d: f"cidrnetmask({self.c.choice(CIDRS)})",
            lambda d: f"element({self.sub('list', d)}, {self.c.choice(['0', '1', '5', '-1', n(d)])})",
            lambda d: f"lookup({self.sub('map', d)}, {self.key()}, {s(d)})",
            lambda d: f"coalesce({s(d)}, {s(d)}{self.maybe(', ' + s(d))})",
            lambda d: f"{self.sub('bool', d)} ? {s(d)} : {s(d)}",
            lambda d: f"{self.sub('list', d)}[{self.c.choice(['0', '1', '2', n(d)])}]",
            lambda d: f"{self.sub('object', d)}.{self.c.choice(['name', 'a', 'missing'])}",
            lambda d: f"{self.sub('map', d)}[{self.key()}]",
            lambda d: "one(" + self.c.choice([f"[{s(d)}]", "[]", f"tolist([{s(d)}])", self.sub("list", d)]) + ")",
            lambda d: f"try({self.expression('any', d)}, {s(d)})",
            lambda d: f"tostring({self.any_scalar(d)})",
            lambda d: f"{s(d)}{self.c.choice(['[0]', '.x'])}" if self.c.chance(0.3) else self.template(d),
        ]

    def key(self) -> str:
        key = self.c.choice(KEYS)
        return f'"{key}"'

    def maybe(self, text: str) -> str:
        return text if self.c.chance(0.5) else ""

    def any_scalar(self, depth: int) -> str:
        return self.sub(self.c.choice(["string", "number", "bool", "string"]), depth)

    def strip(self, marker: str) -> str:
        """A directive or interpolation opening/closing with an optional ~ strip marker."""
        return marker + "~" if self.c.chance(0.25) and marker in ("${", "%{") else marker

    def template_literal_text(self) -> str:
        return self.c.choice(["", "x", " ", "a-", "\\n", " sp ", "$${esc}", "%%{esc}", "é", "  ", "\\t"])

    def template(self, depth: int) -> str:
        parts = []
        for _ in range(self.c.integer(1, 3)):
            parts.append(self.template_literal_text())
            if self.c.chance(0.8):
                opening = self.strip("${")
                closing = "~}" if self.c.chance(0.2) else "}"
                parts.append(f"{opening}{self.any_scalar(depth)}{closing}")
        parts.append(self.template_literal_text())
        return '"' + "".join(parts) + '"'

    def template_directive(self, depth: int) -> str:
        o, e = self.strip("%{"), ("~}" if self.c.chance(0.25) else "}")
        text = self.template_literal_text
        if self.c.chance(0.5):
            body = f"{o}if {self.sub('bool', depth)}{e}{text()}${{{self.any_scalar(depth)}}}{text()}"
            if self.c.chance(0.5):
                body += f"{self.strip('%{')}else{e}{text()}"
            body += f"{self.strip('%{')}endif{e}"
        else:
            collection = self.sub(self.c.choice(["list", "set", "map", "tuple"]), depth)
            if self.c.chance(0.5):
                head = f"for k, v in {collection}"
                inner = "${k}=${v}" if self.c.chance(0.7) else "${v}"
            else:
                head = f"for v in {collection}"
                inner = "${v}"
            sep = text()
            body = f"{o}{head}{e}{inner}{sep}{self.strip('%{')}endfor{e}"
        return '"' + text() + body + text() + '"'

    def heredoc(self, bare: bool = False) -> str:
        marker = self.c.choice(["EOT", "EOF", "END"])
        dash = self.c.choice(["", "-"])
        lines = self.c.choice(HEREDOC_BODIES).split("\n")
        indent = "    " if dash and self.c.chance(0.7) else ""
        body = "".join(f"{indent}{line}\n" for line in lines)
        closing = f"{indent}{marker}" if dash else marker
        text = f"<<{dash}{marker}\n{body}{closing}\n"
        return text if bare else f"({text})"

    def heredoc_operand(self, depth: int) -> str:
        text = self.heredoc()
        return self.c.choice([text, f"trimspace{text}", f"upper{text}", f"chomp{text}"])

    # -- numbers --

    def _number(self) -> list[Callable[[int], str]]:
        n = lambda d: self.sub("number", d)  # noqa: E731
        return [
            self.arithmetic_chain,
            self.arithmetic_chain,
            self.arithmetic_chain,
            lambda d: f"-{self.expr('number', d)}" if self.c.chance(0.5) else f"-({n(d)})",
            lambda d: f"length({self.sub(self.c.choice(['list', 'tuple', 'set', 'map', 'object', 'string']), d)})",
            lambda d: f"{self.c.choice(['min', 'max'])}({n(d)}, {n(d)}{self.maybe(', ' + n(d))})",
            lambda d: f"{self.c.choice(['min', 'max'])}({self.sub('list', d)}...)",
            lambda d: (
                "sum("
                + self.c.choice(["local.k_nums", "var.k_var_list", f"[{n(d)}, {n(d)}]", self.sub("list", d)])
                + ")"
            ),
            lambda d: f"{self.c.choice(['abs', 'ceil', 'floor', 'signum'])}({n(d)})",
            lambda d: f"log({n(d)}, {self.c.choice(['2', '10', '1', n(d)])})",
            lambda d: f"pow({n(d)}, {self.c.choice(['0', '2', '0.5', '-1', '10', n(d)])})",
            lambda d: f"parseint({self.c.choice(PARSEINT_INPUTS)}, {self.c.choice(['16', '2', '10', '36', '1'])})",
            lambda d: f"tonumber({self.c.choice([*TONUMBER_INPUTS, n(d)])})",
            lambda d: f"index({self.sub('list', d)}, {self.any_scalar(d)})",
            lambda d: f"lookup({self.sub('map', d)}, {self.key()}, {n(d)})",
            lambda d: f"{self.sub('bool', d)} ? {n(d)} : {n(d)}",
            lambda d: f"{self.sub('tuple', d)}[{self.c.choice(['0', '1'])}]",
            lambda d: f"try({self.expression('any', d)}, {n(d)})",
            lambda d: f"element({self.sub('list', d)}, {n(d)})",
            lambda d: f"coalesce({n(d)}, {n(d)})",
            lambda d: f"({n(d)})",
        ]

    def arithmetic_chain(self, depth: int) -> str:
        """a op b op c ... without parentheses (precedence and left associativity), parentheses sometimes."""
        parts = [self.sub("number", depth)]
        for _ in range(self.c.integer(1, 3)):
            parts.append(self.c.choice(OPERATORS_ARITH))
            operand = self.sub("number", depth)
            if self.c.chance(0.15):
                operand = f"({operand} {self.c.choice(OPERATORS_ARITH)} {self.sub('number', depth)})"
            parts.append(operand)
        return " ".join(parts)

    # -- booleans --

    def _bool(self) -> list[Callable[[int], str]]:
        b, s = (lambda d: self.sub("bool", d)), (lambda d: self.sub("string", d))
        return [
            self.logic_chain,
            self.logic_chain,
            self.comparison,
            self.comparison,
            self.equality,
            self.equality,
            lambda d: f"!{self.expr('bool', d)}",
            lambda d: f"contains({self.sub(self.c.choice(['list', 'set', 'tuple']), d)}, {self.any_scalar(d)})",
            lambda d: f"{self.c.choice(['startswith', 'endswith', 'strcontains'])}({s(d)}, {s(d)})",
            lambda d: f"can({self.expression('any', d)})",
            lambda d: f"{self.c.choice(['alltrue', 'anytrue'])}([{b(d)}{self.maybe(', ' + b(d))}])",
            lambda d: f"{self.c.choice(['alltrue', 'anytrue'])}({self.c.choice(['[]', self.sub('list', d)])})",
            lambda d: f"tobool({self.c.choice([*TOBOOL_INPUTS, b(d)])})",
            lambda d: f"{b(d)} ? {b(d)} : {b(d)}",
            lambda d: f"try({self.expression('any', d)} == null, false)",
            lambda d: f"{self.expression('any', d)} {self.c.choice(OPERATORS_EQUAL)} null",
        ]

    def logic_chain(self, depth: int) -> str:
        parts = [self.maybe_not(depth)]
        for _ in range(self.c.integer(1, 3)):
            parts += [self.c.choice(["&&", "||"]), self.maybe_not(depth)]
        return " ".join(parts)

    def maybe_not(self, depth: int) -> str:
        operand = self.sub("bool", depth)
        if self.c.chance(0.25):
            return f"!{operand}" if not any(op in operand for op in " ?") else f"!({operand})"
        return operand

    def comparison(self, depth: int) -> str:
        """Comparisons inside arithmetic and equality, unparenthesised: 1 + 2 * 3 > 4 == true."""
        text = (
            f"{self.arithmetic_chain(depth) if self.c.chance(0.4) else self.sub('number', depth)} "
            f"{self.c.choice(OPERATORS_COMPARE)} {self.sub('number', depth)}"
        )
        if self.c.chance(0.2):
            text += f" {self.c.choice(OPERATORS_EQUAL)} {self.sub('bool', depth)}"
        if self.c.chance(0.2):
            text += f" {self.c.choice(['&&', '||'])} {self.sub('bool', depth)}"
        return text

    def equality(self, depth: int) -> str:
        # No maps or objects: Terraform 1.11 compares them in Go's random map order, so a map or object with an
        # unknown element and a differing known one is equal "unknown" or "false" at random (NONDETERMINISTIC).
        kind = self.c.choice(["string", "number", "bool", "list", "tuple", "set", "null", "string", "number"])
        other = kind if self.c.chance(0.7) else self.c.choice(["string", "number", "bool", "list", "tuple", "null"])
        return f"{self.sub(kind, depth)} {self.c.choice(OPERATORS_EQUAL)} {self.sub(other, depth)}"

    # -- collections --

    def _list(self) -> list[Callable[[int], str]]:
        lst, s = (lambda d: self.sub("list", d)), (lambda d: self.sub("string", d))
        return [
            lambda d: f"tolist({self.tuple_literal(d, homogeneous=self.c.chance(0.8))})",
            lambda d: f"concat({lst(d)}, {self.sub(self.c.choice(['list', 'tuple']), d)})",
            lambda d: (
                "flatten(" + self.c.choice([self.sub("tuple", d), "local.k_nested", f"[{lst(d)}, {lst(d)}]"]) + ")"
            ),
            lambda d: f"{self.c.choice(['distinct', 'compact', 'sort', 'reverse'])}({lst(d)})",
            lambda d: f"slice({lst(d)}, {self.c.choice(['0', '1'])}, {self.c.choice(['1', '2', '3', '0'])})",
            lambda d: f"{self.c.choice(['keys', 'values'])}({self.sub(self.c.choice(['map', 'object']), d)})",
            lambda d: f"split({self.c.choice(SPLIT_SEPARATORS)}, {s(d)})",
            lambda d: f"range({self.c.choice(['3', '0', '1, 4', '5, 0, -2', '0, 1, 0.25', '-1'])})",
            lambda d: f"coalescelist({lst(d)}, {lst(d)})",
            lambda d: f"regexall({self.c.choice(REGEXES)}, {s(d)})",
            lambda d: f"formatlist({self.c.choice(FORMATLIST_FORMATS)}, {lst(d)}{self.maybe(', ' + lst(d))})",
            lambda d: f"tolist({self.sub(self.c.choice(['set', 'tuple', 'list']), d)})",
            lambda d: f"[for {self.for_head(d)} : {self.for_body(d)}{self.for_filter(d)}]",
            lambda d: f"{self.sub('bool', d)} ? {lst(d)} : {lst(d)}",
            lambda d: f"{self.c.choice(['local.k_objs', 'var.secret_list', lst(d)])}[*]{self.c.choice(['', '.name'])}",
            lambda d: f"setproduct({lst(d)}, {lst(d)})",
        ]

    def for_head(self, depth: int) -> str:
        """`k, v in <collection>` or `v in <collection>`; remembers whether `k` is declared for the body."""
        collection = self.sub(self.c.choice(["list", "set", "map", "tuple", "object"]), depth)
        self.has_key = self.c.chance(0.5)
        return f"k, v in {collection}" if self.has_key else f"v in {collection}"

    def for_body(self, depth: int) -> str:
        options = ["v", "upper(v)", "v", '"${v}!"', "[v]", "length(v)", "v == null", "tostring(v)"]
        if self.has_key:
            options += ["k", '"${k}=${v}"', "[k, v]"]
        return self.c.choice(options)

    def for_filter(self, depth: int) -> str:
        options = [
            "",
            "",
            " if v != null",
            ' if v != "a"',
            " if can(tonumber(v))",
            " if true",
            f" if {self.sub('bool', 0)}",
        ]
        if self.has_key:
            options.append(' if k != "a"')
        return self.c.choice(options)

    def _tuple(self) -> list[Callable[[int], str]]:
        return [
            lambda d: self.tuple_literal(d),
            lambda d: f"[for {self.for_head(d)} : {self.for_body(d)}{self.for_filter(d)}]",
            self.splat,
            lambda d: f"{self.sub('bool', d)} ? {self.sub('tuple', d)} : {self.sub('tuple', d)}",
            lambda d: f"concat({self.sub('tuple', d)}, {self.sub('tuple', d)})",
            lambda d: f"slice({self.sub('tuple', d)}, 0, 1)",
            lambda d: f"try({self.sub('tuple', d)}, [])",
            lambda d: f"local.k_nested[{self.c.choice(['0', '1', '2', '3'])}]",
            lambda d: (
                f"local.k_list.{self.c.choice(['0', '1', '5'])}" if self.c.chance(0.3) else f"[{self.sub('tuple', d)}]"
            ),
        ]

    def splat(self, depth: int) -> str:
        base = self.c.choice(
            [
                "local.k_objs",
                "local.k_null",
                "local.k_str",
                "local.k_obj",
                "local.u_list",
                "local.u_tup_partial",
                "var.k_var_obj",
                "local.k_objs[0]",
                "local.k_list",
                "local.k_set",
                "null",
                "var.null_str",
                "local.u_obj",
                "local.u_dyn",
                self.sub("tuple", depth),
            ]
        )
        form = self.c.choice(["[*]", "[*].name", "[*].v", ".*.name", "[*][0]", "[*].tags.a"])
        return f"{base}{form}"

    def _set(self) -> list[Callable[[int], str]]:
        st_ = lambda d: self.sub("set", d)  # noqa: E731
        return [
            lambda d: f"toset({self.tuple_literal(d, homogeneous=self.c.chance(0.8))})",
            lambda d: f"toset({self.sub(self.c.choice(['list', 'tuple', 'set']), d)})",
            lambda d: f"setunion({st_(d)}, {st_(d)})",
            lambda d: f"{self.c.choice(['setintersection', 'setsubtract'])}({st_(d)}, {st_(d)})",
            lambda d: f"setproduct({st_(d)}, {st_(d)})",
            lambda d: f"{self.sub('bool', d)} ? {st_(d)} : {st_(d)}",
            lambda d: f"toset([for {self.for_head(d)} : {self.for_body(d)}])",
        ]

    def _map(self) -> list[Callable[[int], str]]:
        m = lambda d: self.sub("map", d)  # noqa: E731
        return [
            lambda d: f"tomap({self.object_literal(d, homogeneous=self.c.chance(0.8))})",
            lambda d: f"merge({m(d)}, {self.sub(self.c.choice(['map', 'object']), d)})",
            lambda d: f"zipmap({self.sub('list', d)}, {self.sub(self.c.choice(['list', 'tuple']), d)})",
            lambda d: f"{{for {self.for_head(d)} : {self.for_key(d)} => {self.for_body(d)}{self.for_filter(d)}}}",
            lambda d: f"{{for {self.for_head(d)} : {self.for_key(d)} => {self.for_body(d)}...}}",
            lambda d: f"{self.sub('bool', d)} ? {m(d)} : {m(d)}",
            lambda d: f"tomap({self.sub(self.c.choice(['object', 'map']), d)})",
            lambda d: f"lookup({self.c.choice(['{a = {b = 1}}', 'local.k_obj'])}, {self.key()}, {{}})",
        ]

    def for_key(self, depth: int) -> str:
        options = ["v", "tostring(v)", '"k${v}"', "upper(tostring(v))", '"same"']
        if self.has_key:
            options += ["k", "tostring(k)", '"${k}${v}"']
        return self.c.choice(options)

    def _object(self) -> list[Callable[[int], str]]:
        return [
            lambda d: self.object_literal(d),
            lambda d: self.object_literal(d),
            lambda d: f"merge({self.sub('object', d)}, {self.sub(self.c.choice(['object', 'map']), d)})",
            lambda d: f"{self.sub('bool', d)} ? {self.sub('object', d)} : {self.sub('object', d)}",
            lambda d: f"{{for {self.for_head(d)} : {self.for_key(d)} => {self.for_body(d)}}}",
            lambda d: f"try({self.sub('object', d)}, {{}})",
            lambda d: f"{self.c.choice(['local.k_obj', 'var.k_var_obj', 'local.u_obj'])}{self.c.choice(TAGS_ACCESS)}",
        ]

    def _null(self) -> list[Callable[[int], str]]:
        return [
            lambda d: self.c.choice(NULL_REFS),
            lambda d: f"{self.sub('bool', d)} ? null : null",
            lambda d: f"try(null, {self.any_scalar(d)})",
            lambda d: 'lookup({}, "a", null)',
        ]

    def _dynamic(self) -> list[Callable[[int], str]]:
        return [
            lambda d: (
                "jsondecode(" + self.c.choice([*JSONDECODE_INPUTS, f"jsonencode({self.expression('any', d)})"]) + ")"
            ),
            lambda d: f"{self.sub('bool', d)} ? {self.expression('any', d)} : {self.expression('any', d)}",
            lambda d: f"try({self.expression('any', d)}, {self.expression('any', d)})",
            lambda d: f"one({self.expression('any', d)})",
        ]


# --- front ends --------------------------------------------------------------------------------------------


def generate_expressions(n: int, seed: int = 0, max_attempts_factor: int = 20) -> list[str]:
    """n distinct expressions, deterministic for (n, seed)."""
    rng = random.Random(seed)
    generator = ExpressionGenerator(RandomChooser(rng))
    seen: dict[str, None] = {}
    attempts = 0
    while len(seen) < n:
        attempts += 1
        if attempts > n * max_attempts_factor:
            raise RuntimeError(f"only {len(seen)} distinct expressions after {attempts} attempts")
        seen.setdefault(generator.top(), None)
    return list(seen)


def generate_cases(n: int, seed: int = 0) -> list[Case]:
    """n distinct generated Cases (no extra configuration: they use the prelude), deterministic for (n, seed)."""
    return [Case(text, note=f"generated seed={seed}") for text in generate_expressions(n, seed)]


@st.composite
def expressions(draw: Callable[[Any], Any], kind: str = "any", max_depth: int = 3) -> str:
    """Hypothesis strategy: expression text of `kind` (see KINDS; "any" for any)."""
    generator = ExpressionGenerator(DrawChooser(draw))
    return generator.expression(kind, draw(st.integers(0, max_depth)))


@st.composite
def typed_expressions(draw: Callable[[Any], Any], max_depth: int = 3) -> tuple[str, str]:
    """(kind, text): the kind the grammar aimed for (ill-typed operands inside are still possible)."""
    kind = draw(st.sampled_from([*KINDS, "null"]))
    return kind, draw(expressions(kind, max_depth))


def expression_cases(max_depth: int = 3) -> st.SearchStrategy[Case]:
    return expressions("any", max_depth).map(Case)
