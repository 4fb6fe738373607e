"""Go ``--format`` templates, run on reports as podman runs them (cli/render.py prints
tables and JSON).

Templates are Go's text/template (``hutch.util.gotemplate``), run as podman
runs them: ``\\t``/``\\n`` written in the format become tab and newline, a
newline ends the format if it has none, a list is rendered through
``{{range .}}...{{end}}`` (so error positions are podman's) unless the format has
its own (c/common's EnforceRange: ``{{range .}}{{.Name}} {{end}}`` on one line),
and a leading
``table`` adds a header row (the same template executed on the field names'
headers) and aligns the columns with Go's tabwriter as podman configures it.
The whole output is built before anything is printed: an error prints nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from hutch.api.errors import InvalidArgument
from hutch.cli.column_headers import header_of
from hutch.util import gotemplate

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

# Report fields that are Go maps (keys are data, not field names): a missing key
# is "<no value>", not an error. Every other JSON object of a report is a struct.
MAP_FIELDS = frozenset(
    {
        "Annotations",
        "Data",
        "DriverOpts",
        "ExposedPorts",
        "IPAMConfig",
        "IPAMOptions",
        "Labels",
        "Networks",
        "Options",
        "PortBindings",
        "Ports",
        "Status",  # a volume's plugin status (a string in ps rows, never a map there)
        "StorageOpts",
        "Sysctls",
        "Tmpfs",
        "Volumes",
    }
)
# Go maps of a port to its []InspectHostPort: a port published nowhere (an image's
# EXPOSE) holds a nil slice, which a template prints as [] (``{{.NetworkSettings.Ports}}``)
PORT_MAPS = frozenset({"PortBindings", "Ports"})
# Report fields that are Go slices podman leaves nil (JSON null): a template prints
# and ranges over an empty list, as Go's does, where hutch's report holds None
# ({{json .HostConfig.Links}} still null).
NIL_SLICE_FIELDS = frozenset(
    {
        "BlkioDeviceReadBps",
        "BlkioDeviceReadIOps",
        "BlkioDeviceWriteBps",
        "BlkioDeviceWriteIOps",
        "BlkioWeightDevice",
        "Cmd",  # an image config's, when it has none (ZERO_STRUCTS)
        "Entrypoint",
        "Env",
        "Links",
        "Log",  # a container's State.Health.Log before any check
        "Secrets",  # a container's Config.Secrets without --secret
    }
)
# Go's type names of the structs scripts most often reach into, for error messages.
STRUCT_TYPES = {
    "State": "*define.InspectContainerState",
    "Config": "*define.InspectContainerConfig",
    "HostConfig": "*define.InspectContainerHostConfig",
    "NetworkSettings": "*define.InspectNetworkSettings",
    "GraphDriver": "define.DriverData",
    "Host": "*define.HostInfo",
    "Store": "*define.StoreInfo",
    "Client": "*define.Version",
    "Server": "*define.Version",
    "Healthcheck": "*manifest.Schema2HealthConfig",  # a container's, an image's
    "StartupHealthCheck": "*define.StartupHealthCheck",
}

IMAGE_TYPE = "*inspect.ImageData"  # podman's image inspect report

# A struct field whose type depends on the struct it is in (an image's Config is
# not a container's): (struct type, field) -> the field's struct type.
NESTED_TYPES = {(IMAGE_TYPE, "Config"): "*v1.ImageConfig"}

# Structs all of whose fields are omitempty: JSON leaves out the empty ones, a
# template sees every field (``{{.Config.Cmd}}`` of an image without one prints
# ``[]``). struct type -> its fields in Go's order, with their zero values (None
# for a map: a template's empty map).
ZERO_STRUCTS: dict[str, tuple[tuple[str, Any], ...]] = {
    "*v1.ImageConfig": (
        ("User", ""),
        ("ExposedPorts", None),
        # nil slices (NIL_SLICE_FIELDS): [] to a template, null to {{json}}, as podman's
        ("Env", None),
        ("Entrypoint", None),
        ("Cmd", None),
        ("Volumes", None),
        ("WorkingDir", ""),
        ("Labels", None),
        ("StopSignal", ""),
        ("ArgsEscaped", False),
    ),
    # an image's history entry (image-spec's v1.History; JSON's keys in GO_NAMES)
    "v1.History": (
        ("Created", None),
        ("CreatedBy", ""),
        ("Author", ""),
        ("Comment", ""),
        ("EmptyLayer", False),
    ),
    # StartInterval: current podman's (4.3.1's struct had none)
    "*manifest.Schema2HealthConfig": (
        ("Test", []),
        ("StartPeriod", 0),
        ("StartInterval", 0),
        ("Interval", 0),
        ("Timeout", 0),
        ("Retries", 0),
    ),
}
# The time.Duration fields of those structs: nanoseconds in JSON, Go's String
# (``1h0m0s``, ``30s``) in a template.
DURATION_FIELDS = {
    "*manifest.Schema2HealthConfig": frozenset({"StartPeriod", "StartInterval", "Interval",
                                                 "Timeout"}),
    "*define.StartupHealthCheck": frozenset({"StartPeriod", "Interval", "Timeout"}),
}  # fmt: skip

# Pointer fields with omitempty: JSON leaves them out when nil, but the Go field is
# there for a template (``{{.HostConfig.IDMappings}}`` prints <nil>, no error).
# struct type -> (field it follows, field) in podman's declaration order.
NIL_FIELDS = {
    "*define.InspectContainerHostConfig": (("UsernsMode", "IDMappings"),),
    "*inspect.ImageData": (("NamesHistory", "HealthCheck"),),
}
# Go field names that differ from their JSON key: struct type -> {JSON key: Go name}
# (an image's ``{{.HealthCheck}}`` is JSON's "Healthcheck")
GO_NAMES = {
    "*inspect.ImageData": {"Healthcheck": "HealthCheck"},
    "define.InspectHostPort": {"HostIp": "HostIP"},  # a port binding's address
    "v1.History": {
        "created": "Created",
        "created_by": "CreatedBy",
        "author": "Author",
        "comment": "Comment",
        "empty_layer": "EmptyLayer",
    },
}

# The same for omitempty strings, there as "" for a template (``{{.SubPath}}`` of a
# mount without one prints nothing), and the struct type of a list's elements.
EMPTY_FIELDS = {"define.InspectMount": (("Type", "Name"), ("Propagation", "SubPath"))}
ELEMENT_TYPES = {"Mounts": "define.InspectMount", "History": "v1.History"}
# The same for omitempty numbers, bools and maps: (field it follows, field, the
# zero a template sees). ``{{.State.ConmonPid}}`` of an exited container prints 0.
ZERO_FIELDS: dict[str, tuple[tuple[str, str, Any], ...]] = {
    "*define.InspectContainerState": (
        ("Pid", "ConmonPid", 0),
        ("Health", "CgroupPath", ""),
        ("RestoredAt", "PauseMethod", ""),  # hutch's own
        ("PauseMethod", "StoppedByUser", False),
    ),
    # nil when the container is on no named network (slirp4netns, pasta, none)
    "*define.InspectNetworkSettings": (("SandboxKey", "Networks", None),),
    # a container's (inspect's rows are "interface {}"): the sizes without --size
    # (a pod's Namespace too: its report is "interface {}" as well)
    "interface {}": (
        ("GraphDriver", "SizeRw", None),
        ("SizeRw", "SizeRootFs", 0),
        ("Name", "Namespace", ""),
    ),
    "*define.InspectContainerConfig": (
        ("StopSignal", "Healthcheck", None),
        ("CreateCommand", "Timezone", ""),
        ("Timezone", "SystemdMode", False),
        ("Umask", "Secrets", None),  # a nil slice: [] to a template, null to json
        ("Passwd", "ChrootDirs", ()),
    ),
    "*define.InspectContainerHostConfig": (("OomKillDisable", "Init", False),),
}

# Report fields that are Go time.Time values: JSON carries them as RFC 3339 text,
# a template prints them as Go does (``2026-12-03 13:48:37.366114 +0000 UTC``).
TIME_FIELDS = frozenset({"Created", "CreatedAt", "StartedAt", "FinishedAt", "ExitedAt"})
# Reports whose time fields are methods that return text already formatted (podman's
# historyReporter: RFC 3339 or "3 hours ago"): printed as they are
TEXT_TIME_TYPES = frozenset({"images.historyReporter"})


def _go_time(text: str) -> Any:
    """RFC 3339 text as a GoTime (nanoseconds cut to microseconds); else the text."""
    from datetime import datetime

    head, dot, rest = text.partition(".")
    if dot:
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits) :]
    try:
        return gotemplate.GoTime(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def render_one(template: str, data: Any, *, name: str) -> str:
    """Render one report (``info``, ``version``): no range, as podman runs those."""
    text, _table = normalize(template)
    try:
        return gotemplate.Template(name, text).execute(data)
    except gotemplate.TemplateError as e:
        raise InvalidArgument(str(e)) from None


def plain_data(value: Any) -> Any:
    """JSON objects of a report are structs (fields in order) unless they are maps."""
    return _element(value, json=True)


def as_struct(row: Mapping[str, Any], type_name: str, json: bool = False) -> gotemplate.Struct:
    """A report row (JSON-like dict) as the Go struct podman would hand its template.

    For a template a nil map (``None`` in a map field) is a NilMap, which prints and
    indexes as an empty map and marshals as ``null``, as Go's does; JSON keeps it
    ``null``.
    """
    if isinstance(row, gotemplate.Struct) and type_name in ("interface {}", "struct"):
        type_name = row.type_name  # typed where it was made (``typed``)
    values = {k: _field(k, v, json, type_name) for k, v in row.items()}
    renamed = GO_NAMES.get(type_name, {})
    if renamed:
        values = {renamed.get(k, k): v for k, v in values.items()}
        if not json:  # a time under a JSON key of its own ("created")
            values = {
                k: _go_time(v) if k in TIME_FIELDS and isinstance(v, str) else v
                for k, v in values.items()
            }
    if type_name in ZERO_STRUCTS:
        return _zero_filled(values, type_name, json, renamed)
    if not json:
        values = _with_zero(values, NIL_FIELDS.get(type_name, ()), None)
        values = _with_zero(values, EMPTY_FIELDS.get(type_name, ()), "")
        for after, name, zero in ZERO_FIELDS.get(type_name, ()):  # None in a map: nil
            values = _with_zero(values, ((after, name),), _field(name, zero, json, type_name))
    # a row that is already a struct keeps its omitempty tags, for {{json .}}
    tags = row.json_names if isinstance(row, gotemplate.Struct) else None
    if tags is None and type_name in EMPTY_FIELDS:  # {{json .Mounts}} leaves them out
        tags = {name: f"{name},omitempty" for _after, name in EMPTY_FIELDS[type_name]}
    if type_name in ZERO_FIELDS:  # {{json .State}} too
        omit = {name: f"{name},omitempty" for _after, name, _z in ZERO_FIELDS[type_name]}
        tags = {**omit, **(tags or {})}
    if renamed:  # {{json .}} keeps the JSON keys
        tags = {**(tags or {}), **{go: f"{js},omitempty" for js, go in renamed.items()}}
    return gotemplate.Struct(type_name, values, tags)


def go_id(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """An inspected object's id as its Go field ``ID`` (JSON's "Id"), as podman's
    templates see a container's, an image's and a pod's (``{{.ID}}``)."""
    if "Id" not in row or "ID" in row:
        return row
    fields = {("ID" if k == "Id" else k): _go_ids(v) for k, v in row.items()}
    if isinstance(row, gotemplate.Struct):
        return type(row)(row.type_name, fields, {**row.json_names, "ID": "Id"})
    return gotemplate.Struct("interface {}", fields, {"ID": "Id"})


def _go_ids(value: Any) -> Any:
    """A list of objects with ids (a pod's Containers) with their ``ID`` fields too."""
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        return [go_id(v) for v in value]
    return value


class _Typed(gotemplate.Struct):
    """A report row that says its Go type; ``as_struct`` makes its fields."""


def typed(row: Mapping[str, Any], type_name: str) -> gotemplate.Struct:
    """A report row as Go's struct ``type_name``, for the fields whose type depends
    on it (``NESTED_TYPES``); its JSON is the row's."""
    return _Typed(type_name, dict(row))


def _zero_filled(
    values: dict[str, Any], type_name: str, json: bool, renamed: Mapping[str, str] | None = None
) -> gotemplate.Struct:
    """A ``ZERO_STRUCTS`` struct: every field in Go's order (the zero where left
    out), each omitempty under its JSON key (``renamed``: JSON key -> Go name);
    fields Go's type lacks follow, as they were."""
    fields = ZERO_STRUCTS[type_name]
    out = {name: values.get(name, _field(name, zero, json, type_name)) for name, zero in fields}
    out.update((k, v) for k, v in values.items() if k not in out)
    keys = {go: key for key, go in (renamed or {}).items()}
    tags = {name: f"{keys.get(name, name)},omitempty" for name, _zero in fields}
    return gotemplate.Struct(type_name, out, tags)


def _with_zero(
    values: dict[str, Any], missing: tuple[tuple[str, str], ...], zero: Any
) -> dict[str, Any]:
    """``values`` with each left-out field of ``missing`` (the field it follows, its
    name) put back as ``zero`` in its place."""
    for after, name in missing:
        if name not in values and after in values:
            items = list(values.items())
            at = list(values).index(after) + 1
            values = dict([*items[:at], (name, zero), *items[at:]])
    return values


def _field(key: str, value: Any, json: bool, parent: str = "struct") -> Any:
    if isinstance(value, gotemplate.Struct | gotemplate.NilMap):
        return value
    if not json and key in TIME_FIELDS and isinstance(value, str) and parent not in TEXT_TIME_TYPES:
        return _go_time(value)
    if not json and isinstance(value, int) and key in DURATION_FIELDS.get(parent, ()):
        return gotemplate.GoDuration(value)
    if value is None and key in MAP_FIELDS and not json:
        return gotemplate.NilMap()  # map[] to the template, null to its json
    if value is None and key in NIL_SLICE_FIELDS and not json:
        return gotemplate.NilSlice()
    if isinstance(value, Mapping):
        if key in MAP_FIELDS:
            if key in PORT_MAPS and not json:  # a port with no binding: a nil slice
                return {
                    k: gotemplate.NilSlice()
                    if v is None
                    else [_element(b, False, "define.InspectHostPort") for b in v]
                    for k, v in value.items()
                }
            return {k: _element(v, json) for k, v in value.items()}
        nested = NESTED_TYPES.get((parent, key)) or STRUCT_TYPES.get(key, "struct")
        return as_struct(value, nested, json)
    if isinstance(value, list | tuple):
        return [_element(v, json, ELEMENT_TYPES.get(key, "struct")) for v in value]
    return value


def _element(value: Any, json: bool = False, type_name: str = "struct") -> Any:
    if isinstance(value, Mapping) and not isinstance(value, gotemplate.Struct):
        return as_struct(value, type_name, json)
    if isinstance(value, _Typed):  # a report row, typed only: its fields still to make
        return as_struct(value, value.type_name, json)
    if isinstance(value, list | tuple):
        return [_element(v, json) for v in value]
    return value


def normalize(template: str) -> tuple[str, bool]:
    """(template text, is a table) after podman's NormalizeFormat.

    The newline podman adds to a format without one is a ``{{println}}`` after
    it, so that an unclosed action sees ``{`` next, as podman's parser does.
    """
    table = template == "table" or template.startswith("table ")
    if table:
        # c/common's table replacer: "table " goes once, then every blank is a tab,
        # so `table {{.ID}} {{.Names}}` is two aligned columns, as podman prints it
        template = template.removeprefix("table").removeprefix(" ").replace(" ", "\t")
    text = template.replace("\\t", "\t").replace("\\n", "\n")
    if not text.endswith("\n"):
        text += "{{println}}"
    return text, table


# c/common's test for a format that ranges over the list itself; like Go's regexp,
# ``.`` stops at a newline
_RANGED = re.compile(r"\{\{\s*range\s*\.\s*\}\}.*\{\{\s*end\s*-?\s*\}\}")


def fields_read(template: str) -> frozenset[str] | None:
    """The top-level fields of each row that ``render_template`` would read with
    ``template`` (util/gotemplate/reads.py), None for any (or a format that does not
    parse: rendering it says why). A format that ranges over the rows itself reads
    their fields in its range's body: any, to this answer."""
    text, _table = normalize(template)
    if _RANGED.search(text):
        return None
    try:
        parsed = gotemplate.Template("fields", text)
    except gotemplate.TemplateError:
        return None
    return gotemplate.fields_read(parsed)


class TemplateParseError(InvalidArgument):
    """A format that does not parse: inspect says so without its "printing inspect
    output" words (podman parses before it looks at any object)."""


class TemplateExecError(InvalidArgument):
    """A template that failed as it ran; ``output``: what podman has printed by then
    (cli/exits.py writes it to stdout ahead of the error)."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


def render_template(
    template: str,
    rows: Sequence[Mapping[str, Any]],
    headers: Mapping[str, str] | None = None,
    *,
    name: str = "ls",
    type_name: str = "interface {}",
    heading: bool = True,
    shown_type: str | None = None,
    header_words: str | None = None,
    unheaded: frozenset[str] = frozenset(),
) -> str:
    """Render rows through a Go template, as podman's report formatter does; a
    ``table`` format's header row unless ``heading`` is False (``--noheading``);
    ``shown_type``: the rows' type in Go's errors where it is not their own;
    ``header_words``: what the command's podman puts before an error of the header
    row (volume ls: "failed to write report column headers"); ``unheaded``: fields
    of the rows that podman's header map lacks (they head with ``<no value>``)."""
    text, table = normalize(template)
    ranged = text if _RANGED.search(text) else "{{range .}}" + text + "{{end}}"
    try:
        body = gotemplate.Template(name, ranged)
    except gotemplate.TemplateError as e:
        raise TemplateParseError(str(e)) from None
    head = ""
    try:
        if table and heading:
            # podman's header row runs the same (ranged) template over a one-element
            # list of its header map, so an error's column is the rows' one
            fields = frozenset(rows[0]) - unheaded if rows else None
            try:
                head = body.execute([_Headers(headers or {}, fields, unheaded)])
            except gotemplate.TemplateError as e:
                if header_words:
                    e.args = (f"{header_words}: {e}",)
                raise
        data = [as_struct(r, type_name) for r in rows]
        for item in data:
            item.shown_type = shown_type
        out = head + body.execute(data)
    except gotemplate.TemplateError as e:
        # podman's formatter writes as it goes and flushes what it has on its way
        # out: the rows before the failing action, and that row up to it
        written = head + e.partial
        shown = gotemplate.align(written, unended=True) if table else written
        raise TemplateExecError(str(e), shown) from None
    return gotemplate.align(out) if table else out


class _Headers(Mapping[str, str]):
    """The data a table's header row is rendered from: every field's header name.
    podman's is a map of its report struct's fields (and its overrides): a name
    that is neither has no value there (``table {{.Foo}}`` heads with ``<no
    value>`` before the rows fail). ``fields``: the rows' fields (None: no row to
    tell them, every name is taken for one). ``unheaded``: fields the map lacks
    all the same (podman's accessors and embedded fields: images' ``Id``)."""

    def __init__(
        self,
        overrides: Mapping[str, str],
        fields: frozenset[str] | None,
        unheaded: frozenset[str] = frozenset(),
    ) -> None:
        self.overrides = overrides
        self.fields = fields
        self.unheaded = unheaded

    def __getitem__(self, key: str) -> str:
        if key in self.unheaded or (
            self.fields is not None and key not in self.fields and key not in self.overrides
        ):
            raise KeyError(key)
        return header_of(key, self.overrides)

    def __iter__(self) -> Iterator[str]:
        return iter(self.overrides)

    def __len__(self) -> int:
        return len(self.overrides)
