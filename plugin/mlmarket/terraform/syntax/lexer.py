"""Tokens of HCL native syntax, scanned as hclsyntax's scanner (scan_tokens.rl) scans them.

The scanner is modal: expression text, quoted templates, heredoc templates and bare templates (a templatefile's
content) lex differently, and an interpolation `${ ... }` or directive `%{ ... }` returns to expression mode until
its closing brace. The modes are kept on an explicit stack (no recursion), so any nesting lexes in linear time.

Comments are dropped; a `#` or `//` comment that ends a line leaves its newline, as in HCL. Template literal
pieces are delivered decoded (escapes resolved; `$${` and `%%{` as `${` and `%{`), one token per run of text
between template sequences, ending at each newline: the granularity HCL's strip markers and heredoc flush work on.
A quoted string without any `$` or `%` (most strings) is one STRING token, decoded by the parser.
"""

from __future__ import annotations

import re

from mlmarket.errors import InputError

# Token kinds. Punctuation tokens use their own text as kind (and value).
IDENT = "identifier"
NUMBER = "number"
NEWLINE = "newline"
EOF = "end of file"
STRING = "string"  # a quoted string without template sequences; value: its source text, quotes included
OQUOTE = "opening quote"
CQUOTE = "closing quote"
OHEREDOC = "heredoc"
CHEREDOC = "heredoc end marker"
LIT = "template text"
INTERP = "${"  # value "${" or "${~"
CONTROL = "%{"  # value "%{" or "%{~"
SEQEND = "template sequence end"  # value "}" or "~}"

# Go's unicode.IsSpace: what HCL's strip markers, heredoc markers and flush trim.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
           "\u2028\u2029\u202f\u205f\u3000"

_MAIN = re.compile(
    r"""
    [ \t]*                                                          # spaces before the token
    (?:
      (\r?\n)                                                     # 1 newline
    | (\#[^\n]*\n?|//[^\n]*\n?)                                   # 2 line comment
    | (/\*)                                                       # 3 block comment start
    | ([0-9](?:[0-9.]|[eE][+-]?[0-9])*(?<!\.))                    # 4 number
    | ([^\W\d][\w\-\u0080-\U0010ffff]*)                             # 5 identifier (trimmed below)
    | (<<-?[^\W\d][\w\-\u0080-\U0010ffff]*\r?\n)                    # 6 heredoc opener
    | (==|!=|>=|<=|&&|\|\||::|\.\.\.|=>|[\[\]().,*/%+\-=<>!?:])   # 7 punctuation
    | (\{)                                                        # 8
    | (\}|~\})                                                    # 9
    | ("(?:[^"\\$%\r\n]|\\[^\r\n])*")                                # 10 a string without sequences
    | (")                                                         # 11
    )
    """,
    re.VERBOSE,
)
_G_NEWLINE, _G_LINE_COMMENT, _G_BLOCK_COMMENT, _G_NUMBER, _G_IDENT, _G_HEREDOC, _G_PUNCT, _G_OBRACE, _G_CBRACE, \
    _G_STRING, _G_QUOTE = range(1, 12)

_QUOTED_RUN = re.compile(r'(?:[^"\\$%\r\n]|\\[^\r\n])+')
_LINE_RUN = re.compile(r"[^$%\r\n]+")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{0,4})|U([0-9a-fA-F]{0,8})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}

_INVALID_CHARACTERS = {
    "&": 'Unsupported operator: Bitwise operators are not supported. Did you mean boolean AND ("&&")?',
    "|": 'Unsupported operator: Bitwise operators are not supported. Did you mean boolean OR ("||")?',
    "^": "Unsupported operator: Bitwise operators are not supported.",
    "~": 'Unsupported operator: Bitwise operators are not supported. Did you mean boolean NOT ("!")?',
    ";": 'Invalid character: The ";" character is not valid. Use newlines to separate arguments and blocks, and '
         "commas to separate items in collection values.",
    "`": 'Invalid character: The "`" character is not valid. To create a multi-line string, use the "heredoc" '
         'syntax, like "<<EOT".',
    "'": 'Invalid character: Single quotes are not valid. Use double quotes (") to enclose strings.',
    "\u201c": 'Invalid character: "Curly quotes" are not valid here. Use a straight quote (").',
    "\u201d": 'Invalid character: "Curly quotes" are not valid here. Use a straight quote (").',
}

# Scanner modes.
_MAIN_MODE, _QUOTED_MODE, _HEREDOC_MODE, _BARE_MODE = range(4)


class Tokens:
    """The token stream as parallel lists (kind, value, line, start offset); the last token is EOF.

    A token that can end an expression (identifier, number, punctuation, closing quote, heredoc end marker) ends
    at its start plus the length of its value: `end(index)`."""

    __slots__ = ("kinds", "lines", "starts", "text", "values")

    def __init__(self, text: str) -> None:
        self.text = text
        self.kinds: list[str] = []
        self.values: list[str] = []
        self.lines: list[int] = []
        self.starts: list[int] = []

    def end(self, index: int) -> int:
        return self.starts[index] + len(self.values[index])


def _is_identifier(name: str) -> bool:
    """HCL's Ident = (ID_Start | '_') (ID_Continue | '-')*, for names the ASCII-fast regex let through."""
    if name.isascii():
        return True
    return name[0].isidentifier() and all(c == "-" or ("a" + c).isidentifier() for c in name[1:])


def _identifier_prefix(name: str) -> str:
    """The longest prefix of `name` (matched by a Unicode \\w regex) that is an HCL identifier."""
    if _is_identifier(name):
        return name
    end = 1 if name[0].isidentifier() else 0
    while end < len(name) and (name[end] == "-" or ("a" + name[end]).isidentifier()):
        end += 1
    return name[:end]


def decode_quoted(raw: str, filename: str, line: int) -> str:
    """Resolve the backslash escapes of a quoted-string run (HCL's ParseStringLiteralToken, quoted mode)."""
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        short, long, simple = match.groups()
        if simple is not None:
            if simple in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[simple]
            raise InputError(filename, f"Invalid escape sequence: the symbol {simple!r} is not a valid escape "
                                       "sequence selector (use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN).",
                             line)
        digits, size = (short, 4) if short is not None else (long, 8)
        if len(digits) != size:
            letter = "u" if size == 4 else "U"
            raise InputError(filename, f"Invalid escape sequence: the \\{letter} escape sequence must be followed "
                                       f"by {'four' if size == 4 else 'eight'} hexadecimal digits.", line)
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise InputError(filename, f"Invalid escape sequence: cannot encode character U+{code:04X} in UTF-8.",
                             line)
        return chr(code)

    return _ESCAPE.sub(replace, raw)


def _invalid_character(char: str) -> str:
    if char in _INVALID_CHARACTERS:
        return _INVALID_CHARACTERS[char]
    if char == "$":
        return 'Invalid character: "$" is only valid in a string template, as "${".'
    return f"Invalid character: the character {char!r} is not used within the language."


def tokenize(text: str, filename: str, line: int = 1, template: bool = False) -> Tokens:
    """Scan `text` (a whole file or one expression; with `template`, a bare template such as a templatefile's
    content). A leading UTF-8 byte order mark is skipped. Raises InputError at the first lexical error."""
    tokens = Tokens(text)
    kinds = tokens.kinds
    values = tokens.values
    lines = tokens.lines
    starts = tokens.starts
    add_kind = kinds.append
    add_value = values.append
    add_line = lines.append
    add_start = starts.append

    def emit(kind: str, value: str, start: int) -> None:
        add_kind(kind)
        add_value(value)
        add_line(line)
        add_start(start)

    pos = 1 if text.startswith("\ufeff") else 0
    size = len(text)
    mode = _BARE_MODE if template else _MAIN_MODE
    # The modes to return to (HCL's fcall/fret), each with the heredoc state of that mode.
    stack: list[tuple[int, str, bool]] = []
    marker = ""  # of the innermost heredoc being scanned
    start_of_line = True  # heredoc: at the start of a line (where the end marker may appear)
    braces = 0
    return_braces: list[int] = []  # brace levels at which a "}" ends a template sequence
    main_match = _MAIN.match
    punct = _G_PUNCT
    ident = _G_IDENT

    def enter_sequence(kind: str, value: str, start: int) -> None:
        nonlocal mode, braces, start_of_line
        emit(kind, value, start)
        braces += 1
        return_braces.append(braces)
        start_of_line = False  # a heredoc's end marker cannot follow a sequence on the same line
        stack.append((mode, marker, start_of_line))
        mode = _MAIN_MODE

    while pos < size:
        if mode == _MAIN_MODE:
            match = main_match(text, pos)
            if match is None:
                while pos < size and text[pos] in " \t":
                    pos += 1
                if pos == size:
                    break
                char = text[pos]
                if char == "\r":
                    raise InputError(filename, "Invalid character: a carriage return must be followed by a newline.",
                                     line)
                raise InputError(filename, _invalid_character(char), line)
            group = match.lastindex
            end = match.end()
            pos = match.start(group)
            if group == ident:
                name = match.group(ident)
                if not name.isascii():
                    name = _identifier_prefix(name)
                    if not name:
                        raise InputError(filename, _invalid_character(text[pos]), line)
                    end = pos + len(name)
                add_kind(IDENT)
                add_value(name)
                add_line(line)
                add_start(pos)
            elif group == punct:
                value = match.group(punct)
                add_kind(value)
                add_value(value)
                add_line(line)
                add_start(pos)
            elif group == _G_NEWLINE:
                add_kind(NEWLINE)
                add_value("\n")
                add_line(line)
                add_start(pos)
                line += 1
            elif group == _G_NUMBER:
                add_kind(NUMBER)
                add_value(match.group(_G_NUMBER))
                add_line(line)
                add_start(pos)
            elif group == _G_LINE_COMMENT:
                if text[end - 1] == "\n":
                    emit(NEWLINE, "\n", end - 1)
                    line += 1
            elif group == _G_BLOCK_COMMENT:
                close = text.find("*/", end)
                if close == -1:
                    raise InputError(filename, "Unterminated comment: there is no \"*/\" closing the comment "
                                               "begun here.", line)
                line += text.count("\n", end, close)
                end = close + 2
            elif group == _G_OBRACE:
                emit("{", "{", pos)
                braces += 1
            elif group == _G_CBRACE:
                value = match.group(_G_CBRACE)
                if return_braces and return_braces[-1] == braces:
                    emit(SEQEND, value, pos)
                    braces -= 1
                    return_braces.pop()
                    mode, marker, start_of_line = stack.pop()
                elif value == "~}":
                    # As HCL: a sequence end even where it closes no sequence, so the parser reports it.
                    emit(SEQEND, value, pos)
                    braces -= 1
                else:
                    emit("}", "}", pos)
                    braces -= 1
            elif group == _G_STRING:
                emit(STRING, match.group(_G_STRING), pos)
            elif group == _G_QUOTE:
                emit(OQUOTE, '"', pos)
                stack.append((mode, marker, start_of_line))
                mode = _QUOTED_MODE
            else:  # heredoc opener
                opener = match.group(_G_HEREDOC)
                name = opener[2:].rstrip("\r\n").lstrip("-")
                if not _is_identifier(name):
                    raise InputError(filename, "Invalid heredoc: the marker after \"<<\" must be an identifier "
                                               "followed directly by a newline.", line)
                emit(OHEREDOC, opener.rstrip("\r\n"), pos)
                line += 1
                stack.append((mode, marker, start_of_line))
                mode = _HEREDOC_MODE
                marker = name
                start_of_line = True
            pos = end
            continue

        char = text[pos]
        if mode == _QUOTED_MODE:
            if char == '"':
                emit(CQUOTE, '"', pos)
                pos += 1
                mode, marker, start_of_line = stack.pop()
                continue
            match = _QUOTED_RUN.match(text, pos)
            if match is not None:
                end = match.end()
                emit(LIT, decode_quoted(match.group(), filename, line), pos)
                pos = end
                continue
            if char in "\r\n":
                raise InputError(filename, "Invalid multi-line string: quoted strings may not be split over multiple "
                                           "lines; use the \\n escape or a heredoc (<<EOT).", line)
            if char == "\\":
                raise InputError(filename, "Invalid escape sequence: backslash must be followed by an escape "
                                           "sequence selector character.", line)
        else:  # heredoc or bare template: text by lines
            if mode == _HEREDOC_MODE and start_of_line:
                newline = text.find("\n", pos)
                if newline != -1 and text[pos:newline + 1].strip(GO_SPACE) == marker:
                    close = newline - 1 if newline > pos and text[newline - 1] == "\r" else newline
                    # The token starts at the marker itself (past any indentation), so it ends at start + len.
                    emit(CHEREDOC, marker, text.index(marker, pos))
                    emit(NEWLINE, "\n", close)
                    line += 1
                    pos = newline + 1
                    mode, marker, start_of_line = stack.pop()
                    continue
            if char not in "$%":
                match = _LINE_RUN.match(text, pos)
                end = match.end() if match is not None else pos
                if text.startswith("\n", end):
                    end += 1
                elif text.startswith("\r\n", end):
                    end += 2
                elif end == pos:  # a carriage return on its own
                    if mode == _BARE_MODE and not stack:
                        # HCL's scanner gives up here and keeps the rest of a bare template as literal text.
                        emit(LIT, text[pos:], pos)
                        line += text.count("\n", pos)
                        pos = size
                        continue
                    raise InputError(filename, "Invalid character: a carriage return must be followed by a "
                                               "newline.", line)
                value = text[pos:end]
                emit(LIT, value, pos)
                pos = end
                if value[-1] == "\n":
                    line += 1
                    start_of_line = True
                else:
                    start_of_line = False
                continue
        # "$" or "%": a template sequence, an escaped one ("$${"), or a literal character.
        brace = text.startswith("{", pos + 1)
        if brace:
            strip = text.startswith("~", pos + 2)
            end = pos + (3 if strip else 2)
            enter_sequence(INTERP if char == "$" else CONTROL, text[pos:end], pos)
            pos = end
            continue
        if text.startswith(char + "{", pos + 1):
            emit(LIT, char + "{", pos)
            pos += 3
        else:
            emit(LIT, char, pos)
            pos += 1
        start_of_line = False

    # An unterminated string, heredoc or sequence is reported by the parser, where it began.
    emit(EOF, "", size)
    return tokens
