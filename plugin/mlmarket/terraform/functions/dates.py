"""Date and time functions: formatdate, timeadd, timecmp (RFC 3339 timestamps, as go-cty and Terraform parse
them), and timestamp() and plantimestamp(), which mlmarket cannot know (Terraform: timestamp() is unknown at plan
time; plantimestamp() is the time the plan was made)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import NUMBER, STRING, Value, int64_number, unknown

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Moment:
    """A point in time with Go's nanosecond resolution and the UTC offset it was written with."""

    seconds: int  # since the Unix epoch
    nanos: int
    offset: int  # seconds east of UTC

    def local(self) -> Civil:
        days, rest = divmod(self.seconds + self.offset, 86400)
        year, month, day = _civil(days)
        return Civil(year, month, day, rest // 3600, rest % 3600 // 60, rest % 60, (days + 3) % 7)


@dataclass(frozen=True)
class Civil:
    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    weekday_index: int  # Monday is 0

    def weekday(self) -> int:
        return self.weekday_index


def _civil(days: int) -> tuple[int, int, int]:
    """The proleptic Gregorian date of a day number (days since 1970-01-01), any year."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    year = year_of_era + era * 400
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return (year + 1 if month <= 2 else year), month, day


_STRICT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})"
)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _moment(year: int, month: int, day: int, hour: int, minute: int, second: int, fraction: str | None,
            zone: str) -> Moment:
    offset = 0
    if zone != "Z":
        offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * 60 * (-1 if zone[0] == "-" else 1)
    nanos = int((fraction or "0")[:9].ljust(9, "0"))
    local = datetime(year, month, day, hour, minute, second)
    seconds = int((local - _EPOCH.replace(tzinfo=None)).total_seconds()) - offset
    return Moment(seconds, nanos, offset)


def parse_strict(text: str) -> Moment:
    """go-cty's parseStrictRFC3339."""
    match = _STRICT.fullmatch(text)
    if not match:
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(month, year) or hour > 23 or minute > 59 or second > 59:
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    zone = match.group(8)
    if zone != "Z" and (int(zone[1:3]) > 23 or int(zone[4:6]) > 59):
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    return _moment(year, month, day, hour, minute, second, match.group(7), zone)


_LENIENT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})"
)


def parse_go_rfc3339(text: str) -> Moment:
    """Go's time.Parse(time.RFC3339, text) (timecmp): a one-digit hour and a comma before the fraction pass."""
    match = _LENIENT.fullmatch(text)
    if not match:
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(month, year) or hour > 23 or minute > 59 or second > 59:
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    zone = match.group(8)
    if zone != "Z" and (int(zone[1:3]) > 24 or int(zone[4:6]) > 60):  # Go's time.Parse allows 24:00 and :60
        raise FunctionError(f"not a valid RFC3339 timestamp: {text!r}")
    return _moment(year, month, day, hour, minute, second, match.group(7), zone)


def _zone(offset: int, colon: bool, z: bool) -> str:
    if offset == 0 and z:
        return "Z"
    sign = "-" if offset < 0 else "+"
    minutes = abs(offset) // 60
    return f"{sign}{minutes // 60:02d}{':' if colon else ''}{minutes % 60:02d}"


def _year(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def format_rfc3339(moment: Moment) -> str:
    t = moment.local()
    return (f"{_year(t.year)}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
            + _zone(moment.offset, True, True))


_UNITS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
          "h": 3600 * 10**9}


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds."""
    original = text
    negative = False
    if text[:1] in ("-", "+"):
        negative = text[0] == "-"
        text = text[1:]
    if text == "0":
        return 0
    if not text:
        raise FunctionError(f"time: invalid duration {original!r}")
    total = 0
    while text:
        if not (text[0] == "." or (text[0].isascii() and text[0].isdigit())):
            raise FunctionError(f"time: invalid duration {original!r}")
        match = re.match(r"[0-9]*", text)
        assert match is not None
        whole_digits = match.group(0)
        text = text[len(whole_digits) :]
        whole = int(whole_digits) if whole_digits else 0
        if whole > 2**63:
            raise FunctionError(f"time: invalid duration {original!r}")
        fraction, scale, post = 0, 1.0, False
        if text.startswith("."):
            text = text[1:]
            match = re.match(r"[0-9]*", text)
            assert match is not None
            digits = match.group(0)
            text = text[len(digits) :]
            post = bool(digits)
            overflow = False
            for digit in digits:
                if overflow:
                    continue
                if fraction > (2**63 - 1) // 10:
                    overflow = True
                    continue
                candidate = fraction * 10 + int(digit)
                if candidate > 2**63:
                    overflow = True
                    continue
                fraction = candidate
                scale *= 10
        if not whole_digits and not post:
            raise FunctionError(f"time: invalid duration {original!r}")
        unit_match = re.match(r"[^0-9.]*", text)
        assert unit_match is not None
        unit_text = unit_match.group(0)
        if not unit_text:
            raise FunctionError(f"time: missing unit in duration {original!r}")
        text = text[len(unit_text) :]
        if unit_text not in _UNITS:
            raise FunctionError(f"time: unknown unit {unit_text!r} in duration {original!r}")
        unit = _UNITS[unit_text]
        if whole > 2**63 // unit:
            raise FunctionError(f"time: invalid duration {original!r}")
        value = whole * unit
        if fraction > 0:
            value += int(float(fraction) * (float(unit) / scale))
            if value > 2**63:
                raise FunctionError(f"time: invalid duration {original!r}")
        total += value
        if total > 2**63:
            raise FunctionError(f"time: invalid duration {original!r}")
    if negative:
        return -total
    if total > 2**63 - 1:
        raise FunctionError(f"time: invalid duration {original!r}")
    return total


def _ts(name: str) -> Param:
    return Param(name, STRING)


@function("timeadd", [_ts("timestamp"), Param("duration", STRING)], returns=STRING)
def _timeadd(context: CallContext, args: Sequence[Value]) -> Value:
    moment = parse_strict(args[0].raw)
    nanos = moment.nanos + parse_duration(args[1].raw)
    seconds, nanos = divmod(nanos, 10**9)
    return Value(STRING, format_rfc3339(Moment(moment.seconds + seconds, nanos, moment.offset)))


@function("timecmp", [_ts("timestamp_a"), _ts("timestamp_b")], returns=NUMBER)
def _timecmp(context: CallContext, args: Sequence[Value]) -> Value:
    a = parse_go_rfc3339(args[0].raw)
    b = parse_go_rfc3339(args[1].raw)
    key_a, key_b = (a.seconds, a.nanos), (b.seconds, b.nanos)
    return Value(NUMBER, int64_number((key_a > key_b) - (key_a < key_b)))


@function("formatdate", [Param("format", STRING), _ts("time")], returns=STRING)
def _formatdate(context: CallContext, args: Sequence[Value]) -> Value:
    moment = parse_strict(args[1].raw)
    local = moment.local()
    out = []
    for token in _date_tokens(args[0].raw):
        first = token[0]
        if first == "'":
            if len(token) == 1 or token[-1] != "'":
                raise FunctionError("unterminated literal '")
            out.append("'" if len(token) == 2 else token[1:-1].replace("''", "'"))
        elif first.isascii() and first.isalpha():
            out.append(_verb(token, local, moment.offset))
        else:
            out.append(token)
    return Value(STRING, "".join(out))


def _date_tokens(text: str) -> list[str]:
    tokens = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "'":
            if text.startswith("''", i):
                tokens.append("''")
                i += 2
                continue
            j = i + 1
            while j < len(text):
                if text[j] == "'":
                    if text.startswith("''", j):
                        j += 2
                        continue
                    break
                j += 1
            tokens.append(text[i : j + 1])
            i = j + 1
        elif c.isascii() and c.isalpha():
            j = i
            while j < len(text) and text[j] == c:
                j += 1
            tokens.append(text[i:j])
            i = j
        else:
            j = i + 1
            while j < len(text) and text[j] != "'" and not (text[j].isascii() and text[j].isalpha()):
                j += 1
            tokens.append(text[i:j])
            i = j
    return tokens


def _verb(token: str, local: Civil, offset: int) -> str:
    kind, size = token[0], len(token)
    forms: dict[str, dict[int, str]] = {
        "Y": {2: f"{local.year % 100:02d}", 4: _year(local.year)},
        "M": {1: str(local.month), 2: f"{local.month:02d}", 3: _MONTHS[local.month - 1][:3],
              4: _MONTHS[local.month - 1]},
        "D": {1: str(local.day), 2: f"{local.day:02d}"},
        "E": {3: _DAYS[local.weekday()][:3], 4: _DAYS[local.weekday()]},
        "h": {1: str(local.hour), 2: f"{local.hour:02d}"},
        "H": {1: str(local.hour % 12 or 12), 2: f"{local.hour % 12 or 12:02d}"},
        "A": {2: "AM" if local.hour < 12 else "PM"},
        "a": {2: "am" if local.hour < 12 else "pm"},
        "m": {1: str(local.minute), 2: f"{local.minute:02d}"},
        "s": {1: str(local.second), 2: f"{local.second:02d}"},
        "Z": {1: _zone(offset, True, True), 3: "UTC" if offset == 0 else _zone(offset, False, False),
              4: _zone(offset, False, False), 5: _zone(offset, True, False)},
    }
    if kind not in forms or size not in forms[kind]:
        raise FunctionError(f"invalid date format verb {token!r}")
    return forms[kind][size]


@function("timestamp", returns=STRING)
def _timestamp(context: CallContext, args: Sequence[Value]) -> Value:
    return unknown(STRING, "timestamp() is the time of apply: Terraform knows it only after apply")


@function("plantimestamp", returns=STRING)
def _plantimestamp(context: CallContext, args: Sequence[Value]) -> Value:
    return unknown(STRING, "plantimestamp() is the time the plan is made, which a scan does not know")
