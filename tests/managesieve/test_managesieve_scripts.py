"""The script commands of RFC 5804 §2.5-2.12, over a real socket, each with
its response codes; the files in the sievedir say what was stored."""

from __future__ import annotations

from tests.managesieve.conftest import RunningSieve, SieveTranscript, open_client

from roost.sieve import load_compiled

KEEP = "keep;"
FILTER = 'require "fileinto";\r\nif header :contains "Subject" "x" { fileinto "INBOX.x"; }\r\n'


def put(name: str, source: str) -> str:
    """A PUTSCRIPT line with the script as a non-synchronising literal."""
    return f'C: PUTSCRIPT "{name}" {{{len(source.encode())}+}}\n' + "".join(
        f"C: {line}\n" for line in source.split("\r\n"))


async def test_put_list_get_round_trip(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await sieve.play(put("filter", FILTER) + """
        S: OK
        C: LISTSCRIPTS
        S: "filter"
        S: OK
        C: GETSCRIPT "filter"
        S: {80}
        S: require "fileinto";
        S: if header :contains "Subject" "x" { fileinto "INBOX.x"; }
        S: 
        S: OK
    """)
    scripts = sieve_server.ctx.scripts
    assert await scripts.get_script("bob", "filter") == FILTER.encode()
    compiled = await scripts.get_compiled("bob", "filter")
    assert compiled is not None
    assert "fileinto" in load_compiled(compiled, FILTER.encode()).requires


async def test_setactive_marks_one_script_and_empty_name_deactivates(sieve: SieveTranscript) -> None:
    await sieve.play(put("a", KEEP) + "S: OK\n" + put("b", KEEP) + """
        S: OK
        C: SETACTIVE "a"
        S: OK
        C: SETACTIVE "b"
        S: OK
        C: LISTSCRIPTS
        S: "a"
        S: "b" ACTIVE
        S: OK
        C: SETACTIVE ""
        S: OK
        C: SETACTIVE ""
        S: OK
        C: LISTSCRIPTS
        S: "a"
        S: "b"
        S: OK
        C: SETACTIVE "nosuch"
        S: NO (NONEXISTENT) {…}
    """)


async def test_delete_refuses_the_active_script(sieve: SieveTranscript) -> None:
    await sieve.play(put("a", KEEP) + """
        S: OK
        C: SETACTIVE "a"
        S: OK
        C: DELETESCRIPT "a"
        S: NO (ACTIVE) {…}
        C: DELETESCRIPT "nosuch"
        S: NO (NONEXISTENT) {…}
        C: SETACTIVE ""
        S: OK
        C: DELETESCRIPT "a"
        S: OK
        C: LISTSCRIPTS
        S: OK
        C: GETSCRIPT "a"
        S: NO (NONEXISTENT) {…}
    """)


async def test_rename_keeps_the_script_active(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await sieve.play(put("old", KEEP) + "S: OK\n" + put("other", KEEP) + """
        S: OK
        C: SETACTIVE "old"
        S: OK
        C: RENAMESCRIPT "old" "other"
        S: NO (ALREADYEXISTS) {…}
        C: RENAMESCRIPT "nosuch" "x"
        S: NO (NONEXISTENT) {…}
        C: RENAMESCRIPT "old" "new"
        S: OK
        C: LISTSCRIPTS
        S: "new" ACTIVE
        S: "other"
        S: OK
    """)
    assert await sieve_server.ctx.scripts.active_script("bob") == "new"


async def test_a_script_with_errors_is_refused_with_line_and_column(
        sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    bad = 'require "fileinto";\r\nif true {\r\n  fileinto "x"\r\n}\r\n'
    await sieve.play(put("good", KEEP) + "S: OK\n" + put("good", bad) + """
        S: NO "line 4, column 1: {…}"
        C: CHECKSCRIPT "if true { stop"
        S: NO "line 1, column {…}"
    """)
    # RFC 5804 §2.6: the old script of that name is not overwritten.
    assert await sieve_server.ctx.scripts.get_script("bob", "good") == KEEP.encode()


async def test_several_errors_come_as_one_multiline_literal(sieve: SieveTranscript) -> None:
    await sieve.play("""
        C: CHECKSCRIPT "require \\"nosuch\\"; frobnicate;"
        S: NO {…}
        S: line 1, column 9: {…}
        S: line 1, column 19: {…}
    """)


async def test_unknown_extension_and_empty_script_are_refused(sieve: SieveTranscript) -> None:
    await sieve.play("""
        C: PUTSCRIPT "x" "require \\"x-nosuch\\"; keep;"
        S: NO "line 1, column 9: {…}x-nosuch{…}"
        C: PUTSCRIPT "x" ""
        S: NO "line 1, column 1: a script may not be empty"
        C: CHECKSCRIPT "keep;"
        S: OK
        C: LISTSCRIPTS
        S: OK
    """)


async def test_maxscripts_counts_new_names_only(sieve: SieveTranscript) -> None:
    """sieve_maxscripts is 3 on the test site (Cyrus: QUOTA/MAXSCRIPTS)."""
    await sieve.play(put("a", KEEP) + "S: OK\n" + put("b", KEEP) + "S: OK\n" + put("c", KEEP) + """
        S: OK
        C: PUTSCRIPT "d" "keep;"
        S: NO (QUOTA/MAXSCRIPTS) {…}
        C: HAVESPACE "d" 10
        S: NO (QUOTA/MAXSCRIPTS) {…}
        C: HAVESPACE "c" 10
        S: OK
        C: PUTSCRIPT "c" "discard;"
        S: OK
    """)


async def test_maxscriptsize_in_havespace_and_putscript(sieve: SieveTranscript) -> None:
    """sieve_maxscriptsize is 1 (KiB) on the test site."""
    big = "#" + "x" * 1100 + "\r\nkeep;"
    await sieve.play("""
        C: HAVESPACE "big" 1024
        S: OK
        C: HAVESPACE "big" 1025
        S: NO (QUOTA/MAXSIZE) {…}
        C: HAVESPACE "big" 99999999999
        S: NO {…}
    """ + put("big", big) + """
        S: NO (QUOTA/MAXSIZE) {…}
        C: LISTSCRIPTS
        S: OK
    """)


async def test_script_commands_need_authentication(sieve_anon: SieveTranscript) -> None:
    await sieve_anon.play("""
        C: LISTSCRIPTS
        S: NO "Authenticate first"
        C: PUTSCRIPT "a" "keep;"
        S: NO "Authenticate first"
        C: GETSCRIPT "a"
        S: NO "Authenticate first"
        C: UNAUTHENTICATE
        S: NO "Authenticate first"
    """)


async def test_names_follow_rfc5804_section_1_6(sieve: SieveTranscript) -> None:
    await sieve.play("""
        C: PUTSCRIPT "" "keep;"
        S: NO {…}empty{…}
        C: PUTSCRIPT {3+}
        C: a
        C:  "keep;"
        S: NO "PUTSCRIPT: Invalid script name"
        C: PUTSCRIPT "a/b" "keep;"
        S: NO "Invalid script name"
        C: PUTSCRIPT "café \\"quoted\\"" "keep;"
        S: OK
        C: LISTSCRIPTS
        S: {14}
        S: café "quoted"
        S: OK
    """)


async def test_scripts_are_per_user(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await sieve.play(put("mine", KEEP) + "S: OK\n")
    alice = await open_client(sieve_server, "alice")
    try:
        await alice.play("""
            C: LISTSCRIPTS
            S: OK
            C: GETSCRIPT "mine"
            S: NO (NONEXISTENT) {…}
        """)
    finally:
        await alice.close()
