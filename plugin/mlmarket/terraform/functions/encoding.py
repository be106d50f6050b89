"""Encoding functions: base64*, csvdecode, jsondecode/jsonencode, textdecodebase64/textencodebase64, urlencode,
yamldecode/yamlencode, base64sha256/base64sha512 (go-cty's stdlib, go-cty-yaml v1.1.0 and Terraform's funcs).

JSON is written as cty's json.Marshal writes it (Go's encoding/json escaping of strings, `<`, `>` and `&` as
\\u003c..., object keys sorted, numbers in plain decimal). YAML goes through libyaml (PyYAML's C binding), of which
go-cty-yaml is a Go port: the same events give the same text, and the parser gives the same events.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    list_of,
    make_number,
    null,
    number_to_string,
    object_of,
    parse_number,
    tuple_of,
    unknown,
    unknown_from,
)

_S = Param("str", STRING)


def _text(value: str) -> Value:
    return Value(STRING, unicodedata.normalize("NFC", value))


# --- JSON -----------------------------------------------------------------------------------------------------

_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_string(value: str) -> str:
    """Go's json.Marshal of a string (HTML-safe escaping)."""
    return json.dumps(value, ensure_ascii=False).translate(_HTML)


def json_marshal(value: Value) -> str:
    """cty's json.Marshal(value, value.Type()) of a wholly known value (marks ignored)."""
    raw = value.raw
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return json_string(raw)
    if isinstance(raw, (int, Fraction)):
        return number_to_string(raw)
    if isinstance(raw, tuple):
        return "[" + ",".join(json_marshal(item) for item in raw) + "]"
    if isinstance(raw, dict):
        return "{" + ",".join(f"{json_string(k)}:{json_marshal(raw[k])}" for k in sorted(raw)) + "}"
    raise FunctionError("value is not known")


@function("jsonencode", [Param("val", DYNAMIC, allow_null=True, allow_unknown=True)], returns=STRING)
def _jsonencode(context: CallContext, args: Sequence[Value]) -> Value:
    value = args[0]
    if not value.is_wholly_known:
        return unknown_from([value, *_unknowns(value)], STRING)
    return Value(STRING, json_marshal(value))


def _unknowns(value: Value) -> list[Value]:
    if not value.is_known:
        return [value]
    if isinstance(value.raw, tuple):
        return [u for item in value.raw for u in _unknowns(item)]
    if isinstance(value.raw, dict):
        return [u for item in value.raw.values() for u in _unknowns(item)]
    return []


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON token {name}")


def _surrogates(text: str) -> str:
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


def _from_json(data: Any) -> Value:
    if data is None:
        return null(DYNAMIC)
    if isinstance(data, bool):
        return Value(BOOL, data)
    if isinstance(data, (int, Decimal)):
        return Value(NUMBER, make_number(data))
    if isinstance(data, str):
        return _text(_surrogates(data))
    if isinstance(data, list):
        return tuple_of([_from_json(item) for item in data])
    return object_of({unicodedata.normalize("NFC", _surrogates(k)): _from_json(v) for k, v in data.items()})


@function("jsondecode", [_S], returns=DYNAMIC)
def _jsondecode(context: CallContext, args: Sequence[Value]) -> Value:
    source = args[0].raw
    try:
        data = json.loads(
            source,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_reject_constant,
        )  # a repeated key: the last value wins, as in Terraform
    except (ValueError, RecursionError) as error:
        raise FunctionError(f"invalid JSON: {error}") from None
    return _from_json(data)


# --- base64, url, hashes --------------------------------------------------------------------------------------


def go_base64_decode(source: str) -> bytes | None:
    """base64.StdEncoding.DecodeString: padding required, CR and LF ignored; None if invalid."""
    cleaned = source.replace("\r", "").replace("\n", "")
    if not cleaned.isascii():
        return None
    if len(cleaned) % 4:
        return None
    try:
        return binascii.a2b_base64(cleaned.encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError):
        return None


@function("base64encode", [_S], returns=STRING)
def _base64encode(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, base64.b64encode(args[0].raw.encode("utf-8")).decode("ascii"))


@function("base64decode", [_S], returns=STRING)
def _base64decode(context: CallContext, args: Sequence[Value]) -> Value:
    decoded = go_base64_decode(args[0].raw)
    if decoded is None:
        raise FunctionError("failed to decode base64 data")
    try:
        return _text(decoded.decode("utf-8"))
    except UnicodeDecodeError:
        raise FunctionError("the result of decoding the provided string is not valid UTF-8") from None


@function("base64gzip", [_S], returns=STRING)
def _base64gzip(context: CallContext, args: Sequence[Value]) -> Value:
    # Go's compress/flate chooses its own Huffman blocks: zlib's output is valid gzip but not the same bytes.
    return unknown(STRING, "base64gzip(): Go's gzip output is not reproduced byte for byte by mlmarket")


@function("urlencode", [_S], returns=STRING)
def _urlencode(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, urllib.parse.quote_plus(args[0].raw, safe="-_.~"))


@function("base64sha256", [_S], returns=STRING)
def _base64sha256(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, base64.b64encode(hashlib.sha256(args[0].raw.encode("utf-8")).digest()).decode("ascii"))


@function("base64sha512", [_S], returns=STRING)
def _base64sha512(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, base64.b64encode(hashlib.sha512(args[0].raw.encode("utf-8")).digest()).decode("ascii"))


# IANA names (case-insensitive) that golang.org/x/text's ianaindex maps to an encoding Python has with the same
# table. Other names give an unknown result (never a guess).
_ENCODINGS = {
    "utf-8": "utf-8", "utf8": "utf-8", "csutf8": "utf-8",
    "utf-16le": "utf-16-le", "csutf16le": "utf-16-le",
    "utf-16be": "utf-16-be", "csutf16be": "utf-16-be",
    "iso-8859-1": "latin-1", "iso_8859-1": "latin-1", "latin1": "latin-1", "l1": "latin-1", "csisolatin1": "latin-1",
    "iso-8859-2": "iso8859-2", "iso-8859-15": "iso8859-15",
    "windows-1252": "cp1252", "cswindows1252": "cp1252", "windows-1251": "cp1251", "windows-1250": "cp1250",
    "koi8-r": "koi8-r", "cskoi8r": "koi8-r",
}


def _codec(name: str) -> str | None:
    """Python's codec for an IANA encoding name; FunctionError for a name neither Go nor Python knows."""
    codec = _ENCODINGS.get(name.lower())
    if codec is None:
        import codecs

        try:
            codecs.lookup(name)
        except (LookupError, ValueError):
            raise FunctionError(f"{name!r} is not a supported IANA encoding name or alias", 1) from None
    return codec


@function("textencodebase64", [Param("string", STRING), Param("encoding", STRING)], returns=STRING)
def _textencodebase64(context: CallContext, args: Sequence[Value]) -> Value:
    codec = _codec(args[1].raw)
    if codec is None:
        return unknown(STRING, f"textencodebase64(): encoding {args[1].raw!r} is not evaluated by mlmarket")
    try:
        encoded = args[0].raw.encode(codec)
    except UnicodeEncodeError:
        raise FunctionError(f"the given string contains characters that cannot be represented in {codec}") from None
    return Value(STRING, base64.b64encode(encoded).decode("ascii"))


@function("textdecodebase64", [Param("source", STRING), Param("encoding", STRING)], returns=STRING)
def _textdecodebase64(context: CallContext, args: Sequence[Value]) -> Value:
    codec = _codec(args[1].raw)
    if codec is None:
        return unknown(STRING, f"textdecodebase64(): encoding {args[1].raw!r} is not evaluated by mlmarket")
    decoded = go_base64_decode(args[0].raw)
    if decoded is None:
        raise FunctionError("the given value is has an invalid base64 symbol")
    try:
        result = decoded.decode(codec)
    except UnicodeDecodeError:
        raise FunctionError(f"the given string contains symbols that are not defined for {codec}") from None
    if "\ufffd" in result:
        raise FunctionError(f"the given string contains symbols that are not defined for {codec}")
    return _text(result)


# --- CSV (Go's encoding/csv with FieldsPerRecord set to the header's length) -----------------------------------


def _csv_lines(source: str) -> list[str]:
    lines = []
    position = 0
    while position < len(source):
        end = source.find("\n", position)
        line = source[position:] if end < 0 else source[position : end + 1]
        position = len(source) if end < 0 else end + 1
        if end < 0 and line.endswith("\r"):
            line = line[:-1]
        if line.endswith("\r\n"):
            line = line[:-2] + "\n"
        lines.append(line)
    return lines


def _csv_records(source: str) -> list[list[str]]:
    lines = _csv_lines(source)
    records = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line == "\n" or line == "":
            continue
        fields: list[str] = []
        while True:
            if not line.startswith('"'):
                comma = line.find(",")
                field = line[:comma] if comma >= 0 else line.removesuffix("\n")
                if '"' in field:
                    raise FunctionError('CSV parse error: bare " in non-quoted-field')
                fields.append(field)
                if comma >= 0:
                    line = line[comma + 1 :]
                    continue
                break
            line = line[1:]
            buffer = []
            while True:
                quote = line.find('"')
                if quote >= 0:
                    buffer.append(line[:quote])
                    line = line[quote + 1 :]
                    if line.startswith('"'):
                        buffer.append('"')
                        line = line[1:]
                    elif line.startswith(","):
                        line = line[1:]
                        fields.append("".join(buffer))
                        break
                    elif line in ("", "\n"):
                        fields.append("".join(buffer))
                        line = None  # type: ignore[assignment]
                        break
                    else:
                        raise FunctionError('CSV parse error: extraneous or missing " in quoted-field')
                elif line:
                    buffer.append(line)
                    if index >= len(lines):
                        raise FunctionError('CSV parse error: extraneous or missing " in quoted-field')
                    line = lines[index]
                    index += 1
                else:
                    raise FunctionError('CSV parse error: extraneous or missing " in quoted-field')
            if line is None:
                break
        records.append(fields)
    return records


@function("csvdecode", [_S], returns=DYNAMIC)
def _csvdecode(context: CallContext, args: Sequence[Value]) -> Value:
    records = _csv_records(args[0].raw)
    if not records:
        raise FunctionError("missing header line")
    headers = records[0]
    if len(set(headers)) != len(headers):
        raise FunctionError("duplicate column name")
    element_type = ObjectType.of(dict.fromkeys(headers, STRING))
    rows = []
    for record in records[1:]:
        if len(record) != len(headers):
            raise FunctionError("CSV parse error: wrong number of fields")
        rows.append(object_of({name: _text(field) for name, field in zip(headers, record, strict=True)}))
    return list_of(element_type, rows)


# --- YAML -----------------------------------------------------------------------------------------------------

_YAML_INT = re.compile(r"\A([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_YAML_FLOAT = re.compile(r"\A[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_INFINITIES = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"}
_TAG = "tag:yaml.org,2002:"
_RESOLVABLE = {"", "!", _TAG + "str", _TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "null",
               _TAG + "timestamp", _TAG + "binary"}
_MERGE = object()
_TIMESTAMP_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})"),
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?()"),
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})()()()()()"),
)


class _YamlUnsupported(Exception):
    pass


def _yaml_timestamp(source: str) -> str | None:
    if not re.match(r"\d{4}-", source):
        return None
    for form in _TIMESTAMP_FORMS:
        match = form.fullmatch(source)
        if not match:
            continue
        year, month, day, hour, minute, second, _fraction, zone = match.groups()
        try:
            offset = timedelta(0)
            if zone and zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                tzinfo=timezone(offset),
            )
        except ValueError:
            continue
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if offset == timedelta(0):
            return text + "Z"
        total = int(offset.total_seconds()) // 60
        sign = "-" if total < 0 else "+"
        return f"{text}{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
    return None


def _yaml_number(source: str) -> Value:
    plain = source.replace("_", "")
    parsed = parse_number(plain) if not plain.startswith("+") else parse_number(plain[1:])
    if parsed is not None and not re.search(r"[^0-9.eE+-]", plain):
        return Value(NUMBER, parsed)
    try:
        sign = -1 if plain.startswith("-") else 1
        body = plain.lstrip("+-")
        if body[:2] in ("0x", "0X"):
            number = int(body[2:], 16)
        elif body[:2] in ("0o", "0O"):
            number = int(body[2:], 8)
        elif body[:2] in ("0b", "0B"):
            number = int(body[2:], 2)
        elif body.startswith("0") and len(body) > 1:
            number = int(body[1:], 8)
        else:
            raise ValueError(source)
        if sign * number < -(2**63) or sign * number >= 2**64:
            raise ValueError(source)
        return Value(NUMBER, make_number(sign * number))
    except ValueError:
        raise FunctionError(f"cannot parse {source!r} as a number") from None


def _resolve_scalar(tag: str, source: str, plain: bool) -> Any:
    """go-cty-yaml's resolveScalar (tag "" for a plain scalar without a tag)."""
    if tag not in _RESOLVABLE:
        raise FunctionError(f"unsupported tag {tag!r}")
    if tag == "!":
        return _text(source)
    hint = "N" if source == "" else _hint(source[0])
    if hint and tag not in (_TAG + "str", _TAG + "binary"):
        if not plain:
            return _text(source)
        if source in _BOOLS:
            return Value(BOOL, _BOOLS[source])
        if source in _NULLS:
            return null(DYNAMIC)
        if source in _INFINITIES:
            raise _YamlUnsupported("an infinite number")
        if tag == "" and source in (".nan", ".NaN", ".NAN"):
            raise FunctionError("floating point NaN is not supported")
        if hint == ".":
            parsed = parse_number(source)
            if parsed is not None and not re.search(r"[^0-9.eE+-]", source):
                return Value(NUMBER, parsed)
        elif hint in ("D", "S"):
            if tag in ("", _TAG + "timestamp"):
                stamp = _yaml_timestamp(source)
                if stamp is not None:
                    return _text(stamp)
            if _YAML_INT.match(source) or _YAML_FLOAT.match(source):
                tag = _TAG + "int"
    if tag == "" and source == "<<":
        return _MERGE
    if tag in (_TAG + "str", _TAG + "binary", ""):
        if tag == _TAG + "binary" and go_base64_decode(source) is None:
            raise FunctionError(f"cannot parse {source!r} as !!binary: not valid base64")
        return _text(source)
    if tag == _TAG + "bool":
        if source not in _BOOLS:
            raise FunctionError(f"cannot parse {source!r} as !!bool")
        return Value(BOOL, _BOOLS[source])
    if tag in (_TAG + "int", _TAG + "float"):
        return _yaml_number(source)
    if tag == _TAG + "timestamp":
        stamp = _yaml_timestamp(source)
        if stamp is None:
            raise FunctionError(f"cannot parse {source!r} as !!timestamp")
        return _text(stamp)
    return null(DYNAMIC)  # !!null


def _hint(char: str) -> str:
    if char in "+-":
        return "S"
    if char in "0123456789":
        return "D"
    if char in "yYnNtTfFoO~":
        return "M"
    if char == ".":
        return "."
    return ""


class _YamlReader:
    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.position = 0
        self.anchors: dict[str, Value] = {}

    def next(self) -> Any:
        if self.position >= len(self.events):
            raise FunctionError("unexpected end of YAML")
        event = self.events[self.position]
        self.position += 1
        return event

    def value(self, event: Any) -> Any:
        if isinstance(event, yaml.ScalarEvent):
            plain = event.implicit[0]
            if event.tag is None and not plain:
                result: Any = _text(event.value)
            else:
                result = _resolve_scalar(event.tag or "", event.value, event.style is None or event.style == "")
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise FunctionError(f"unknown anchor {event.anchor!r} referenced")
            return self.anchors[event.anchor]
        elif isinstance(event, yaml.MappingStartEvent):
            if event.tag not in (None, "!", _TAG + "map"):
                raise FunctionError(f"can't interpret mapping as {event.tag}")
            result = self.mapping()
        elif isinstance(event, yaml.SequenceStartEvent):
            if event.tag not in (None, "!", _TAG + "seq"):
                raise FunctionError(f"can't interpret sequence as {event.tag}")
            items = []
            while True:
                item_event = self.next()
                if isinstance(item_event, yaml.SequenceEndEvent):
                    break
                items.append(self._checked(self.value(item_event)))
            result = tuple_of(items)
        elif isinstance(event, yaml.DocumentStartEvent):
            raise FunctionError("only a single document is allowed")
        else:
            raise FunctionError(f"unexpected parser event {type(event).__name__}")
        anchor = getattr(event, "anchor", None)
        if anchor and isinstance(result, Value):
            self.anchors[anchor] = result
        return result

    @staticmethod
    def _checked(value: Any) -> Value:
        if value is _MERGE:
            return _text("<<")
        return value

    def mapping(self) -> Value:
        attributes: dict[str, Value] = {}
        while True:
            event = self.next()
            if isinstance(event, yaml.MappingEndEvent):
                return object_of(attributes)
            if not isinstance(event, yaml.ScalarEvent):
                raise FunctionError("only strings are allowed as mapping keys")
            plain = event.implicit[0]
            if event.tag is None and not plain:
                key: Any = _text(event.value)
            else:
                key = _resolve_scalar(event.tag or "", event.value, event.style is None or event.style == "")
            if key is _MERGE:
                merged = self.value(self.next())
                if merged is _MERGE or not isinstance(merged.type, ObjectType):
                    raise FunctionError("cannot merge a non-mapping into mapping")
                attributes.update(merged.attributes())
                continue
            if key.is_null:
                raise FunctionError("mapping key cannot be null")
            if key.type == NUMBER:
                key = _text(number_to_string(key.raw))
            elif key.type == BOOL:
                key = _text("true" if key.raw else "false")
            attributes[key.raw] = self._checked(self.value(self.next()))


@function("yamldecode", [Param("src", STRING)], returns=DYNAMIC)
def _yamldecode(context: CallContext, args: Sequence[Value]) -> Value:
    source = args[0].raw or "\n"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        events = list(yaml.parse(source, Loader=loader))
    except yaml.YAMLError as error:
        raise FunctionError(f"invalid YAML: {error}") from None
    reader = _YamlReader(events)
    try:
        if not isinstance(reader.next(), yaml.StreamStartEvent):
            raise FunctionError("missing stream start token")
        if not isinstance(reader.next(), yaml.DocumentStartEvent):
            raise FunctionError("missing start of document")
        result = reader._checked(reader.value(reader.next()))
        closing = reader.next()
        if isinstance(closing, yaml.DocumentStartEvent):
            raise FunctionError("only a single document is allowed")
        if not isinstance(closing, yaml.DocumentEndEvent):
            raise FunctionError("unexpected extra content after value")
        if not isinstance(reader.next(), yaml.StreamEndEvent):
            raise FunctionError("only a single document is allowed")
    except _YamlUnsupported as reason:
        return unknown(DYNAMIC, f"yamldecode(): {reason} is not evaluated by mlmarket")
    except RecursionError:
        raise FunctionError("YAML nested too deeply") from None
    return result


def _yaml_events(value: Value, events: list[Any]) -> None:
    raw = value.raw
    if raw is None:
        events.append(yaml.ScalarEvent(None, None, (True, True), "null", style=None))
    elif isinstance(raw, bool):
        events.append(yaml.ScalarEvent(None, None, (True, True), "true" if raw else "false", style=None))
    elif isinstance(raw, (int, Fraction)):
        events.append(yaml.ScalarEvent(None, None, (True, True), number_to_string(raw), style=None))
    elif isinstance(raw, str):
        style = "|" if "\n" in raw else '"'
        events.append(yaml.ScalarEvent(None, None, (True, True), raw, style=style))
    elif isinstance(raw, tuple):
        events.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in raw:
            _yaml_events(item, events)
        events.append(yaml.SequenceEndEvent())
    else:
        events.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key in sorted(raw):
            _yaml_events(Value(STRING, key), events)
            _yaml_events(raw[key], events)
        events.append(yaml.MappingEndEvent())


@function("yamlencode", [Param("value", DYNAMIC, allow_null=True, allow_unknown=True)], returns=STRING)
def _yamlencode(context: CallContext, args: Sequence[Value]) -> Value:
    value = args[0]
    if not value.is_wholly_known:
        return unknown_from([value, *_unknowns(value)], STRING)
    events: list[Any] = [yaml.StreamStartEvent(encoding="utf-8"), yaml.DocumentStartEvent(explicit=False)]
    _yaml_events(value, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    try:
        output = yaml.emit(events, Dumper=dumper, allow_unicode=True)
    except yaml.YAMLError as error:
        raise FunctionError(f"cannot encode as YAML: {error}") from None
    if isinstance(output, bytes):
        output = output.decode("utf-8")
    if value.is_null or isinstance(value.raw, (bool, int, Fraction)):
        output += "...\n"  # go-yaml ends a document that is a lone plain scalar explicitly
    return _text(output)


# Types referenced for callers that build JSON-shaped values.
__all__ = ["ListType", "MapType", "SetType", "TupleType", "Type", "go_base64_decode", "json_marshal", "json_string"]
