"""cyrus.conf reading: sections, quoted arguments, errors with file and line."""

import pytest

from roost.config import ConfigError
from roost.config.cyrusconf import parse_cyrus_conf

SAMPLE = """
# standard Cyrus layout
START {
  recover  cmd="ctl_cyrusdb -r"
}
SERVICES {
  imap     cmd="imapd" listen="127.0.0.1:1143" prefork=0
  imaps    cmd="imapd -s" listen="127.0.0.1:1993"
  lmtpunix cmd="lmtpd" listen="/var/lib/roost/socket/lmtp"
}
EVENTS {
  squatter cmd="squatter -s -r user" at=0200
}
"""


def test_sections_and_entries() -> None:
    conf = parse_cyrus_conf(SAMPLE)
    assert [e.name for e in conf.services] == ["imap", "imaps", "lmtpunix"]
    assert conf.services[1].cmd == ["imapd", "-s"]
    assert conf.services[0].args["listen"] == "127.0.0.1:1143"
    assert conf.events[0].args["at"] == "0200"
    assert conf.start[0].cmd == ["ctl_cyrusdb", "-r"]


def test_unclosed_quote_names_line() -> None:
    with pytest.raises(ConfigError, match=r"<cyrus.conf>:2: No closing quotation"):
        parse_cyrus_conf('SERVICES {\n imap cmd="imapd listen=x\n}\n')


def test_unknown_section_names_line() -> None:
    with pytest.raises(ConfigError, match=r":1: expected one of START"):
        parse_cyrus_conf("LISTENERS {\n}\n")


def test_unclosed_section() -> None:
    with pytest.raises(ConfigError, match="not closed"):
        parse_cyrus_conf("SERVICES {\n imap cmd=imapd\n")
