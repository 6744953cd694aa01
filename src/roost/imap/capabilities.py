"""The capability list, one entry per capability with the RFC that defines it.

What is advertised depends on the session: STARTTLS only before TLS when a
certificate is configured, LOGINDISABLED on cleartext when allowplaintext is
off (RFC 9051 §6.2.3), AUTH= for each SASL mechanism offered. `roost
capabilities --markdown` renders this table for docs/capabilities.md.
"""

from __future__ import annotations

from roost.auth.sasl import mechanisms_offered, plaintext_allowed
from roost.config import Config

# (capability, RFC, when: "always" | "pre-auth" | "post-auth")
CAPABILITIES: tuple[tuple[str, str, str], ...] = (
    ("IMAP4rev1", "RFC 3501", "always"),
    ("IMAP4rev2", "RFC 9051", "always"),
    ("LITERAL+", "RFC 7888", "always"),
    ("SASL-IR", "RFC 4959", "always"),
    ("ID", "RFC 2971", "always"),
    ("ENABLE", "RFC 5161", "always"),
    ("IDLE", "RFC 2177", "always"),
    ("NAMESPACE", "RFC 2342", "always"),
    ("UIDPLUS", "RFC 4315", "always"),
    ("UNSELECT", "RFC 3691", "always"),
    ("MOVE", "RFC 6851", "always"),
    ("CHILDREN", "RFC 3348", "always"),
    ("LIST-EXTENDED", "RFC 5258", "always"),
    ("LIST-STATUS", "RFC 5819", "always"),
    ("SPECIAL-USE", "RFC 6154", "always"),
    ("CREATE-SPECIAL-USE", "RFC 6154 §3", "always"),
    ("ESEARCH", "RFC 4731", "always"),
    ("SEARCHRES", "RFC 5182", "always"),
    ("SEARCH=FUZZY", "RFC 6203", "always"),
    ("MULTISEARCH", "RFC 7377", "always"),
    ("SORT", "RFC 5256", "always"),
    ("SORT=DISPLAY", "RFC 5957", "always"),
    ("ESORT", "RFC 5267 §3", "always"),
    ("CONTEXT=SEARCH", "RFC 5267 §4", "always"),
    ("CONTEXT=SORT", "RFC 5267 §4", "always"),
    ("THREAD=ORDEREDSUBJECT", "RFC 5256", "always"),
    ("THREAD=REFERENCES", "RFC 5256", "always"),
    ("BINARY", "RFC 3516", "always"),
    ("STATUS=SIZE", "RFC 8438", "always"),
    ("MULTIAPPEND", "RFC 3502", "always"),
    ("CATENATE", "RFC 4469", "always"),
    ("URLAUTH", "RFC 4467", "always"),
    ("UTF8=ACCEPT", "RFC 6855", "always"),
    ("ACL", "RFC 4314", "always"),
    ("RIGHTS=kxte", "RFC 4314 §2.2", "always"),
    ("LIST-MYRIGHTS", "RFC 8440", "always"),
    ("QUOTA", "RFC 9208", "always"),
    ("QUOTA=RES-STORAGE", "RFC 9208 §5.1", "always"),
    ("QUOTA=RES-MESSAGE", "RFC 9208 §5.2", "always"),
    ("QUOTA=RES-MAILBOX", "RFC 9208 §5.3", "always"),
    ("QUOTASET", "RFC 9208 §4.1", "always"),
    ("CONDSTORE", "RFC 7162 §3.1", "always"),
    ("QRESYNC", "RFC 7162 §3.2", "always"),
    ("WITHIN", "RFC 5032", "always"),
    ("UNAUTHENTICATE", "RFC 8437", "post-auth"),
    ("SAVEDATE", "RFC 8514", "always"),
    ("OBJECTID", "RFC 8474", "always"),
    # RFC 5464 §1: METADATA is mailbox and server annotations both (so no
    # METADATA-SERVER beside it, as Cyrus advertises it).
    ("METADATA", "RFC 5464", "always"),
    ("COMPRESS=DEFLATE", "RFC 4978", "always"),
    ("PREVIEW", "RFC 8970", "always"),
    ("PARTIAL", "RFC 9394", "always"),
    ("INPROGRESS", "RFC 9585", "always"),
    ("REPLACE", "RFC 8508", "always"),
    ("NOTIFY", "RFC 5465", "always"),
)


def capability_list(conf: Config, *, tls_active: bool, tls_available: bool,
                    authenticated: bool) -> list[str]:
    """The capabilities to advertise in this session state."""
    caps = [name for name, _, when in CAPABILITIES
            if when == "always" or (when == "post-auth") == authenticated]
    if not authenticated:
        if tls_available and not tls_active:
            caps.append("STARTTLS")
        if not plaintext_allowed(conf, tls_active):
            caps.append("LOGINDISABLED")
        caps.extend(f"AUTH={mech}" for mech in mechanisms_offered(conf, tls_active))
    return caps


def markdown_table() -> str:
    lines = ["| capability | defined in | advertised |", "|---|---|---|"]
    for name, rfc, when in CAPABILITIES:
        lines.append(f"| `{name}` | {rfc} | {when} |")
    lines.append("| `STARTTLS` | RFC 9051 §6.2.1 | before TLS, when a certificate is set |")
    lines.append("| `LOGINDISABLED` | RFC 9051 §6.2.3 | on cleartext when allowplaintext is off |")
    lines.append("| `AUTH=mech` | RFC 4422 | before login, per sasl_mech_list |")
    return "\n".join(lines)
