"""The methods ``dataclasses`` writes for a class, made at their first use.

For each class, ``@dataclass(frozen=True)`` writes and compiles six methods:
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__``. A command uses few of them: ``hutch create`` defines 99
classes (594 methods), instantiates 62 of them and calls some 80 of the
methods; the other methods' making (joining their text, the code cache's
lookup, ``exec``, the call that returns the function) was 5 ms of its 45.

Here the module's one function that makes a method from its text,
``_create_fn`` (Python 3.10 to 3.12), is wrapped: it returns a stand-in that
holds the call's arguments. At the first read of the attribute from the class
or an instance (a call, ``getattr``, ``super()``, ``inspect.signature``), the
stand-in makes the method with the same call, as ``dataclasses`` would have,
puts it in the class in its place and hands it on. What ``dataclasses`` does
to the function afterwards is done then: ``__repr__`` gets its
recursion guard (``_recursive_repr``, also wrapped), and every method the
``__qualname__`` of its class. So the class ends up with the very functions
it would have had; only a method never used is never made.

What changes: the class's ``__dict__`` holds a stand-in until the first use,
and an error in the generated text (which a class that imports cannot have:
the checks of fields and defaults run at the decorator, as before) would show
at the first use. Python 3.13 writes all of a class's methods in one text
(``_FuncBuilder``) and has no ``_create_fn``: it is left as it is.
"""

from __future__ import annotations

from types import FunctionType, ModuleType

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# the keyword-only parameters of ``_create_fn`` on 3.10 to 3.12
_KEYWORDS = ("globals", "locals", "return_type")


class DeferredMethod:
    """A method ``dataclasses`` is to make, made when first read (a non-data
    descriptor: what the class's slot functions and ``getattr`` call)."""

    __slots__ = ("__name__", "_arguments", "_make", "_options", "_recursive")
    # update_abstractmethods (run on every dataclass) reads it from each attribute
    __isabstractmethod__ = False

    def __init__(
        self,
        make: Callable[..., Any],
        name: str,
        arguments: tuple[object, ...],
        options: dict[str, object],
    ) -> None:
        self.__name__ = name
        self._make = make
        self._arguments = arguments
        self._options = options
        self._recursive: Callable[[Any], Any] | None = None

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        method = self._made(owner if owner is not None else type(instance))
        return method if instance is None else method.__get__(instance, owner)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Called, not read from a class: ``_recursive_repr``'s wrapper of a stand-in
        that was never put in a class (as ``dataclasses`` calls it, it never is)."""
        return self._function()(*args, **kwargs)

    def _function(self) -> Any:
        function = self._make(self.__name__, *self._arguments, **self._options)
        if self._recursive is not None:
            function = self._recursive(function)
        return function

    def _made(self, cls: type) -> Any:
        function = self._function()
        # the class that holds this stand-in (``cls`` may be a subclass of it)
        for holder in cls.__mro__:
            if holder.__dict__.get(self.__name__) is self:
                if isinstance(function, FunctionType):
                    function.__qualname__ = f"{holder.__qualname__}.{self.__name__}"
                setattr(holder, self.__name__, function)
                break
        return function


def install(dataclasses: ModuleType) -> bool:
    """Defer the methods of the classes ``dataclasses`` makes from now on; False if
    this Python's ``dataclasses`` is not the shape this relies on (left as it is)."""
    create = getattr(dataclasses, "_create_fn", None)
    recursive = getattr(dataclasses, "_recursive_repr", None)
    if hasattr(create, "original"):  # wrapped already
        return True
    if not isinstance(create, FunctionType) or not isinstance(recursive, FunctionType):
        return False
    code = create.__code__
    if code.co_argcount != 3 or code.co_varnames[3 : 3 + code.co_kwonlyargcount] != _KEYWORDS:
        return False

    def deferred_create_fn(
        name: str, args: object, body: object, **options: object
    ) -> DeferredMethod:
        return DeferredMethod(create, name, (args, body), options)

    def deferred_recursive_repr(function: Any) -> Any:
        if isinstance(function, DeferredMethod):
            function._recursive = recursive
            return function
        return recursive(function)

    # the originals, for whoever needs the eager functions (the tests compare them);
    # ``original`` also marks the module as wrapped
    deferred_create_fn.original = create  # type: ignore[attr-defined]
    deferred_recursive_repr.original = recursive  # type: ignore[attr-defined]
    dataclasses._create_fn = deferred_create_fn  # type: ignore[attr-defined]
    dataclasses._recursive_repr = deferred_recursive_repr  # type: ignore[attr-defined]
    return True
