"""POP3 command handlers, one async def per command; `dispatch.py` checks
the state and turns every refusal into its -ERR line."""
