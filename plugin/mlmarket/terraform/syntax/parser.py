"""A recursive-descent parser for HCL native syntax as Terraform 1.11 reads it (hclsyntax's parser.go and
parser_template.go are the reference; Terraform is the judge).

Public entry points: `parse_file`, `parse_expression`, `parse_template`. Every syntax error is an InputError naming
the file and line, raised at the first error (no recovery). Nesting is bounded (`MAX_DEPTH`), so hostile input
gives an InputError, never a RecursionError, and the work is linear in the input.
"""

from __future__ import annotations

import gc
import sys
from decimal import Decimal, InvalidOperation

from mlmarket.errors import InputError
from mlmarket.terraform.syntax import ast
from mlmarket.terraform.syntax.lexer import (
    CHEREDOC,
    CONTROL,
    CQUOTE,
    EOF,
    GO_SPACE,
    IDENT,
    INTERP,
    LIT,
    NEWLINE,
    NUMBER,
    OHEREDOC,
    OQUOTE,
    SEQEND,
    STRING,
    Tokens,
    decode_quoted,
    tokenize,
)

__all__ = ["MAX_DEPTH", "parse_expression", "parse_file", "parse_template"]

MAX_DEPTH = 500
"""The deepest nesting accepted: of expressions in expressions, of blocks in blocks, and of the syntax tree."""

# Python frames the parser uses per nesting level, at most (with margin): the recursion limit is raised to fit.
_FRAMES_PER_LEVEL = 5

_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3, "!=": 3,
    "<": 4, ">": 4, "<=": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "/": 6, "%": 6,
}
_KEYWORD_KEYS = {"true": True, "false": False, "null": None}


def _describe(kind: str, value: str) -> str:
    if kind == IDENT:
        return f'"{value}"'
    if kind == NUMBER:
        return f"the number {value}"
    if kind in (NEWLINE, EOF):
        return f"the {kind}"
    if kind in (OQUOTE, STRING):
        return "a quoted string"
    if kind == OHEREDOC:
        return "a heredoc"
    if kind == SEQEND:
        return f'"{value}"'
    if kind == LIT:
        return "template text"
    if kind in (INTERP, CONTROL):
        return f'"{value}"'
    return f'"{kind}"'


class _Parser:
    def __init__(self, tokens: Tokens, filename: str) -> None:
        self.text = tokens.text
        self.kinds = tokens.kinds
        self.values = tokens.values
        self.lines = tokens.lines
        self.tokens = tokens
        self.filename = filename
        self.pos = 0  # the next token to read; self.pos - 1 is the last one read
        self.newlines = True  # whether newlines are significant here (HCL's IncludeNewlines)
        self.newline_stack: list[bool] = []
        self.depth = 0

    # -- token access -----------------------------------------------------------------------------------------

    def _next(self) -> int:
        index = self.pos
        if not self.newlines:
            kinds = self.kinds
            while kinds[index] == NEWLINE:
                index += 1
        return index

    def peek(self) -> str:
        index = self.pos
        kinds = self.kinds
        if not self.newlines:
            while kinds[index] == NEWLINE:
                index += 1
        return kinds[index]

    def read(self) -> int:
        index = self.pos
        kinds = self.kinds
        if not self.newlines:
            while kinds[index] == NEWLINE:
                index += 1
        if kinds[index] != EOF:
            self.pos = index + 1
        return index

    def push_newlines(self, significant: bool) -> None:
        self.newline_stack.append(self.newlines)
        self.newlines = significant

    def pop_newlines(self) -> None:
        self.newlines = self.newline_stack.pop()

    def error(self, problem: str, index: int | None = None) -> InputError:
        if index is None:
            index = self._next()
        return InputError(self.filename, problem, self.lines[index])

    def unexpected(self, summary: str, expected: str, index: int | None = None) -> InputError:
        if index is None:
            index = self._next()
        found = _describe(self.kinds[index], self.values[index])
        return InputError(self.filename, f"{summary}: {expected}, but found {found}.", self.lines[index])

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} levels of nesting.")

    # -- bodies ---------------------------------------------------------------------------------------------------

    def parse_body(self, end: str, open_index: int) -> ast.Body:
        attributes: dict[str, ast.Attribute] = {}
        blocks: list[ast.Block] = []
        kinds = self.kinds
        while True:
            index = self._next()
            kind = kinds[index]
            if kind == end:
                self.read()
                break
            if kind == NEWLINE:
                self.pos = index + 1
                continue
            if kind == IDENT:
                item = self.parse_body_item()
                if isinstance(item, ast.Block):
                    blocks.append(item)
                elif item.name in attributes:
                    raise InputError(
                        self.filename,
                        f'Attribute redefined: the argument "{item.name}" was already set at '
                        f"{self.filename}:{attributes[item.name].line}. Each argument may be set only once.",
                        item.line,
                    )
                else:
                    attributes[item.name] = item
                continue
            if kind in (OQUOTE, STRING):
                raise self.error("Invalid argument name: argument names must not be quoted.")
            if kind == EOF and end != EOF:
                raise self.error(
                    "Unclosed configuration block: there is no closing brace for this block before the end of the "
                    "file. This may be caused by incorrect brace nesting elsewhere in this file.",
                    open_index,
                )
            raise self.unexpected("Argument or block definition required",
                                  "An argument or block definition is required here")
        return ast.Body(attributes, tuple(blocks))

    def parse_body_item(self) -> ast.Attribute | ast.Block:
        name_index = self.read()
        kind = self.peek()
        if kind == "=":
            return self.finish_attribute(name_index, single_line=False)
        if kind in (OQUOTE, STRING, "{", IDENT):
            return self.finish_block(name_index)
        raise self.error(
            "Argument or block definition required: an argument or block definition is required here. To set an "
            'argument, use the equals sign "=" to introduce the argument value.',
            name_index,
        )

    def finish_attribute(self, name_index: int, single_line: bool) -> ast.Attribute:
        self.read()  # "="
        start = self.pos
        expr = self.parse_expression()
        self._check_tree_depth(expr, start)
        last = self.pos - 1
        if not single_line:
            kind = self.peek()
            if kind == ",":
                raise self.error("Unexpected comma after argument: argument definitions must be separated by "
                                 "newlines, not commas. An argument definition must end with a newline.")
            if kind != NEWLINE and kind != EOF:
                raise self.unexpected("Missing newline after argument",
                                      "An argument definition must end with a newline")
            self.read()
        name = self.values[name_index]
        source = self.text[self.tokens.starts[name_index]:self.tokens.end(last)]
        return ast.Attribute(name, expr, self.lines[name_index], self.lines[last], source)

    def finish_block(self, type_index: int) -> ast.Block:
        labels: list[str] = []
        while True:
            kind = self.peek()
            if kind == "{":
                open_index = self.read()
                break
            if kind == STRING:
                labels.append(self.string_value(self.read()))
            elif kind == OQUOTE:
                labels.append(self.parse_quoted_label())
            elif kind == IDENT:
                labels.append(self.values[self.read()])
            elif kind == "=":
                raise self.error('Invalid block definition: the equals sign "=" indicates an argument definition, '
                                 "and must not be used when defining a block.")
            elif kind == NEWLINE:
                raise self.error('Invalid block definition: a block definition must have block content delimited by '
                                 '"{" and "}", starting on the same line as the block header.')
            else:
                raise self.unexpected("Invalid block definition",
                                      'Either a quoted string block label or an opening brace ("{") is expected here')
        self.enter()
        kind = self.peek()
        if kind in (NEWLINE, EOF, "}"):
            body = self.parse_body("}", open_index)
        else:
            body = self.parse_single_attribute_body(open_index)
        self.depth -= 1
        close_index = self.pos - 1
        kind = self.peek()
        if kind != NEWLINE and kind != EOF:
            raise self.unexpected("Missing newline after block definition",
                                  "A block definition must end with a newline")
        self.read()
        return ast.Block(self.values[type_index], tuple(labels), body, self.lines[type_index],
                         self.lines[close_index])

    def parse_single_attribute_body(self, open_index: int) -> ast.Body:
        name_index = self.read()
        if self.kinds[name_index] != IDENT:
            raise self.unexpected("Argument or block definition required",
                                  "An argument or block definition is required here", name_index)
        kind = self.peek()
        if kind in (OQUOTE, STRING, "{", IDENT):
            raise self.error(
                f'Argument definition required: a single-line block definition can contain only a single argument. '
                f'If you meant to define argument "{self.values[name_index]}", use an equals sign to assign it a '
                "value. To define a nested block, place it on a line of its own within its parent block.",
                name_index,
            )
        if kind != "=":
            raise self.error(
                "Argument or block definition required: an argument or block definition is required here. To set "
                'an argument, use the equals sign "=" to introduce the argument value.',
                name_index,
            )
        attribute = self.finish_attribute(name_index, single_line=True)
        kind = self.peek()
        if kind == "}":
            self.read()
        elif kind == ",":
            raise self.error("Invalid single-argument block definition: single-line block syntax can include only "
                             "one argument definition. To define multiple arguments, use the multi-line block "
                             "syntax with one argument definition per line.")
        elif kind == NEWLINE:
            raise self.error("Invalid single-argument block definition: an argument definition on the same line as "
                             "its containing block creates a single-line block definition, which must also be "
                             "closed on the same line. Place the block's closing brace immediately after the "
                             "argument definition.")
        elif kind == EOF:
            raise self.error("Unclosed configuration block: there is no closing brace for this block before the end "
                             "of the file.", open_index)
        else:
            raise self.unexpected("Invalid single-argument block definition",
                                  "A single-line block definition must end with a closing brace immediately after "
                                  "its single argument definition")
        return ast.Body({attribute.name: attribute}, ())

    def parse_quoted_label(self) -> str:
        open_index = self.read()
        pieces: list[str] = []
        while True:
            index = self.read()
            kind = self.kinds[index]
            if kind == CQUOTE:
                return "".join(pieces)
            if kind == LIT:
                pieces.append(self.values[index])
            elif kind in (INTERP, CONTROL):
                which = self.values[index][0]
                raise self.error(f"Invalid string literal: template sequences are not allowed in this string. To "
                                 f'include a literal "{which}", double it (as "{which}{which}") to escape it.', index)
            else:
                raise self.error("Unterminated string literal: unable to find the closing quote mark before the end "
                                 "of the file.", open_index)

    # -- expressions ----------------------------------------------------------------------------------------------

    def parse_expression(self) -> ast.Node:
        """A whole expression: binary operators by precedence (left associative), then `? :`."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} levels of nesting.")
        kinds = self.kinds
        operands = [self.parse_operand()]
        operators: list[tuple[int, str]] = []
        while True:
            index = self._next()
            kind = kinds[index]
            precedence = _PRECEDENCE.get(kind)
            if precedence is None:
                break
            self.pos = index + 1
            while operators and operators[-1][0] >= precedence:
                op = operators.pop()[1]
                right = operands.pop()
                left = operands.pop()
                operands.append(ast.Binary(op, left, right, left.line))
            operators.append((precedence, kind))
            if len(operators) > MAX_DEPTH:
                raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} operators in a row.", index)
            operands.append(self.parse_operand())
        while operators:
            op = operators.pop()[1]
            right = operands.pop()
            left = operands.pop()
            operands.append(ast.Binary(op, left, right, left.line))
        condition = operands[0]
        if kinds[index] == "?":
            self.read()
            true = self.parse_expression()
            if self.peek() != ":":
                raise self.unexpected("Missing false expression in conditional",
                                      "The conditional operator (...?...:...) requires a false expression, "
                                      "delimited by a colon")
            self.read()
            false = self.parse_expression()
            condition = ast.Conditional(condition, true, false, condition.line)
        self.depth -= 1
        return condition

    def parse_operand(self) -> ast.Node:
        """Unary operators, a term and its traversals (`-a.b[0]` is `-(a.b[0])`)."""
        index = self._next()
        kind = self.kinds[index]
        prefixes: list[int] = []
        while kind == "-" or kind == "!":
            prefixes.append(index)
            self.pos = index + 1
            if len(prefixes) > MAX_DEPTH:
                raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} unary operators.", index)
            index = self._next()
            kind = self.kinds[index]
        line = self.lines[index]
        if kind == IDENT:
            self.pos = index + 1
            name = self.values[index]
            following = self.peek()
            if following == "(" or following == "::":
                node = self.finish_function_call(index)
            elif name == "true":
                node = ast.Literal(True, line)
            elif name == "false":
                node = ast.Literal(False, line)
            elif name == "null":
                node = ast.Literal(None, line)
            else:
                node = ast.Variable(name, line)
        elif kind == NUMBER:
            self.pos = index + 1
            node = ast.Literal(self.number(index), line)
        elif kind == STRING:
            self.pos = index + 1
            node = ast.Template((ast.Literal(self.string_value(index), line),), line)
        elif kind in (OQUOTE, OHEREDOC):
            node = self.parse_template_expression()
        elif kind == "(":
            self.pos = index + 1
            self.push_newlines(False)
            expr = self.parse_expression()
            if self.peek() != ")":
                raise self.unexpected("Unbalanced parentheses", "Expected a closing parenthesis to terminate the "
                                                                "expression")
            self.read()
            self.pop_newlines()
            node = ast.Parens(expr, line)
        elif kind == "[":
            node = self.parse_tuple()
        elif kind == "{":
            node = self.parse_object()
        elif kind == EOF:
            raise self.error("Missing expression: expected the start of an expression, but found the end of the "
                             "file.", index)
        else:
            raise self.unexpected("Invalid expression", "Expected the start of an expression", index)
        kind = self.peek()
        if kind == "." or kind == "[":
            node = self.parse_traversals(node)
        for prefix in reversed(prefixes):
            node = ast.Unary(self.kinds[prefix], node, self.lines[prefix])
        return node

    def string_value(self, index: int) -> str:
        """The text of a STRING token (a quoted string without template sequences), escapes resolved."""
        inner = self.values[index][1:-1]
        if "\\" in inner:
            inner = decode_quoted(inner, self.filename, self.lines[index])
        return _nfc(inner)

    def number(self, index: int) -> Decimal:
        text = self.values[index]
        try:
            return Decimal(text)
        except InvalidOperation:
            raise self.error(f"Invalid number literal: failed to recognize the value of the number literal {text}.",
                             index) from None

    def parse_traversals(self, node: ast.Node) -> ast.Node:
        """Attribute access, indexing (also legacy `.0`) and splats after a term."""
        kinds = self.kinds
        steps = 0
        while True:
            kind = self.peek()
            if kind == ".":
                dot = self.read()
                index = self._next()
                kind = kinds[index]
                if kind == IDENT:
                    self.pos = index + 1
                    node = ast.GetAttr(node, self.values[index], node.line)
                elif kind == NUMBER:
                    self.pos = index + 1
                    node = ast.Index(node, self.legacy_index(index), node.line)
                elif kind == "*":
                    self.pos = index + 1
                    node = self.finish_attribute_splat(node, index)
                else:
                    raise self.unexpected("Invalid attribute name", "An attribute name is required after a dot",
                                          index if kind != EOF else dot)
            elif kind == "[":
                open_index = self.read()
                if self.peek() == "*":
                    self.read()
                    close = self.read()
                    if kinds[close] != "]":
                        raise self.unexpected("Missing close bracket on splat index", 'The star for a full splat '
                                              'operator must be immediately followed by a closing bracket ("]")',
                                              close)
                    self.enter()
                    each = self.parse_traversals(ast.SplatItem(self.lines[open_index]))
                    self.depth -= 1
                    node = ast.Splat(node, each, True, node.line)
                else:
                    self.push_newlines(False)
                    key = self.parse_expression()
                    close = self.read()
                    if kinds[close] != "]":
                        raise self.unexpected("Missing close bracket on index",
                                              'The index operator must end with a closing bracket ("]")', close)
                    self.pop_newlines()
                    node = ast.Index(node, key, node.line)
            else:
                return node
            steps += 1
            if steps > MAX_DEPTH:
                raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} traversal steps in a row.",
                                 self.pos - 1)

    def legacy_index(self, index: int) -> ast.Literal:
        text = self.values[index]
        if "." in text:
            first, _, second = text.partition(".")
            raise self.error(f"Invalid legacy index syntax: when using the legacy index syntax, chaining two indexes "
                             f"together is not permitted. Use the proper index syntax instead, like "
                             f"[{first}][{second}].", index)
        return ast.Literal(self.number(index), self.lines[index])

    def finish_attribute_splat(self, source: ast.Node, star: int) -> ast.Splat:
        """`source.*` then only attribute accesses (and legacy indexes): `a.*.b[0]` is `(a.*.b)[0]`."""
        kinds = self.kinds
        each: ast.Node = ast.SplatItem(self.lines[star])
        steps = 0
        while self.peek() == ".":
            self.read()
            index = self._next()
            kind = kinds[index]
            if kind == NUMBER:
                self.pos = index + 1
                each = ast.Index(each, self.legacy_index(index), each.line)
            elif kind == IDENT:
                self.pos = index + 1
                each = ast.GetAttr(each, self.values[index], each.line)
            elif kind == "*":
                raise self.error("Nested splat expression not allowed: a splat expression (*) cannot be used inside "
                                 "another attribute-only splat expression.", index)
            else:
                raise self.unexpected("Invalid attribute name", "An attribute name is required after a dot", index)
            steps += 1
            if steps > MAX_DEPTH:
                raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} traversal steps in a row.",
                                 index)
        return ast.Splat(source, each, False, source.line)

    def finish_function_call(self, name_index: int) -> ast.FunctionCall:
        kinds = self.kinds
        name = self.values[name_index]
        line = self.lines[name_index]
        open_index = self.read()
        while kinds[open_index] == "::":
            part = self.read()
            if kinds[part] != IDENT:
                raise self.unexpected("Missing function name", "Function scope resolution symbol :: must be "
                                      "followed by a function name in this scope", part)
            name = f"{name}::{self.values[part]}"
            open_index = self.read()
        if kinds[open_index] != "(":
            raise self.unexpected("Missing open parenthesis", "Function selector must be followed by an open "
                                  "parenthesis to begin the function call", open_index)
        args: list[ast.Node] = []
        expand_final = False
        self.push_newlines(False)
        while True:
            if self.peek() == ")":
                self.read()
                break
            args.append(self.parse_expression())
            separator = self.read()
            kind = kinds[separator]
            if kind == ")":
                break
            if kind == "...":
                expand_final = True
                if self.peek() != ")":
                    raise self.unexpected("Missing closing parenthesis", "An expanded function argument (with ...) "
                                          "must be immediately followed by closing parentheses")
                self.read()
                break
            if kind == EOF:
                raise self.error(f"Unterminated function call: there is no closing parenthesis for this call of "
                                 f"{name}() before the end of the file.", open_index)
            if kind != ",":
                raise self.unexpected("Missing argument separator", "A comma is required to separate each function "
                                      "argument from the next", separator)
        self.pop_newlines()
        return ast.FunctionCall(name, tuple(args), expand_final, line)

    def parse_tuple(self) -> ast.Node:
        open_index = self.read()
        self.push_newlines(False)
        if self.peek() == IDENT and self.values[self._next()] == "for":
            node = self.finish_for(open_index)
            self.pop_newlines()
            return node
        items: list[ast.Node] = []
        while True:
            if self.peek() == "]":
                self.read()
                break
            items.append(self.parse_expression())
            kind = self.peek()
            if kind == "]":
                self.read()
                break
            if kind == ",":
                self.read()
                continue
            if kind == EOF:
                raise self.error("Unterminated tuple constructor expression: there is no corresponding closing "
                                 "bracket before the end of the file.", open_index)
            raise self.unexpected("Missing item separator", "Expected a comma to mark the beginning of the next item")
        self.pop_newlines()
        return ast.Tuple(tuple(items), self.lines[open_index])

    def parse_object(self) -> ast.Node:
        open_index = self.read()
        self.push_newlines(False)
        is_for = self.peek() == IDENT and self.values[self._next()] == "for"
        self.pop_newlines()
        if is_for:
            self.push_newlines(False)
            node = self.finish_for(open_index)
            self.pop_newlines()
            return node
        self.push_newlines(True)
        items: list[tuple[ast.Node, ast.Node]] = []
        while True:
            kind = self.peek()
            if kind == NEWLINE:
                self.read()
                continue
            if kind == "}":
                self.read()
                break
            parenthesised = kind == "("
            key = self.parse_expression()
            if not parenthesised:
                if isinstance(key, ast.Variable):
                    key = ast.ObjectKey(key.name, key.line)
                elif isinstance(key, ast.Literal) and (key.value is None or isinstance(key.value, bool)):
                    key = ast.ObjectKey("null" if key.value is None else str(key.value).lower(), key.line)
            kind = self.peek()
            if kind != "=" and kind != ":":
                if kind in (NEWLINE, ","):
                    raise self.error('Missing attribute value: expected an attribute value, introduced by an equals '
                                     'sign ("=").')
                if kind == IDENT:
                    raise self.error('Missing key/value separator: expected an equals sign ("=") to mark the '
                                     "beginning of the attribute value. If you intended to give an attribute name "
                                     "containing periods or spaces, write the name in quotes to create a string "
                                     "literal.")
                if kind == EOF:
                    raise self.error("Unterminated object constructor expression: there is no corresponding closing "
                                     "brace before the end of the file.", open_index)
                raise self.unexpected("Missing key/value separator",
                                      'Expected an equals sign ("=") to mark the beginning of the attribute value')
            self.read()
            value = self.parse_expression()
            items.append((key, value))
            kind = self.peek()
            if kind == "}":
                self.read()
                break
            if kind == "," or kind == NEWLINE:
                self.read()
                continue
            if kind == EOF:
                raise self.error("Unterminated object constructor expression: there is no corresponding closing "
                                 "brace before the end of the file.", open_index)
            raise self.unexpected("Missing attribute separator",
                                  "Expected a newline or comma to mark the beginning of the next attribute")
        self.pop_newlines()
        return ast.Object(tuple(items), self.lines[open_index])

    def finish_for(self, open_index: int) -> ast.For:
        kinds = self.kinds
        values = self.values
        make_object = kinds[open_index] == "{"
        close_kind = "}" if make_object else "]"
        self.read()  # "for"
        if self.peek() != IDENT:
            raise self.unexpected("Invalid 'for' expression", "For expression requires variable name after 'for'")
        value_var = values[self.read()]
        key_var = None
        if self.peek() == ",":
            self.read()
            if self.peek() != IDENT:
                raise self.unexpected("Invalid 'for' expression",
                                      "For expression requires value variable name after comma")
            key_var, value_var = value_var, values[self.read()]
        if not (self.peek() == IDENT and values[self._next()] == "in"):
            raise self.unexpected("Invalid 'for' expression",
                                  "For expression requires the 'in' keyword after its name declarations")
        self.read()
        collection = self.parse_expression()
        if self.peek() != ":":
            raise self.unexpected("Invalid 'for' expression",
                                  "For expression requires a colon after the collection expression")
        self.read()
        key = None
        value = self.parse_expression()
        if self.peek() == "=>":
            self.read()
            key = value
            value = self.parse_expression()
        grouping = False
        if self.peek() == "...":
            ellipsis = self.read()
            grouping = True
        condition = None
        if self.peek() == IDENT and values[self._next()] == "if":
            self.read()
            condition = self.parse_expression()
        if self.peek() != close_kind:
            raise self.unexpected("Invalid 'for' expression", "Extra characters after the end of the 'for' expression")
        self.read()
        if not make_object:
            if key is not None:
                raise self.error("Invalid 'for' expression: key expression is not valid when building a tuple.",
                                 open_index)
            if grouping:
                raise self.error("Invalid 'for' expression: grouping ellipsis (...) cannot be used when building a "
                                 "tuple.", ellipsis)
        elif key is None:
            raise self.error("Invalid 'for' expression: key expression is required when building an object.",
                             open_index)
        return ast.For(key_var, value_var, collection, key, value, condition, grouping, self.lines[open_index])

    # -- templates ------------------------------------------------------------------------------------------------

    def parse_template_expression(self) -> ast.Node:
        open_index = self.read()
        opener = self.values[open_index]
        if self.kinds[open_index] == OQUOTE:
            return self.parse_template(CQUOTE, False, open_index)
        return self.parse_template(CHEREDOC, opener.startswith("<<-"), open_index)

    def parse_template(self, end: str, flush: bool, open_index: int) -> ast.Node:
        """The parts of a template up to its `end` token, as HCL's parseTemplateParts: strip markers act on the
        adjacent literal token; a flush heredoc loses the indentation common to its lines; consecutive literals are
        then joined and the directives folded into TemplateIf/TemplateFor."""
        kinds = self.kinds
        values = self.values
        lines = self.lines
        # Flat parts: ["lit", text, line] (mutable, for trimming), ["expr", node], ["if", node, line],
        # ["for", key, value, node, line], ["else"|"endif"|"endfor", line].
        parts: list[list] = []
        ltrim_next = False
        next_can_trim_prev = False
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Expression nested too deeply: more than {MAX_DEPTH} levels of nesting.", open_index)
        while True:
            index = self.read()
            kind = kinds[index]
            if kind == end:
                break
            ltrim = ltrim_next
            ltrim_next = False
            can_trim_prev = next_can_trim_prev
            next_can_trim_prev = False
            if kind == LIT:
                text = values[index]
                if ltrim:
                    text = text.lstrip(GO_SPACE)
                parts.append(["lit", text, lines[index]])
                next_can_trim_prev = True
                continue
            if kind != INTERP and kind != CONTROL:
                if end == EOF:  # cannot happen: a bare template's tokens are text and sequences
                    raise self.unexpected("Invalid template", "Expected template text", index)
                what = "heredoc" if end == CHEREDOC else "string"
                raise self.error(f"Unterminated template string: no closing marker was found for the {what} begun "
                                 "here.", open_index)
            if can_trim_prev and values[index].endswith("~") and parts and parts[-1][0] == "lit":
                parts[-1][1] = parts[-1][1].rstrip(GO_SPACE)
            self.push_newlines(False)
            if kind == INTERP:
                parts.append(["expr", self.parse_expression()])
                close = self._next()
                if kinds[close] != SEQEND:
                    if kinds[close] == ":":
                        raise self.error("Extra characters after interpolation expression: template interpolation "
                                         "doesn't expect a colon at this location. Did you intend this to be a "
                                         'literal sequence to be processed as part of another language? If so, '
                                         'escape it by starting with "$${" instead of just "${".', close)
                    if kinds[close] in (EOF, CQUOTE, OQUOTE, STRING):
                        raise self.error("Unclosed template interpolation sequence: there is no closing brace for "
                                         "this interpolation sequence.", index)
                    raise self.unexpected("Extra characters after interpolation expression",
                                          "Expected a closing brace to end the interpolation expression", close)
            else:
                keyword_index = self._next()
                if kinds[keyword_index] != IDENT:
                    raise self.unexpected("Invalid template directive", 'A template directive keyword ("if", "for", '
                                          'etc) is expected at the beginning of a %{ sequence', keyword_index)
                self.pos = keyword_index + 1
                keyword = values[keyword_index]
                line = lines[index]
                if keyword == "if":
                    parts.append(["if", self.parse_expression(), line])
                elif keyword in ("else", "endif", "endfor"):
                    parts.append([keyword, line])
                elif keyword == "for":
                    parts.append(self.parse_for_directive(line))
                else:
                    raise self.error(f'Invalid template control keyword: "{keyword}" is not a valid template control '
                                     "keyword (if, for, else, endif, endfor).", keyword_index)
                close = self._next()
                if kinds[close] != SEQEND:
                    raise self.unexpected(f"Extra characters in {keyword} marker",
                                          "Expected a closing brace to end the sequence", close)
            self.pos = close + 1
            if values[close] == "~}":
                ltrim_next = True
            self.pop_newlines()
        self.depth -= 1
        if not parts:
            parts.append(["lit", "", lines[open_index]])
        if flush:
            _flush_heredoc(parts)
        return self._template_tree(_meld(parts), lines[open_index])

    def parse_for_directive(self, line: int) -> list:
        values = self.values
        if self.peek() != IDENT:
            raise self.unexpected("Invalid 'for' directive", "For directive requires variable name after 'for'")
        value_var = values[self.read()]
        key_var = None
        if self.peek() == ",":
            self.read()
            if self.peek() != IDENT:
                raise self.unexpected("Invalid 'for' directive", "For directive requires value variable name after "
                                      "comma")
            key_var, value_var = value_var, values[self.read()]
        if not (self.peek() == IDENT and values[self._next()] == "in"):
            raise self.unexpected("Invalid 'for' directive", "For directive requires 'in' keyword after names")
        self.read()
        return ["for", key_var, value_var, self.parse_expression(), line]

    def _template_tree(self, parts: list[list], line: int) -> ast.Node:
        if len(parts) == 1 and parts[0][0] == "expr":
            return ast.TemplateWrap(parts[0][1], line)
        # Frames: [kind, line, parts, else_parts or None, header part]
        root: list = ["root", line, [], None, None]
        stack = [root]
        for part in parts:
            kind = part[0]
            top = stack[-1]
            current = top[3] if top[3] is not None else top[2]
            if kind == "lit":
                current.append(ast.Literal(_nfc(part[1]), part[2]))
            elif kind == "expr":
                current.append(part[1])
            elif kind == "if" or kind == "for":
                if len(stack) > MAX_DEPTH:
                    raise self._template_error(f"Template nested too deeply: more than {MAX_DEPTH} levels of "
                                               "directives.", part[-1])
                stack.append([kind, part[-1], [], None, part])
            elif kind == "else":
                if top[0] == "if" and top[3] is None:
                    top[3] = []
                elif top[0] == "if":
                    raise self._template_error(f"Unexpected else directive: already in the else clause for the if "
                                               f"started at line {top[1]}.", part[1])
                elif top[0] == "for":
                    raise self._template_error("Unexpected else directive: an else clause is not expected for a for "
                                               "directive.", part[1])
                else:
                    raise self._template_error("Unexpected else directive: the control directives within this "
                                               "template are unbalanced.", part[1])
            else:  # endif, endfor
                wanted = "if" if kind == "endif" else "for"
                if top[0] != wanted:
                    if top[0] == "root":
                        detail = "the control directives within this template are unbalanced."
                    else:
                        detail = f"expecting an end{top[0]} directive for the {top[0]} started at line {top[1]}."
                    raise self._template_error(f"Unexpected {kind} directive: {detail}", part[1])
                stack.pop()
                header = top[4]
                body = ast.Template(tuple(top[2]) or (ast.Literal("", top[1]),), top[1])
                if wanted == "if":
                    otherwise = None
                    if top[3] is not None:
                        otherwise = ast.Template(tuple(top[3]) or (ast.Literal("", part[1]),), top[1])
                    node: ast.Node = ast.TemplateIf(header[1], body, otherwise, top[1])
                else:
                    node = ast.TemplateFor(header[1], header[2], header[3], body, top[1])
                parent = stack[-1]
                (parent[3] if parent[3] is not None else parent[2]).append(node)
        if len(stack) > 1:
            top = stack[-1]
            raise self._template_error(f"Unexpected end of template: the {top[0]} directive at line {top[1]} is "
                                       f"missing its corresponding end{top[0]} directive.", top[1])
        return ast.Template(tuple(root[2]), line)

    def _template_error(self, problem: str, line: int) -> InputError:
        return InputError(self.filename, problem, line)

    # -- depth of the tree ------------------------------------------------------------------------------------------

    def _check_tree_depth(self, node: ast.Node, first_token: int) -> None:
        """Chains (`a.b.c...`, `1 + 2 + ...`) deepen the tree without nesting the parser: bound the tree too.
        A tree is never deeper than its tokens are many, so only long expressions need the walk."""
        if self.pos - first_token <= MAX_DEPTH:
            return
        _check_depth(node, self.filename)


def _check_depth(node: ast.Node, filename: str) -> None:
    stack = [(node, 1)]
    children = ast.children
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(filename, f"Expression nested too deeply: more than {MAX_DEPTH} levels of nesting.",
                             current.line or None)
        for child in children(current):
            stack.append((child, depth + 1))


def _flush_heredoc(parts: list[list]) -> None:
    """HCL's flushHeredocTemplateParts: trim from every line-leading literal the smallest number of leading
    whitespace characters among them (lines of only whitespace do not count; a line starting with an
    interpolation or directive counts as zero)."""
    infinity = sys.maxsize
    least = infinity
    newline = True
    adjust: list[list] = []
    for part in parts:
        if newline:
            newline = False
            spaces = 0
            if part[0] == "lit":
                text = part[1]
                trimmed = text.lstrip(GO_SPACE)
                if not trimmed and text.endswith("\n"):
                    spaces = infinity
                else:
                    spaces = len(text) - len(trimmed)
                    adjust.append(part)
            least = min(least, spaces)
        if part[0] == "lit" and part[1].endswith("\n"):
            newline = True
    if least == infinity or least == 0:
        return
    for part in adjust:
        part[1] = part[1][least:]


def _meld(parts: list[list]) -> list[list]:
    """Join consecutive literal parts (after trimming and flushing), as HCL's meldConsecutiveStringLiterals."""
    melded: list[list] = []
    for part in parts:
        if part[0] == "lit" and melded and melded[-1][0] == "lit":
            melded[-1][1] += part[1]
        else:
            melded.append(part)
    return melded


# -- public functions -----------------------------------------------------------------------------------------------


def _ensure_stack(depth_needed: int) -> None:
    """Leave room for `depth_needed` more Python frames under the recursion limit (raised, never lowered)."""
    frame = sys._getframe()
    current = 0
    while frame is not None:
        current += 1
        frame = frame.f_back
    needed = current + depth_needed + 100
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def _run(filename: str, work):
    _ensure_stack(MAX_DEPTH * _FRAMES_PER_LEVEL)
    # The parser makes many objects and no cycles: the cyclic collector would only rescan them (a third of the
    # time on large files).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return work()
    except RecursionError:  # a backstop: the depth bounds should make this unreachable
        raise InputError(filename, f"Expression nested too deeply: more than {MAX_DEPTH} levels of nesting.") \
            from None
    finally:
        if collecting:
            gc.enable()


def parse_file(text: str, filename: str) -> ast.File:
    """A whole configuration file (HCL native syntax): its body of attributes and blocks."""

    def work() -> ast.File:
        parser = _Parser(tokenize(text, filename), filename)
        return ast.File(parser.parse_body(EOF, 0), filename)

    return _run(filename, work)


def parse_expression(text: str, filename: str = "<expr>", line: int = 1) -> ast.Node:
    """One expression; the whole of `text` must be that expression (newlines are free, as inside parentheses).
    `line` is the line `text` starts at in `filename`."""

    def work() -> ast.Node:
        parser = _Parser(tokenize(text, filename, line), filename)
        parser.push_newlines(False)
        node = parser.parse_expression()
        if parser.peek() != EOF:
            raise parser.unexpected("Extra characters after expression", "An expression was successfully parsed, "
                                    "but extra characters were found after it: expected the end of the expression")
        _check_depth_if_long(parser, node)
        return node

    return _run(filename, work)


def parse_template(text: str, filename: str = "<template>", line: int = 1) -> ast.Node:
    """A bare template, such as a heredoc's content or a file read by templatefile: literal text with `${ }`
    interpolations and `%{ }` directives (no quotes, no escapes but `$${` and `%%{`)."""

    def work() -> ast.Node:
        parser = _Parser(tokenize(text, filename, line, template=True), filename)
        node = parser.parse_template(EOF, False, 0)
        _check_depth_if_long(parser, node)
        return node

    return _run(filename, work)


def _check_depth_if_long(parser: _Parser, node: ast.Node) -> None:
    if len(parser.kinds) > MAX_DEPTH:
        _check_depth(node, parser.filename)


def _nfc(text: str) -> str:
    """HCL normalises the literal text of strings and templates to Unicode NFC (`"e\u0301"` is `"é"`)."""
    if text.isascii():
        return text
    import unicodedata

    return unicodedata.normalize("NFC", text)
