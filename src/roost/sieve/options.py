"""The knobs that shape compiling and running, read from the config table."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from roost.config import Config
from roost.sieve.spec import EXTENSIONS


@dataclass(frozen=True, slots=True)
class SieveOptions:
    """What a script may use and how strictly it is read.

    `extensions`: the capabilities a script may `require` (sieve_extensions;
    empty in the config means all). `strict`: rfc3028_strict — when off,
    the RFC 3028 leniencies RFC 5228 §14 removed are accepted (capability
    names in any case, non-UTF-8 octets in scripts).
    """

    extensions: frozenset[str] = field(default_factory=lambda: frozenset(EXTENSIONS))
    max_script_size: int = 32 * 1024
    strict: bool = True
    utf8_fileinto: bool = False
    vacation_min_seconds: int = 259200
    vacation_max_seconds: int = 7776000
    max_redirects: int = 5
    """RFC 5228 §10 (sieve_maxredirects): distinct redirects one run may make; 0 forbids them."""

    @classmethod
    def from_config(cls, conf: Config) -> SieveOptions:
        """Options from the config (sieve_* and rfc3028_strict)."""
        wanted = [e for e in conf.sieve_extensions if e]
        return cls(
            extensions=frozenset(e for e in wanted if e in EXTENSIONS) if wanted else frozenset(EXTENSIONS),
            max_script_size=conf.sieve_maxscriptsize * 1024,
            strict=conf.rfc3028_strict,
            utf8_fileinto=conf.sieve_utf8fileinto,
            vacation_min_seconds=conf.sieve_vacation_min_response,
            vacation_max_seconds=conf.sieve_vacation_max_response,
            max_redirects=conf.sieve_maxredirects,
        )

    def capabilities(self) -> list[str]:
        """The SIEVE capability list ManageSieve advertises (RFC 5804 §1.7), in a stable order."""
        return [e for e in EXTENSIONS if e in self.extensions]

    def fingerprint(self) -> bytes:
        """16 bytes that change whenever an option changes what compiles."""
        text = f"{sorted(self.extensions)}|{self.strict}|{self.utf8_fileinto}"
        return hashlib.sha256(text.encode()).digest()[:16]
