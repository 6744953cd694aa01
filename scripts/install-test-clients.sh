#!/usr/bin/env bash
# Installs the Debian packages of the real mail clients the end-to-end tests
# drive (imtest, cyradm, sieveshell, sieve-connect, mbsync, offlineimap, swaks, tin under tmux,
# fetchmail, getmail, saslauthd), PostgreSQL (initdb, pg_ctl) for the throwaway
# clusters of the store and sql auxprop tests, and the Cyrus server the
# differential tests start on loopback (cyrus-imapd with saslpasswd2; Debian's
# own Cyrus service is stopped), when they are missing.
set -euo pipefail
need=()
{ command -v imtest || [ -x /usr/lib/cyrus/bin/imtest ]; } >/dev/null || need+=(cyrus-clients)
command -v cyradm >/dev/null || need+=(cyrus-admin)
command -v mbsync >/dev/null || need+=(isync)
command -v offlineimap >/dev/null || need+=(offlineimap3)
command -v swaks >/dev/null || need+=(swaks)
command -v sieve-connect >/dev/null || need+=(sieve-connect)
command -v tin >/dev/null || need+=(tin)
command -v tmux >/dev/null || need+=(tmux)
command -v fetchmail >/dev/null || need+=(fetchmail)
command -v getmail >/dev/null || need+=(getmail6)
# saslauthd and testsaslauthd; nss_wrapper gives saslauthd a test-only passwd file
{ command -v saslauthd || [ -x /usr/sbin/saslauthd ]; } >/dev/null || need+=(sasl2-bin)
ls /usr/lib/*/libnss_wrapper.so >/dev/null 2>&1 || need+=(libnss-wrapper)
command -v openssl >/dev/null || need+=(openssl)
# tests/harness/postgres.py: as root, its clusters run as the postgres user the package creates
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/lib/cyrus/bin/master ] || need+=(cyrus-imapd)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
# The tests start their own Cyrus in a temp directory; Debian's must not run.
{ [ -x /usr/lib/cyrus/bin/master ] && $sudo service cyrus-imapd stop; } >/dev/null 2>&1 || true
