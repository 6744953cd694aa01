"""ManageSieve (RFC 5804): upload, list, activate and delete Sieve scripts;
Cyrus's `timsieved`, port 4190.

Layout as every protocol package: the IMAP wire frames lines and literals
(`roost.imap.wire`), `parse` turns a line into a `commands` value,
`dispatch` checks the state and maps errors, `handlers/` do the work
over `ctx.scripts` (roost.store.scripts.ScriptStore), `server` is the
asyncio glue on `roost.net`.

Invariants:
- Limits are checked before bytes are accepted: a literal past its
  command's budget (pre-login PRELOGIN_INPUT; PUTSCRIPT/CHECKSCRIPT
  sieve_maxscriptsize plus a name) is refused from its announced size,
  and the wire resynchronises after any refused line or literal.
- Every refusal is a NO (RFC 5804 has no BAD) and the session goes on;
  BYE only when the server hangs up (timeouts, shutdown, overload).
- Nothing is stored unless `roost.sieve.compile_script` accepts it under
  the site's SieveOptions; the compiled form is stored beside the source.
- Logins go through `ctx.logins` only; PLAIN/LOGIN on cleartext follow
  the one allowplaintext rule (`roost.auth.sasl.mechanisms_offered`).
- An admin acting as itself manages the global scripts; with an
  authorization identity, that user's (Cyrus timsieved).
"""
