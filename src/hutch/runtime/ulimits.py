"""``--ulimit NAME=SOFT[:HARD]``: resource limits set in the container's init."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

# Docker's names for the RLIMIT_* resources (numbers are the same on x86_64 and aarch64).
RESOURCES: dict[str, int] = {
    "cpu": 0,
    "fsize": 1,
    "data": 2,
    "stack": 3,
    "core": 4,
    "rss": 5,
    "nproc": 6,
    "nofile": 7,
    "memlock": 8,
    "as": 9,
    "locks": 10,
    "sigpending": 11,
    "msgqueue": 12,
    "nice": 13,
    "rtprio": 14,
    "rttime": 15,
}
RLIM_INFINITY = -1  # resource.RLIM_INFINITY


def _value(text: str, item: str) -> int:
    text = text.strip()
    if text in ("-1", "unlimited"):
        return RLIM_INFINITY
    try:
        number = int(text)
    except ValueError:
        raise InvalidArgument(  # podman's words (Go's ParseInt error inside)
            f'ulimit option "{item}" requires name=SOFT:HARD, failed to be parsed: '
            f'strconv.ParseInt: parsing "{text}": invalid syntax'
        ) from None
    if number < 0:
        raise InvalidArgument(f"invalid --ulimit {item!r}: limits cannot be negative")
    return number


def host_limits() -> dict[str, tuple[int, int]]:
    """``--ulimit host``: every limit as this process has it (podman copies the host's)."""
    import resource  # only for a --ulimit host

    out = {}
    for name, number in RESOURCES.items():
        soft, hard = resource.getrlimit(number)
        out[name] = (
            RLIM_INFINITY if soft == resource.RLIM_INFINITY else soft,
            RLIM_INFINITY if hard == resource.RLIM_INFINITY else hard,
        )
    return out


def parse(values: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """Each item as (name, soft, hard); -1 means unlimited. ``host`` stands for all
    of them at this process's values (items after it still set their own)."""
    out: dict[str, tuple[int, int]] = {}
    for item in values:
        if item.strip() == "host":
            out.update(host_limits())
            continue
        name, sep, limits = item.partition("=")
        name = name.strip().lower()
        if name.startswith("rlimit_"):
            name = name[len("rlimit_") :]
        words = f'ulimit option "{item}" requires name=SOFT:HARD, failed to be parsed'
        if not sep:
            raise InvalidArgument(f"{words}: invalid ulimit argument: {item}")
        if name not in RESOURCES:  # podman's words (the man page lists the names)
            raise InvalidArgument(f"{words}: invalid ulimit type: {name}")
        soft_text, _, hard_text = limits.partition(":")
        soft = _value(soft_text, item)
        hard = _value(hard_text, item) if hard_text else soft
        if hard != RLIM_INFINITY and (soft == RLIM_INFINITY or soft > hard):
            raise InvalidArgument(
                f"{words}: ulimit soft limit must be less than or equal to hard limit: "
                f"{soft_text} > {hard_text}"
            )
        out[name] = (soft, hard)
    return tuple((n, s, h) for n, (s, h) in out.items())
