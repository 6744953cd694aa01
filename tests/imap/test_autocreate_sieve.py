"""autocreate_sieve_script: an autocreated user gets the site's script as
their active one (Cyrus's autosieve), named after the file; a script that
does not compile is left out and the user is still made."""

from __future__ import annotations

from pathlib import Path

from tests.harness.imap import play_as, running_imap
from tests.harness.site import PASSWORD, make_site

from roost.auth.open_credentials import open_credential_store
from roost.config import Config
from roost.store.open import open_scripts


async def first_login(tmp_path: Path, cert_dir: Path, script: Path) -> Config:
    """erin logs in for the first time on a site with `script` as its default."""
    site = make_site(tmp_path / "site", cert_dir,
                     f"autocreate_quota: 0\nautocreate_sieve_script: {script}\n")
    creds = open_credential_store(site.conf)
    creds.set_password("erin", PASSWORD)
    creds.close()
    async with running_imap(site) as server:
        await play_as(server, "erin", """
            C: a1 LIST "" "INBOX"
            S: * LIST ({…}) "/" "INBOX"
            S: a1 OK {…}
        """)
    return site.conf


async def test_an_autocreated_user_gets_the_default_script(tmp_path: Path,
                                                           cert_dir: Path) -> None:
    script = tmp_path / "default.script"
    script.write_bytes(b'require "fileinto";\r\nif header :contains "subject" "spam" { discard; }\r\n')
    scripts = open_scripts(await first_login(tmp_path, cert_dir, script))
    assert await scripts.active_script("erin") == "default"
    assert await scripts.get_script("erin", "default") == script.read_bytes()
    assert await scripts.get_compiled("erin", "default") is not None


async def test_a_broken_default_script_is_left_out(tmp_path: Path, cert_dir: Path) -> None:
    script = tmp_path / "broken.sieve"
    script.write_bytes(b"if nonsense {")
    scripts = open_scripts(await first_login(tmp_path, cert_dir, script))
    assert await scripts.list_scripts("erin") == []
