"""`roost sasldblistusers2`: Cyrus SASL's name for `roost sasldblistusers`."""

from roost.tools.sasldblistusers import main

NAME = "sasldblistusers2"
SUMMARY = "same as sasldblistusers (the Cyrus SASL name)"

__all__ = ["NAME", "SUMMARY", "main"]
