"""The host interface is asynchronous: the interpreter awaits each question."""

from __future__ import annotations

import asyncio

from roost.sieve import DefaultHost, Envelope, compile_script, evaluate


class WaitingHost(DefaultHost):
    """A host whose answer is only ready once another task has run: an
    interpreter that did not await its questions could never get it."""

    def __init__(self, ready: asyncio.Event) -> None:
        super().__init__(mailboxes={"INBOX", "Lists"})
        self.ready = ready

    async def mailbox_exists(self, mailbox: str) -> bool:
        await self.ready.wait()
        return await super().mailbox_exists(mailbox)


async def test_questions_to_the_host_are_awaited() -> None:
    program = compile_script('require ["mailbox", "fileinto"];'
                             ' if mailboxexists "Lists" { fileinto "Lists"; }')
    ready = asyncio.Event()
    run = asyncio.create_task(evaluate(program, b"Subject: x\r\n\r\n", Envelope(),
                                       WaitingHost(ready)))
    await asyncio.sleep(0)
    assert not run.done()  # the script is waiting for its answer, the loop is free
    ready.set()
    assert [type(a).__name__ for a in (await run).actions] == ["FileInto"]
