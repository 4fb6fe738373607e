"""The cyclic garbage collector held off while a short command starts (issue 16).

``hutch create`` allocates its way through some 240 modules and a hundred
dataclasses; the collector's threshold passes many times on the way, and each
older-generation pass walks every module, class and function loaded so far,
none of which is garbage: about 4 ms of create's 70 ms of CPU. The fast path
pauses the collector for its everyday verbs; where such a verb settles into
something long (an attached run's relay, a pull), ``resume`` turns it back on.
(Its first version met a race of ``run -t``: the relay, started after a collection of
the whole start-up, told a monitor that had ended its short command the window size
again, and took the closed connection for exit 141; runtime/relay.py lets that be.)

The pause is marked in the collector's own first threshold (``PAUSED`` added to
it) rather than in a flag of this module: the collector is the process's, and an
in-process caller who turned it off itself keeps it off (``resume`` touches only
a pause of ``pause``).
"""

import gc

# Added to the first generation's threshold while paused: the count of new objects
# never reaches it, and the original threshold is what remains after subtracting it.
PAUSED = 1 << 30  # (the thresholds are C ints)


def pause() -> bool:
    """Hold the collector off; False when it was off or paused already (a caller that
    gets False leaves it as it is)."""
    first, second, third = gc.get_threshold()
    if not gc.isenabled() or first >= PAUSED:
        return False
    gc.set_threshold(first + PAUSED, second, third)
    return True


def resume(*, freeze: bool = False) -> None:
    """End ``pause``'s hold (nothing when there is none): the original thresholds.

    ``freeze``: what exists now is first moved out of the collector's sight
    (``gc.freeze``), for a process that goes on for long: otherwise the first
    collection, due at once, walks everything start-up made (a few ms at the start
    of an attached run's relay), and the later ones again. The cyclic garbage of the
    start-up, some hundred objects, is never freed then. Not for an in-process
    caller's ordinary return (its objects are its own)."""
    first, second, third = gc.get_threshold()
    if first < PAUSED:
        return
    if freeze:
        gc.freeze()
    gc.set_threshold(first - PAUSED, second, third)
