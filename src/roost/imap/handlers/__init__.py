"""IMAP command handlers, one async def per command, grouped by family.

Handlers neither check state nor catch errors nor write the tag: dispatch
does all three. They raise `No`/`BadCommand` or let store errors through.
"""
