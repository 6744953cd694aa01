"""imapd.conf reading: types, Cyrus booleans, errors with file and line."""

from pathlib import Path

import pytest

from roost.config import ConfigError, parse_config


def test_defaults_follow_cyrus_3() -> None:
    conf = parse_config("")
    assert conf.unixhierarchysep is True
    assert conf.altnamespace is True
    assert conf.hierarchy_sep == "/"
    assert conf.defaultpartition == "default"


@pytest.mark.parametrize("word,value", [("yes", True), ("Off", False), ("1", True), ("f", False)])
def test_cyrus_boolean_spellings(word: str, value: bool) -> None:
    assert parse_config(f"allowplaintext: {word}\n").allowplaintext is value


def test_values_partitions_and_lists() -> None:
    conf = parse_config(
        "# comment\n"
        "admins: cyrus  root\n"
        "partition-default: /var/spool/roost\n"
        "partition-big: /srv/big\n"
        "maxmessagesize: 1048576\n"
    )
    assert conf.admins == ("cyrus", "root")
    assert conf.partitions == {"default": "/var/spool/roost", "big": "/srv/big"}
    assert conf.maxmessagesize == 1048576
    assert conf.is_admin("root") and not conf.is_admin("bob")


def test_bad_value_names_file_and_line() -> None:
    with pytest.raises(ConfigError, match=r"imapd.conf:3: maxmessagesize takes a whole number"):
        parse_config("admins: a\n\nmaxmessagesize: lots\n", Path("imapd.conf"))


def test_malformed_line_names_line() -> None:
    with pytest.raises(ConfigError, match=r"<config>:2: expected 'option: value'"):
        parse_config("admins: a\nthis is not an option\n")


def test_unknown_option_is_a_warning_sasl_passes() -> None:
    conf = parse_config("frobnicate: 1\nsasl_ldapdb_uri: ldap://x\n")
    assert conf.warnings == ["<config>:1: unknown option 'frobnicate' ignored"]
    assert conf.extra["sasl_ldapdb_uri"] == "ldap://x"


def test_enum_rejects_other_words() -> None:
    with pytest.raises(ConfigError, match="virtdomains takes one of off, userid, on"):
        parse_config("virtdomains: maybe\n")


def test_empty_partition_names_file_and_line() -> None:
    with pytest.raises(ConfigError, match=r"imapd.conf:2: partition-big needs a value"):
        parse_config("partition-default: /srv\npartition-big:\n", Path("imapd.conf"))


def test_an_option_not_yet_acted_on_is_accepted_with_a_warning() -> None:
    conf = parse_config("imapmagicplus: yes\nservername: mx\n")
    assert conf.imapmagicplus is True
    assert conf.warnings == ["<config>:1: imapmagicplus is accepted but Roost does not act on it yet"]


def test_unknown_attribute_is_an_error_not_a_default() -> None:
    conf = parse_config("")
    with pytest.raises(AttributeError):
        conf.tiemout  # type: ignore[attr-defined]  # noqa: B018


def test_options_are_read_only_in_code() -> None:
    conf = parse_config("timeout: 40\n")
    with pytest.raises(AttributeError, match="timeout is read-only"):
        conf.timeout = 5  # type: ignore[assignment]
    assert conf.timeout == 40
