"""One async function per LMTP command; `dispatch.py` checks state and maps errors."""
