"""How Python values stand for Go values in a template: structs, maps, times.

Plain Python data maps onto Go's kinds: ``str`` string, ``bool`` bool, ``int``
int, ``float`` float64, ``list``/``tuple`` a slice, ``dict`` a map (missing keys
give "no value", as Go's maps do), ``None`` nil. Two wrappers add what plain
data cannot say: :class:`Struct` (a fixed set of fields in order: an unknown
field is an error, as on a Go struct), :class:`GoTime` (prints as Go's
``time.Time`` does) and :class:`GoDuration` (a ``time.Duration``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

    Function = Callable[..., Any]


class _Missing:
    """Go's invalid reflect.Value: a map's missing key; prints ``<no value>``."""

    _instance: _Missing | None = None

    def __repr__(self) -> str:
        return "<no value>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class GoNil:
    """What Go's nil slices and maps share: json writes ``null`` for them."""

    __slots__ = ()


class NilSlice(list["Any"], GoNil):  # quoted: typing is not loaded at run time
    """Go's nil slice: empty to a template (prints ``[]``, ranges over nothing, has
    len 0) but ``null`` to json, where an empty slice is ``[]``."""


class NilMap(Mapping["Any", "Any"], GoNil):
    """Go's nil map: empty to a template (prints ``map[]``, ranges over nothing, a key
    in it has no value) but ``null`` to json, where an empty map is ``{}``. podman's
    reports hold one where nothing set the map (an imported image's ``Labels``)."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "NilMap()"


class Struct(Mapping[str, "Any"]):
    """A Go struct value: named fields in declaration order.

    ``type_name`` is what Go's errors call the type
    (``*define.InspectContainerData``). A field holding a callable is a method:
    ``{{.Label "k"}}`` calls it with the arguments.
    """

    __slots__ = ("_fields", "json_names", "shown_type", "type_name")

    def __init__(
        self,
        type_name: str,
        fields: Mapping[str, Any],
        json_names: Mapping[str, str] | None = None,
    ) -> None:
        self.type_name = type_name
        # the type Go's errors name, where it is not the struct's own: a struct held in
        # an interface{} (podman's inspect of any kind) is "interface {}" to them
        self.shown_type: str | None = None
        self._fields = dict(fields)
        # Go's `json:"name"` tags: the key a field marshals under, when not its name
        # (",omitempty" after it: left out when empty, as encoding/json does).
        self.json_names = json_names or {}

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Struct({self.type_name!r}, {self._fields!r})"

    def data_fields(self) -> Iterator[tuple[str, Any]]:
        """The fields that are data (methods are not printed or marshalled)."""
        return ((k, v) for k, v in self._fields.items() if not callable(v))


@dataclasses.dataclass(frozen=True)
class Addressed:
    """A Go value whose String method has a pointer receiver (podman's ``types.IPNet``).

    A template prints such a field through String (text/template takes the address
    of what it prints): ``text``. fmt, printing it inside another value or as an
    operand of ``print``, cannot, and shows its fields: ``inner``. JSON has ``text``
    (its MarshalText).
    """

    type_name: str
    text: str
    inner: Any


@dataclasses.dataclass(frozen=True)
class GoTime:
    """A point in time that prints as Go's ``time.Time`` and marshals as RFC 3339."""

    value: datetime
    # Go keeps nanoseconds, datetime stops at microseconds: the 0-999 below them
    extra_ns: int = 0

    def _fraction(self, t: datetime) -> str:
        nanos = t.microsecond * 1000 + self.extra_ns
        return f".{nanos:09d}".rstrip("0") if nanos else ""

    def __str__(self) -> str:
        """``2026-12-03 13:48:37.366114 +0000 UTC`` (Go's Time.String)."""
        t = self.value if self.value.tzinfo else self.value.replace(tzinfo=timezone.utc)
        frac = self._fraction(t)
        offset = t.strftime("%z") or "+0000"
        zone = t.tzname() or ""
        if zone in ("", "UTC+00:00"):
            zone = "UTC"
        return f"{t.year:04d}-{t:%m-%d %H:%M:%S}{frac} {offset} {zone}"

    def rfc3339(self) -> str:
        """``2026-12-03T13:48:37.366114Z`` (Go's JSON form, RFC 3339 with fractions)."""
        t = self.value if self.value.tzinfo else self.value.replace(tzinfo=timezone.utc)
        frac = self._fraction(t)
        off = t.utcoffset()
        if not off:
            zone = "Z"
        else:
            zone = t.strftime("%z")
            zone = zone[:3] + ":" + zone[3:]
        return f"{t.year:04d}-{t:%m-%dT%H:%M:%S}{frac}{zone}"

    @classmethod
    def from_ns(cls, time_ns: int, local: bool = False) -> GoTime:
        """A time in nanoseconds since the epoch, every digit kept."""
        micros, extra = divmod(time_ns, 1000)
        utc = datetime.fromtimestamp(micros // 1_000_000, timezone.utc).replace(
            microsecond=micros % 1_000_000
        )
        return cls(utc.astimezone() if local else utc, extra)

    @classmethod
    def from_timestamp(cls, ts: float, local: bool = False) -> GoTime:
        utc = datetime.fromtimestamp(ts, timezone.utc)
        return cls(utc.astimezone() if local else utc)


@dataclasses.dataclass(frozen=True)
class GoDuration:
    """A ``time.Duration``: a template prints it as Go's String does (``1h0m0s``,
    ``30s``), JSON carries its nanoseconds (an int64 to encoding/json)."""

    ns: int

    def __str__(self) -> str:
        from hutch.util.humantime import go_duration

        return go_duration(self.ns)


def go_type(value: Any) -> str:
    """The Go type name errors print for a value."""
    if isinstance(value, Struct):
        return value.shown_type or value.type_name
    if isinstance(value, Addressed):
        return value.type_name
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, GoTime):
        return "time.Time"
    if isinstance(value, GoDuration):
        return "time.Duration"
    if isinstance(value, list | tuple):
        kinds = {go_type(v) for v in value}
        return f"[]{kinds.pop()}" if len(kinds) == 1 else "[]interface {}"
    if isinstance(value, Mapping):
        kinds = {go_type(v) for v in value.values()}
        elem = kinds.pop() if len(kinds) == 1 else "interface {}"
        return f"map[string]{elem}"
    if value is None or value is MISSING:
        return "<nil>"
    if callable(value):
        return "func"
    return type(value).__name__


def is_true(value: Any) -> bool:
    """Go's truth: false, 0, nil, empty string/slice/map are false; structs are true."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, Struct | GoTime | Addressed):
        return True
    if isinstance(value, GoDuration):
        return value.ns != 0
    if isinstance(value, bool | int | float | str | list | tuple | Mapping):
        return bool(value)
    return True
