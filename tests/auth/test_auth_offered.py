"""Which mechanisms are advertised (sasl_mech_list, allowplaintext)."""

from __future__ import annotations

import pytest

from roost.auth import mechanisms_offered
from roost.config import parse_config

ALL = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"]


@pytest.mark.parametrize(("conf_text", "tls", "expected"), [
    ("", True, ALL),
    ("", False, ["SCRAM-SHA-256", "SCRAM-SHA-1"]),
    ("allowplaintext: yes", False, ALL),
    ("sasl_mech_list: plain scram-sha-256", True, ["SCRAM-SHA-256", "PLAIN"]),
    ("sasl_mech_list: PLAIN", False, []),
    ("sasl_mech_list: CRAM-MD5 DIGEST-MD5 LOGIN", True, ["LOGIN"]),
])
def test_mechanisms_offered(conf_text: str, tls: bool, expected: list[str]) -> None:
    assert mechanisms_offered(parse_config(conf_text), tls) == expected
