"""Which mechanisms are advertised (sasl_mech_list, allowplaintext, and
whether the credential sources keep SCRAM secrets)."""

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
    ("sasl_pwcheck_method: saslauthd", True, ["PLAIN", "LOGIN"]),
    ("sasl_pwcheck_method: saslauthd", False, []),
    ("sasl_auxprop_plugin: sql", True, ["PLAIN", "LOGIN"]),
    ("sasl_pwcheck_method: saslauthd auxprop", True, ALL),
    ("sasl_auxprop_plugin: sql sasldb", True, ALL),
])
def test_mechanisms_offered(conf_text: str, tls: bool, expected: list[str]) -> None:
    assert mechanisms_offered(parse_config(conf_text), tls) == expected
