"""IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets (Terraform's funcs with go-cidr v1.1.0 and
Terraform's ipaddr, the net package of Go 1.16 that still reads IPv4 octets with leading zeros as decimal)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import NUMBER, STRING, ListType, Value, list_of, unknown

_PREFIX = Param("prefix", STRING)


def _parse_cidr(text: str) -> tuple[int, int, int]:
    """(network address as int, prefix length, address bits) of a CIDR, the address masked."""
    address, slash, length_text = text.partition("/")
    if not slash or not re.fullmatch(r"[0-9]+", length_text) or len(length_text) > 3:
        raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}")
    length = int(length_text)
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", address):
        octets = [int(part) for part in address.split(".")]
        if any(octet > 255 for octet in octets):
            raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}")
        value, bits = int.from_bytes(bytes(octets), "big"), 32
    else:
        if "." in address and address.count(":") < 2:
            raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}")
        if "%" in address:
            raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}")
        try:
            value, bits = int(ipaddress.IPv6Address(address)), 128
        except ValueError:
            raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}") from None
    if length > bits:
        raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {text}")
    mask = ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return value & mask, length, bits


def _ip_text(value: int, bits: int) -> str:
    if bits == 32:
        return str(ipaddress.IPv4Address(value))
    address = ipaddress.IPv6Address(value)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.compressed


def _big_int(value: Value, what: str) -> int:
    if not isinstance(value.raw, int):
        raise FunctionError(f"invalid {what}: value must be a whole number")
    return value.raw


def _go_int(value: Value, what: str) -> int:
    raw = _big_int(value, what)
    if not -(2**63) <= raw < 2**63:
        raise FunctionError(f"invalid {what}: value must be a whole number, between -2^63 and 2^63-1")
    return raw


def _insert(network: int, number: int, shift: int, bits: int) -> int:
    """go-cidr's insertNumIntoIP: network | number << shift, then big.Int.Bytes() (the magnitude)."""
    combined = abs(network | (number << shift))
    if combined.bit_length() > bits:
        raise FunctionError("the number does not fit the address")
    return combined


@function("cidrhost", [_PREFIX, Param("hostnum", NUMBER)], returns=STRING)
def _cidrhost(context: CallContext, args: Sequence[Value]) -> Value:
    number = _big_int(args[1], "hostnum")
    network, length, bits = _parse_cidr(args[0].raw)
    maximum = (1 << (bits - length)) - 1
    low = number & (2**64 - 1)
    check = low - 2**64 if low >= 2**63 else low
    if number < 0:
        check = -number - 1
        number = maximum - check
    if check > maximum:
        raise FunctionError(f"prefix of {length} does not accommodate a host numbered {number}")
    shift = 96 if _mapped(network, bits) else 0  # go-cidr: an IPv4-mapped address counts as 32 bits long
    return Value(STRING, _ip_text(_insert(network, number, shift, bits), bits))


@function("cidrnetmask", [_PREFIX], returns=STRING)
def _cidrnetmask(context: CallContext, args: Sequence[Value]) -> Value:
    network, length, bits = _parse_cidr(args[0].raw)
    if bits != 32 and not _mapped(network, bits):
        raise FunctionError(f"IPv6 addresses cannot have a netmask: {args[0].raw}")
    mask = ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return Value(STRING, str(ipaddress.IPv4Address(mask)) if bits == 32 else ipaddress.IPv6Address(mask).compressed)


def _mapped(value: int, bits: int) -> bool:
    return bits == 128 and value >> 32 == 0xFFFF


def _net_text(address: int, length: int, bits: int) -> str:
    """net.IPNet.String(): an IPv4-mapped address prints as IPv4 with the last 32 bits of its mask."""
    if length < 0:
        return "<nil>"
    if _mapped(address, bits):
        return f"{_ip_text(address, bits)}/{max(length - 96, 0)}"
    return f"{_ip_text(address, bits)}/{length}"


@function("cidrsubnet", [_PREFIX, Param("newbits", NUMBER), Param("netnum", NUMBER)], returns=STRING)
def _cidrsubnet(context: CallContext, args: Sequence[Value]) -> Value:
    newbits = _go_int(args[1], "newbits")
    number = _big_int(args[2], "netnum")
    network, length, bits = _parse_cidr(args[0].raw)
    new_length = length + newbits
    if new_length > bits:
        raise FunctionError(f"insufficient address space to extend prefix of {length} by {newbits}")
    # go-cidr v1.1.0: uint64(1<<uint64(newBits)) - 1 against num.Uint64() (a negative newbits shifts by >= 64)
    maximum = ((1 << newbits) - 1) % 2**64 if 0 <= newbits < 64 else 2**64 - 1
    if abs(number) % 2**64 > maximum:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {number}")
    address = _insert(network, number, bits - new_length, bits)
    return Value(STRING, _net_text(address, new_length, bits))


def _masked(value: int, length: int, bits: int) -> int:
    return value & (((1 << bits) - 1) ^ ((1 << (bits - length)) - 1))


@function("cidrsubnets", [_PREFIX], variadic=Param("newbits", NUMBER), returns=ListType(STRING))
def _cidrsubnets(context: CallContext, args: Sequence[Value]) -> Value:
    network, start_length, bits = _parse_cidr(args[0].raw)
    if _mapped(network, bits):
        return unknown(ListType(STRING), "cidrsubnets() of an IPv4-mapped IPv6 prefix is not evaluated by mlmarket")
    lengths = args[1:]
    if not lengths:
        return list_of(STRING, [])
    first = _go_int(lengths[0], "newbits") + start_length
    size = 1 << bits
    # go-cidr's PreviousSubnet: the subnet of the first length just below the network.
    current_address = _masked((network - 1) % size, first, bits) if 0 <= first <= bits else 0
    current_length = first
    results = []
    network_end = network | ((1 << (bits - start_length)) - 1)
    for index, value in enumerate(lengths):
        length = _go_int(value, "newbits")
        if length < 1:
            raise FunctionError("must extend prefix by at least one bit", index + 1)
        if length > 32:
            raise FunctionError("may not extend prefix by more than 32 bits", index + 1)
        length += start_length
        if length > bits:
            raise FunctionError(f"would extend prefix to {length} bits, which is too long", index + 1)
        # go-cidr's NextSubnet
        current_last = current_address | ((1 << (bits - current_length)) - 1) if current_length <= bits else 0
        subnet = _masked(current_last, length, bits)
        last = (subnet | ((1 << (bits - length)) - 1)) + 1
        rollover = last >= size
        last %= size
        following = _masked(last, length, bits)
        if rollover or not network <= following <= network_end:
            raise FunctionError(f"not enough remaining address space for a subnet with a prefix of {length} bits",
                                index + 1)
        current_address, current_length = following, length
        results.append(Value(STRING, f"{_ip_text(following, bits)}/{length}"))
    return list_of(STRING, results)
