"""The one table of imapd.conf options: name, type, default, one line of doc.

Defaults follow Cyrus IMAP 3.x (`imapoptions` in its source), except where a
line says otherwise. `roost config --list` and docs/options.md are generated
from this table, so the table is the documentation.

Types: bool (Cyrus spellings: 1/0, yes/no, on/off, true/false, t/f),
int, str, size (bytes; plain integer), list (whitespace-separated words),
enum (one of `choices`). Options whose name ends in `-*` are families:
`partition-*` matches `partition-default`, `partition-spool2`, ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Option:
    """One imapd.conf option."""

    name: str
    type: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


OPTIONS: tuple[Option, ...] = (
    # -- where things live
    Option("configdirectory", "str", "", "Directory of Roost's databases, sockets and state."),
    Option("partition-*", "str", None, "Path of the mail partition NAME (partition-NAME: /path)."),
    Option("defaultpartition", "str", "default", "Partition of new mailboxes when none is named."),
    Option("hashimapspool", "bool", False,
           "Cyrus compatibility; Roost always spreads bodies over hashed directories."),
    Option("fulldirhash", "bool", False,
           "Cyrus compatibility; Roost's body paths are hashes of the content."),
    Option("singleinstancestore", "bool", True,
           "Cyrus compatibility; bodies are content-addressed, so one copy is always kept."),
    Option("sievedir", "str", "", "Directory of users' Sieve scripts (default: configdirectory/sieve)."),
    # -- naming
    Option("servername", "str", "", "Name the server gives itself (default: the host name)."),
    Option("unixhierarchysep", "bool", True, "Use / as the hierarchy separator instead of ."),
    Option("altnamespace", "bool", True,
           "Show a user's folders beside INBOX instead of under it."),
    Option("virtdomains", "enum", "off", "Virtual domains: off, userid or on.",
           ("off", "userid", "on")),
    Option("defaultdomain", "str", "", "Domain of users who log in without one."),
    Option("userprefix", "str", "Other Users", "Name of the other users' namespace with altnamespace."),
    Option("sharedprefix", "str", "Shared Folders", "Name of the shared namespace with altnamespace."),
    # -- identity and authentication
    Option("admins", "list", [], "Users who are administrators."),
    Option("allowplaintext", "bool", False,
           "Allow plaintext passwords (LOGIN, PLAIN) on unencrypted connections."),
    Option("sasl_mech_list", "list", [],
           "SASL mechanisms offered (default: PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256)."),
    Option("sasl_pwcheck_method", "str", "auxprop", "How passwords are checked (auxprop: Roost's store)."),
    Option("sasl_minimum_layer", "int", 0, "Minimum SASL security strength (0: none)."),
    Option("sasl_scram_iterations", "int", 4096, "PBKDF2 iterations for new SCRAM secrets."),
    Option("allowanonymouslogin", "bool", False, "Allow the anonymous user to log in."),
    Option("failedloginpause", "int", 3, "Seconds to wait after a failed authentication."),
    # -- TLS
    Option("tls_server_cert", "str", "", "PEM file of the server certificate."),
    Option("tls_server_key", "str", "", "PEM file of the server private key."),
    Option("tls_client_ca_file", "str", "", "CA bundle used to verify client certificates."),
    Option("tls_versions", "list", ["tls1_2", "tls1_3"], "TLS versions accepted."),
    # -- limits
    Option("maxmessagesize", "size", 0, "Largest message accepted in bytes (0: no limit)."),
    Option("maxlinelength", "int", 65536, "Longest protocol line accepted in bytes."),
    Option("maxliteral", "int", 0, "Largest literal outside APPEND in bytes (0: maxmessagesize)."),
    Option("timeout", "int", 32, "Minutes an idle IMAP connection is kept (at least 30)."),
    Option("imapidlepoll", "int", 60, "Seconds between IDLE checks when no notification arrives."),
    Option("lmtp_timeout", "int", 300, "Seconds an idle LMTP connection is kept."),
    # -- what the server says about itself
    Option("imapidresponse", "bool", True, "Answer the ID command with the server's name and version."),
    Option("serverinfo", "enum", "on",
           "How much the server tells of itself in greetings: off, min or on.", ("off", "min", "on")),
    Option("imapmagicplus", "bool", False, "Treat user+detail in LOGIN as user with a namespace filter."),
    # -- delivery
    Option("lmtp_downcase_rcpt", "bool", True, "Lower-case recipient local parts in LMTP."),
    Option("lmtp_over_quota_perm_failure", "bool", False,
           "Answer over-quota deliveries with a permanent (5xx) instead of temporary failure."),
    Option("postuser", "str", "", "Local part that posts into shared folders (user+folder)."),
    Option("duplicatesuppression", "bool", True, "Drop a second delivery of the same Message-ID."),
    Option("postmaster", "str", "postmaster", "Address of rejections and notices."),
    Option("sendmail", "str", "/usr/sbin/sendmail", "Program used to send redirects and vacation replies."),
    # -- sieve
    Option("sieve_extensions", "list", [],
           "Sieve extensions a script may require (default: every one Roost has)."),
    Option("sieve_maxscriptsize", "int", 32, "Largest Sieve script in kilobytes."),
    Option("sieve_maxscripts", "int", 5, "Most Sieve scripts a user may keep."),
    Option("rfc3028_strict", "bool", True, "Reject scripts that use RFC 3028 features dropped by RFC 5228."),
    Option("sieve_utf8fileinto", "bool", False, "Mailbox names in fileinto are UTF-8, not modified UTF-7."),
    Option("sieve_vacation_min_response", "int", 259200, "Shortest vacation :days/:seconds in seconds."),
    Option("sieve_vacation_max_response", "int", 7776000, "Longest vacation :days/:seconds in seconds."),
    # -- processes
    Option("workers", "int", 0, "Worker processes serving connections (0: one per core)."),
    # -- store behaviour
    Option("quotawarn", "int", 90, "Percent of quota at which users are warned."),
    Option("quotawarnkb", "int", 0, "Warn when fewer than this many kilobytes remain (0: off)."),
    Option("fsync", "bool", True, "Sync message files and the index before acknowledging (keep on)."),
)


@cache
def option_table() -> dict[str, Option]:
    """Options by name; family options keep their `-*` suffix.

    Built once: every read of an unset option looks here (a hot path).
    """
    return {opt.name: opt for opt in OPTIONS}
