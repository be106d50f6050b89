"""Hash and UUID functions. md5, sha1, sha256, sha512 and uuidv5 are computed; uuid() and bcrypt() are impure
(Terraform makes them unknown at plan time), and rsadecrypt needs RSA decryption that the standard library lacks:
their results are unknown, with the reason."""

from __future__ import annotations

import hashlib
import re
import uuid as uuid_module
from collections.abc import Sequence

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import NUMBER, STRING, Value, unknown

_S = Param("str", STRING)


def _hash(name: str, digest: str) -> None:
    @function(name, [_S], returns=STRING)
    def implementation(context: CallContext, args: Sequence[Value]) -> Value:
        return Value(STRING, hashlib.new(digest, args[0].raw.encode("utf-8")).hexdigest())


for _name in ("md5", "sha1", "sha256", "sha512"):
    _hash(_name, _name)

_NAMESPACES = {
    "dns": uuid_module.NAMESPACE_DNS,
    "url": uuid_module.NAMESPACE_URL,
    "oid": uuid_module.NAMESPACE_OID,
    "x500": uuid_module.NAMESPACE_X500,
}
_UUID_FORMS = re.compile(
    r"(?:urn:uuid:)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}"
    r"|([0-9a-fA-F]{32})"
)


def _parse_uuid(text: str) -> uuid_module.UUID | None:
    """github.com/google/uuid's Parse: 36 characters, urn:uuid: prefix, braces or 32 hex digits."""
    match = _UUID_FORMS.fullmatch(text)
    if not match:
        return None
    if text.lower().startswith("urn:uuid:") and not text.startswith("urn:uuid:"):
        return None
    return uuid_module.UUID(next(group for group in match.groups() if group))


@function("uuidv5", [Param("namespace", STRING), Param("name", STRING)], returns=STRING)
def _uuidv5(context: CallContext, args: Sequence[Value]) -> Value:
    namespace = _NAMESPACES.get(args[0].raw) or _parse_uuid(args[0].raw)
    if namespace is None:
        raise FunctionError(f"uuidv5() doesn't support namespace {args[0].raw}")
    digest = hashlib.sha1(namespace.bytes + args[1].raw.encode("utf-8")).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    return Value(STRING, str(uuid_module.UUID(bytes=bytes(raw))))


@function("uuid", returns=STRING)
def _uuid(context: CallContext, args: Sequence[Value]) -> Value:
    return unknown(STRING, "uuid() is random: Terraform knows it only after apply")


@function("bcrypt", [_S], variadic=Param("cost", NUMBER), returns=STRING)
def _bcrypt(context: CallContext, args: Sequence[Value]) -> Value:
    # Terraform plans impure functions as unknown without calling them: even a wrong cost is not an error yet.
    return unknown(STRING, "bcrypt() uses a random salt: Terraform knows it only after apply")


@function("rsadecrypt", [Param("ciphertext", STRING), Param("privatekey", STRING)], returns=STRING)
def _rsadecrypt(context: CallContext, args: Sequence[Value]) -> Value:
    from mlmarket.terraform.functions.encoding import go_base64_decode

    if go_base64_decode(args[0].raw) is None:
        raise FunctionError("failed to decode input: cipher text must be base64-encoded", 0)
    if not re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----", args[1].raw):
        raise FunctionError("invalid private key: ssh: no key found", 1)
    return unknown(STRING, "rsadecrypt() needs RSA decryption, which mlmarket does not evaluate")
