"""One frozen dataclass per ManageSieve command (RFC 5804 §2).

Script names are `str` (UTF-8, checked against RFC 5804 §1.6 by the
parser); script contents stay `bytes`, exactly as the client sent them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Authenticate:
    """AUTHENTICATE mechanism [initial-response]. RFC 5804 §2.1."""

    mechanism: str
    initial: bytes | None  # base64 text of the initial response, if any


@dataclass(frozen=True, slots=True)
class StartTls:
    """STARTTLS. RFC 5804 §2.2."""


@dataclass(frozen=True, slots=True)
class Logout:
    """LOGOUT. RFC 5804 §2.3."""


@dataclass(frozen=True, slots=True)
class Capability:
    """CAPABILITY. RFC 5804 §2.4."""


@dataclass(frozen=True, slots=True)
class HaveSpace:
    """HAVESPACE name size. RFC 5804 §2.5."""

    name: str
    size: int


@dataclass(frozen=True, slots=True)
class PutScript:
    """PUTSCRIPT name content. RFC 5804 §2.6."""

    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ListScripts:
    """LISTSCRIPTS. RFC 5804 §2.7."""


@dataclass(frozen=True, slots=True)
class SetActive:
    """SETACTIVE name; the empty name deactivates. RFC 5804 §2.8."""

    name: str


@dataclass(frozen=True, slots=True)
class GetScript:
    """GETSCRIPT name. RFC 5804 §2.9."""

    name: str


@dataclass(frozen=True, slots=True)
class DeleteScript:
    """DELETESCRIPT name. RFC 5804 §2.10."""

    name: str


@dataclass(frozen=True, slots=True)
class RenameScript:
    """RENAMESCRIPT old new. RFC 5804 §2.11."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CheckScript:
    """CHECKSCRIPT content. RFC 5804 §2.12."""

    content: bytes


@dataclass(frozen=True, slots=True)
class Noop:
    """NOOP [tag]. RFC 5804 §2.13."""

    tag: bytes | None


@dataclass(frozen=True, slots=True)
class Unauthenticate:
    """UNAUTHENTICATE. RFC 5804 §2.14.1."""


Command = (Authenticate | StartTls | Logout | Capability | HaveSpace | PutScript | ListScripts
           | SetActive | GetScript | DeleteScript | RenameScript | CheckScript | Noop
           | Unauthenticate)
