"""The kinds of imapd.conf option: how a value is spelled, and its type in code.

Each kind is a descriptor. Declared as a class attribute of the option
table (`roost.config.options.Options`), it names an option after the
attribute; read from a `Config`, it gives the option's value with its own
type, so `conf.timeout` is an `int` to mypy and `conf.tiemout` is a mypy
error rather than a surprise at run time.

Values live in `Config.values`, written only by the kind's own `convert`
(via `parse_config`), so the cast in `Option.read` cannot lie.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Generic, Never, Protocol, Self, TypeVar, cast, overload

T_co = TypeVar("T_co", covariant=True)

TRUE_WORDS = frozenset({"1", "yes", "on", "true", "t", "y"})
FALSE_WORDS = frozenset({"0", "no", "off", "false", "f", "n", "nil"})


class Effect(Enum):
    """What Roost does with an option; the generated docs say it, a test keeps it true.

    ACTED_ON: the code reads it. NOT_NEEDED: a Cyrus option Roost's design
    makes moot (its doc says why); nothing reads it. NOT_YET: accepted so
    Cyrus files load, but nothing acts on it yet.
    """

    ACTED_ON = "acted on"
    NOT_NEEDED = "not needed"
    NOT_YET = "not yet"


NOT_NEEDED = Effect.NOT_NEEDED
NOT_YET = Effect.NOT_YET


class HasValues(Protocol):
    """What an option is read from: a `Config`."""

    @property
    def values(self) -> dict[str, object]: ...


class Declared:
    """What every line of the table has: name, attribute code reads, doc, effect."""

    kind = "str"

    def __init__(self, doc: str, effect: Effect) -> None:
        self.attr = ""
        self.doc = doc
        self.effect = effect

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    @property
    def name(self) -> str:
        """The imapd.conf name (Cyrus's; the attribute's for plain options)."""
        return self.attr

    def __set__(self, conf: HasValues, value: Never) -> None:
        """Options are set in imapd.conf only (assigning one is a mypy error too)."""
        raise AttributeError(f"{self.name} is read-only: set it in imapd.conf")

    @property
    def meaning(self) -> str:
        """The doc line users read, leading with it when Roost does nothing with the option."""
        if self.effect is Effect.NOT_NEEDED:
            return f"Accepted for Cyrus compatibility, no effect by design: {self.doc}"
        if self.effect is Effect.NOT_YET:
            return f"Accepted for Cyrus compatibility, not yet acted on: {self.doc}"
        return self.doc


class Option(Declared, Generic[T_co]):
    """One option with a default; `conf.NAME` reads it as a `T_co`."""

    def __init__(self, default: T_co, doc: str, effect: Effect = Effect.ACTED_ON) -> None:
        super().__init__(doc, effect)
        self._default = default

    @property
    def default(self) -> T_co:
        return self._default

    @overload
    def __get__(self, conf: None, owner: type) -> Self: ...
    @overload
    def __get__(self, conf: HasValues, owner: type) -> T_co: ...
    def __get__(self, conf: HasValues | None, owner: type) -> Self | T_co:
        return self if conf is None else self.read(conf)

    def read(self, conf: HasValues) -> T_co:
        """The value in `conf`, else the default (for code that walks the table)."""
        return cast(T_co, conf.values.get(self.attr, self._default))

    def convert(self, raw: str) -> T_co:
        """The value spelled `raw`; ValueError naming the option if it does not fit."""
        raise NotImplementedError


class Str(Option[str]):
    def convert(self, raw: str) -> str:
        return raw


class Bool(Option[bool]):
    """Cyrus spellings: 1/0, yes/no, on/off, true/false, t/f."""

    kind = "bool"

    def convert(self, raw: str) -> bool:
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"{self.name} takes a boolean (yes/no, on/off, 1/0), not {raw!r}")


class Int(Option[int]):
    kind = "int"

    def convert(self, raw: str) -> int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{self.name} takes a whole number, not {raw!r}") from None


class Size(Int):
    """Bytes, as a plain integer."""

    kind = "size"


class Words(Option[tuple[str, ...]]):
    """Words separated by spaces or commas, as Cyrus lists are."""

    kind = "list"

    def convert(self, raw: str) -> tuple[str, ...]:
        return tuple(raw.replace(",", " ").split())


class Choice(Option[str]):
    """One of a fixed set of words; yes/no stand for on/off where those are choices."""

    kind = "enum"

    def __init__(self, choices: tuple[str, ...], default: str, doc: str,
                 effect: Effect = Effect.ACTED_ON) -> None:
        super().__init__(default, doc, effect)
        self.choices = choices

    def convert(self, raw: str) -> str:
        word = raw.lower()
        if word in ("yes", "true", "1") and "on" in self.choices:
            word = "on"
        if word in ("no", "false", "0") and "off" in self.choices:
            word = "off"
        if word not in self.choices:
            raise ValueError(f"{self.name} takes one of {', '.join(self.choices)}, not {raw!r}")
        return word


class Family(Declared):
    """Options named PREFIX-MEMBER (`partition-spool2: /srv/spool2`), read as one mapping."""

    def __init__(self, prefix: str, doc: str, effect: Effect = Effect.ACTED_ON) -> None:
        super().__init__(doc, effect)
        self.prefix = prefix

    @property
    def name(self) -> str:
        return f"{self.prefix}*"

    @overload
    def __get__(self, conf: None, owner: type) -> Self: ...
    @overload
    def __get__(self, conf: HasValues, owner: type) -> Mapping[str, str]: ...
    def __get__(self, conf: HasValues | None, owner: type) -> Self | Mapping[str, str]:
        return self if conf is None else self.read(conf)

    def read(self, conf: HasValues) -> Mapping[str, str]:
        """MEMBER -> value for every PREFIX-MEMBER line in `conf`."""
        return MappingProxyType(cast(dict[str, str], conf.values.get(self.attr, {})))

    def add(self, conf: HasValues, member: str, raw: str) -> None:
        """Record `PREFIX-member: raw`; ValueError if the value is empty."""
        if not raw:
            raise ValueError(f"{self.prefix}{member} needs a value")
        cast(dict[str, str], conf.values.setdefault(self.attr, {}))[member] = raw
