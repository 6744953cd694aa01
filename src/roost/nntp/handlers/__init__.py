"""NNTP command handlers: one async function per command, by family."""
