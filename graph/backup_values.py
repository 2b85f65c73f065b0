"""Property values in a backup file: Neo4j values ↔ JSON.

Values that JSON cannot carry as they are (temporal values, points, byte arrays,
non-finite floats) are tagged objects such as `{"$t": "date", "v": "2016-11-03"}`;
property values are never maps in Neo4j, so an object is always a tag.
"""

from __future__ import annotations

import base64
import math
from datetime import timezone
from typing import Any

import neo4j.time as nt
import pytz
from neo4j.spatial import CartesianPoint, Point, WGS84Point


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


__all__ = ["decode_value", "encode_properties", "encode_value"]
