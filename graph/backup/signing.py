"""The keyed MAC of a backup file (HMAC-SHA256 with a key the operator holds).

A signed backup's last line is `{"kind":"mac","mac":"<64 hex digits>"}`: the HMAC of
every byte before it, so the header, every node and relationship line and the end line
are covered byte for byte; nothing can be changed, added, removed, reordered or cut off
without the key. The header names the key by its id (an HMAC of a fixed text, which
says nothing about the key) so that a file made with another key is refused as such.
The MAC is checked over the raw bytes before any line is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import BinaryIO, Final

ALGORITHM: Final = "HMAC-SHA256"
MIN_KEY_BYTES: Final = 32
_KEY_ID_TEXT: Final = b"koostoo-backup key id, v1"
#: A MAC line is about 90 bytes; the tail read to find it.
_TAIL: Final = 4096
_CHUNK: Final = 1 << 20


class SignatureError(ValueError):
    """The file's MAC is missing, malformed or wrong."""


def check_key(key: bytes) -> None:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"a backup key needs at least {MIN_KEY_BYTES} bytes, got {len(key)}")


def key_id(key: bytes) -> str:
    """A short public name for a key: whether two keys are the same, nothing more."""
    return hmac.new(key, _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


class Signer:
    """Writes lines to a binary file and keeps the HMAC of everything written."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        check_key(key)
        self.out = out
        self.mac = hmac.new(key, digestmod=hashlib.sha256)

    def write(self, line: bytes) -> None:
        self.mac.update(line)
        self.out.write(line)

    def finish(self) -> None:
        """Write the MAC line: nothing may follow it."""
        self.out.write(mac_line(self.mac.hexdigest()))


def mac_line(mac: str) -> bytes:
    return json.dumps({"kind": "mac", "mac": mac}, separators=(",", ":")).encode() + b"\n"


def last_line(f: BinaryIO) -> tuple[int, bytes]:
    """The file's last line (up to `_TAIL` bytes of it) and the offset where it starts."""
    size = f.seek(0, 2)
    start = max(0, size - _TAIL)
    f.seek(start)
    tail = f.read()
    if not tail.endswith(b"\n"):
        # Every line the export writes ends with a newline: this is a cut-off file.
        cut = tail.rfind(b"\n") + 1
        return start + cut, tail[cut:]
    cut = tail.rfind(b"\n", 0, len(tail) - 1) + 1
    if cut == 0 and start > 0:
        return size, b""  # a last line longer than any MAC line
    return start + cut, tail[cut:]


def signed_mac(line: bytes) -> str | None:
    """The MAC a last line carries, or None if it is no MAC line."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or obj.get("kind") != "mac":
        return None
    mac = obj.get("mac")
    if set(obj) != {"kind", "mac"} or not isinstance(mac, str) or line != mac_line(mac):
        raise SignatureError("the MAC line is malformed")
    return mac


def verify(f: BinaryIO, key: bytes, end: int, claimed: str) -> None:
    """Check `claimed` against the HMAC of the file's first `end` bytes."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    f.seek(0)
    left = end
    while left:
        chunk = f.read(min(_CHUNK, left))
        if not chunk:
            raise SignatureError("the file changed while it was read")
        mac.update(chunk)
        left -= len(chunk)
    if not hmac.compare_digest(mac.hexdigest(), claimed):
        raise SignatureError("the MAC does not match")


__all__ = [
    "ALGORITHM",
    "MIN_KEY_BYTES",
    "SignatureError",
    "Signer",
    "check_key",
    "key_id",
    "last_line",
    "signed_mac",
    "verify",
]
