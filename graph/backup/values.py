"""Property values in a backup file: Neo4j values ↔ JSON, and the check that a value
read from a file is one Neo4j will store exactly as written.

Values that JSON cannot carry as they are (temporal values, points, byte arrays,
non-finite floats) are tagged objects such as `{"$t": "date", "v": "2016-11-03"}`;
property values are never maps in Neo4j, so an object is always a tag.

A file's value is accepted only in the form the export writes (`encode_value` of the
decoded value gives it back unchanged) and only if Neo4j can store it: no nulls, integers
in 64 bits, text that is valid Unicode, lists of one kind of simple value, points of
2 or 3 coordinates. So a checked file cannot fail in Neo4j for a value, and its content
hash (computed from these forms) is the hash of what a restore writes.
"""

from __future__ import annotations

import base64
import math
import re
from datetime import timezone
from typing import Any, Final

import neo4j.time as nt
import pytz
from neo4j.spatial import CartesianPoint, Point, WGS84Point

#: Labels, relationship types and property keys a backup may carry: what the
#: application's own names look like (names are passed as `$(…)` parameters, never
#: spliced, so this is about not creating names the application could never make).
NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")

INT64: Final = range(-(2**63), 2**63)
#: Coordinate reference systems by srid: (point type, dimensions).
_CRS: Final[dict[int, tuple[type[Point], int]]] = {
    4326: (WGS84Point, 2),
    4979: (WGS84Point, 3),
    7203: (CartesianPoint, 2),
    9157: (CartesianPoint, 3),
}


def _zone_name(tz: object) -> str | None:
    for attr in ("zone", "key"):  # pytz, zoneinfo
        name = getattr(tz, attr, None)
        if isinstance(name, str) and name:
            return name
    return None


def encode_value(value: Any) -> Any:
    """A Neo4j property value → a JSON value (tagged where JSON has no such type).
    Raises `ValueError` for a value no backup can carry."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {
            "$t": "float",
            "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"),
        }
    if isinstance(value, nt.DateTime):
        if value.tzinfo is None:
            return {"$t": "localdatetime", "v": value.iso_format()}
        return {"$t": "datetime", "v": value.iso_format(), "zone": _zone_name(value.tzinfo)}
    if isinstance(value, nt.Date):
        return {"$t": "date", "v": value.iso_format()}
    if isinstance(value, nt.Time):
        if value.tzinfo is None:
            return {"$t": "localtime", "v": value.iso_format()}
        return {"$t": "time", "v": value.iso_format()}
    if isinstance(value, nt.Duration):
        return {
            "$t": "duration",
            "months": value.months,
            "days": value.days,
            "seconds": value.seconds,
            "nanoseconds": value.nanoseconds,
        }
    if isinstance(value, Point):
        return {"$t": "point", "srid": value.srid, "coordinates": [float(c) for c in value]}
    # After the temporal and spatial types: Duration and Point are tuples too.
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return {"$t": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    raise ValueError(f"a property value of type {type(value).__name__} cannot be exported")


def decode_value(value: Any) -> Any:
    """The inverse of `encode_value`: JSON → a value the driver sends as the same type."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        raise ValueError(f"unexpected JSON value {value!r}")
    tag = value.get("$t")
    if tag == "float":
        return float(value["v"])
    if tag == "localdatetime":
        parsed = nt.DateTime.from_iso_format(value["v"])
        if parsed.tzinfo is not None:
            raise ValueError("a localdatetime must not carry an offset")
        return parsed
    if tag == "datetime":
        parsed = nt.DateTime.from_iso_format(value["v"])
        if parsed.tzinfo is None:
            raise ValueError("a datetime needs an offset")
        zone = value.get("zone")
        if zone:
            # pytz, as the driver hydrates zone ids: zoneinfo's C code reads a
            # neo4j.time.DateTime as if it were a datetime (wrong offsets, segfaults).
            try:
                return parsed.astimezone(pytz.timezone(zone))
            except pytz.UnknownTimeZoneError as e:
                raise ValueError(f"unknown time zone {zone!r}") from e
        offset = parsed.utcoffset()
        assert offset is not None
        return parsed.replace(tzinfo=timezone(offset))
    if tag == "date":
        return nt.Date.from_iso_format(value["v"])
    if tag in ("time", "localtime"):
        parsed_time = nt.Time.from_iso_format(value["v"])
        if (parsed_time.tzinfo is None) != (tag == "localtime"):
            raise ValueError(
                f"a {tag} {'must not carry' if tag == 'localtime' else 'needs'} an offset"
            )
        return parsed_time
    if tag == "duration":
        return nt.Duration(
            months=int(value["months"]),
            days=int(value["days"]),
            seconds=int(value["seconds"]),
            nanoseconds=int(value["nanoseconds"]),
        )
    if tag == "point":
        srid = int(value["srid"])
        coordinates = [float(c) for c in value["coordinates"]]
        point_type = WGS84Point if srid in (4326, 4979) else CartesianPoint
        return point_type(coordinates)
    if tag == "bytes":
        return bytearray(base64.b64decode(value["v"], validate=True))
    raise ValueError(f"unknown value tag {tag!r}")


def encode_properties(props: dict[str, Any]) -> dict[str, Any]:
    return {k: encode_value(v) for k, v in props.items()}


def _kind(value: Any) -> str:
    """What Neo4j stores a (decoded) value as; raises `ValueError` if it stores none."""
    if value is None:
        raise ValueError("null is not a property value (Neo4j removes the property)")
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if value not in INT64:
            raise ValueError(f"integer {value} does not fit in 64 bits")
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"text is not valid Unicode ({e.reason})") from e
        return "string"
    if isinstance(value, nt.Duration):
        if any(part not in INT64 for part in (value.months, value.days, value.seconds)):
            raise ValueError("a duration component does not fit in 64 bits")
        return "duration"
    if isinstance(value, Point):
        crs = None if value.srid is None else _CRS.get(value.srid)
        if crs is None or not isinstance(value, crs[0]) or len(value) != crs[1]:
            raise ValueError(f"a point with srid {value.srid} and {len(value)} coordinates")
        return f"point {value.srid}"
    if isinstance(value, nt.DateTime | nt.Time):
        return type(value).__name__ + ("" if value.tzinfo is None else " zoned")
    if isinstance(value, nt.Date):
        return "date"
    if isinstance(value, bytearray):
        return "bytes"
    raise ValueError(f"a value of type {type(value).__name__}")


def check_value(value: Any) -> Any:
    """A property value as read from a file (JSON) → the value to write; raises
    `ValueError` unless it is in the export's own form and Neo4j stores it as it is."""
    try:
        decoded = decode_value(value)
        if isinstance(decoded, list):
            kinds = {_kind(v) for v in decoded}
            if len(kinds) > 1:
                raise ValueError(f"a list mixes {', '.join(sorted(kinds))}")
            if kinds & {"bytes"}:
                raise ValueError("a list of byte arrays")
        else:
            _kind(decoded)
        canonical = encode_value(decoded)
    except ValueError:
        raise
    except (TypeError, KeyError, AttributeError, OverflowError, ArithmeticError) as e:
        raise ValueError(f"malformed value {_short(value)} ({type(e).__name__}: {e})") from e
    if canonical != value or not _same_types(canonical, value):
        raise ValueError(f"{_short(value)} is not in the form an export writes")
    return decoded


def _same_types(a: Any, b: Any) -> bool:
    """`==` says 1 == 1.0 == True; a file must not turn one into the other."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    return True


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["NAME", "check_value", "decode_value", "encode_properties", "encode_value"]
