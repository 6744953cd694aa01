"""`roost saslpasswd2`: Cyrus SASL's name for `roost saslpasswd`."""

from roost.tools.saslpasswd import main

NAME = "saslpasswd2"
SUMMARY = "same as saslpasswd (the Cyrus SASL name)"

__all__ = ["NAME", "SUMMARY", "main"]
