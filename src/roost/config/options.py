"""The one table of imapd.conf options: name, type, default, one line of doc.

Each line is `name = Kind(default, "doc")`: the attribute is the Cyrus
option name, the kind (roost.config.kinds) its type, both in imapd.conf
and in code, where `Config` inherits this table so `conf.name` is typed.
Defaults follow Cyrus IMAP 3.x (`imapoptions` in its source), except where
a line says otherwise. `roost config` and docs/options.md are generated
from this table, so the table is the documentation.

An option Roost accepts but does nothing with says so with a third
argument, and the generated doc line says it too: NOT_YET (not acted on
yet) or NOT_NEEDED (moot by Roost's design; the doc says why).
tests/config/test_option_reads.py fails when a mark and the code disagree.
"""

from __future__ import annotations

from roost.config.kinds import (
    NOT_NEEDED,
    NOT_YET,
    Bool,
    Choice,
    Declared,
    Family,
    Int,
    Option,
    Size,
    Str,
    Words,
)


class Options:
    """The table; `Config` inherits it, so every line is also a typed attribute."""

    # -- where things live
    configdirectory = Str("", "Directory of Roost's databases, sockets and state.")
    partitions = Family("partition-", "Path of the mail partition NAME (partition-NAME: /path).")
    defaultpartition = Str("default", "Partition of new mailboxes when none is named.")
    hashimapspool = Bool(False, "Roost always spreads bodies over hashed directories.", NOT_NEEDED)
    fulldirhash = Bool(False, "Roost's body paths are hashes of the content.", NOT_NEEDED)
    singleinstancestore = Bool(True, "Bodies are content-addressed, so one copy is always kept.", NOT_NEEDED)
    sievedir = Str("", "Directory of users' Sieve scripts, in Cyrus's layout (default: configdirectory/sieve); unused with store_backend: postgres, which keeps them in its database.")
    # -- naming
    servername = Str("", "Name the server gives itself (default: the host name).")
    unixhierarchysep = Bool(True, "Use / as the hierarchy separator instead of .")
    altnamespace = Bool(True, "Show a user's folders beside INBOX instead of under it.")
    virtdomains = Choice(("off", "userid", "on"), "off", "Virtual domains: off, userid or on (a login without a domain takes the one of the server address's host name).")
    virtdomains_hostsfile = Str("", "File in /etc/hosts format naming the server's addresses for virtdomains: on, read before DNS (Roost).")
    defaultdomain = Str("", "Domain of users who log in without one.")
    loginrealms = Words((), "With virtdomains off, realms whose user@realm logins are accepted (as user).")
    userprefix = Str("Other Users", "Name of the other users' namespace with altnamespace.")
    sharedprefix = Str("Shared Folders", "Name of the shared namespace with altnamespace.")
    # -- identity and authentication
    admins = Words((), "Users who are administrators.")
    username_tolower = Bool(True, "Lower-case login names and ACL identifiers before login and lookup (Cyrus auth_canonifyid).")
    submitservers = Words((), "Users and groups that may URLFETCH any valid submit+ URLAUTH URL (the submission server's login, for BURL).")
    allowplaintext = Bool(False, "Allow plaintext passwords (LOGIN, PLAIN) on unencrypted connections.")
    sasl_mech_list = Words((), "SASL mechanisms offered (default: PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256).")
    sasl_pwcheck_method = Words(("auxprop",), "Where passwords are checked, tried in order: auxprop, saslauthd.")
    sasl_auxprop_plugin = Words((), "auxprop sources, tried in order: sasldb (Roost's own store, the default), sql.")
    sasl_saslauthd_path = Str("/var/run/saslauthd/mux", "saslauthd's socket (with sasl_pwcheck_method: saslauthd).")
    sasl_sql_engine = Choice(("mysql", "pgsql", "sqlite3"), "mysql", "SQL engine of the sql auxprop (Roost: pgsql, sqlite3).")
    sasl_sql_hostnames = Words((), "SQL servers of the sql auxprop, host[:port], tried in order.")
    sasl_sql_database = Str("", "Database of the sql auxprop (sqlite3: the file).")
    sasl_sql_user = Str("", "User name for the SQL server.")
    sasl_sql_passwd = Str("", "Password for the SQL server.")
    sasl_sql_select = Str("", "SELECT of a user's password, with '%u', '%r' quoted and %p.")
    sasl_sql_usessl = Bool(False, "Require TLS to the SQL server (pgsql).")
    sasl_minimum_layer = Int(0, "Minimum SASL security strength (Roost offers no layers).", NOT_YET)
    sasl_scram_iterations = Int(4096, "PBKDF2 iterations for new SCRAM secrets.")
    allowanonymouslogin = Bool(False, "Allow the anonymous user to log in (NNTP: read without AUTHINFO, as the ACL lets `anonymous`).")
    failedloginpause = Int(
        3, "Seconds to wait after a failed authentication; also the spacing of further attempts.")
    maxlogins_per_host = Int(0, "Most logged-in sessions of a service from one host.")
    maxlogins_per_user = Int(0, "Most logged-in sessions of a service for one user.")
    unix_group_enable = Bool(True, "Look up users' groups for `group:NAME` ACL identifiers (Cyrus unix auth).")
    unix_group_file = Str("/etc/group", "File in /etc/group format that groups are read from (Roost; Cyrus reads the system's).")
    # -- access control (RFC 4314)
    implicit_owner_rights = Str("lkxa", "Rights the owner of a personal mailbox always holds, whatever its ACL.")
    defaultacl = Str("anyone lrs", "ACL (identifier rights pairs) of a new mailbox that has no parent and no owner.")
    anyoneuseracl = Bool(True, "Let non-administrators grant rights to `anyone` on their mailboxes.")
    # -- annotations (RFC 5464 METADATA)
    annotation_allow_undefined = Bool(False, "Let clients set annotations that neither Cyrus nor Roost defines.")
    annotation_definitions = Str("", "File of third-party annotation definitions.", NOT_YET)
    annotation_enable_legacy_commands = Bool(False, "Offer the draft GETANNOTATION/SETANNOTATION commands.", NOT_YET)
    # -- TLS
    tls_server_cert = Str("", "PEM file of the server certificate.")
    tls_server_key = Str("", "PEM file of the server private key.")
    tls_client_ca_file = Str("", "CA bundle used to verify client certificates.", NOT_YET)
    tls_versions = Words(("tls1_2", "tls1_3"), "TLS versions accepted.")
    # -- limits
    maxmessagesize = Size(0, "Largest message accepted in bytes (0: no limit).")
    maxlinelength = Int(65536, "Longest protocol line accepted in bytes.")
    maxliteral = Int(0, "Largest literal outside APPEND in bytes (0: maxmessagesize).")
    timeout = Int(32, "Minutes an idle IMAP connection is kept (at least 30).")
    imapidlepoll = Int(60, "Seconds between IDLE checks when no notification arrives.")
    lmtp_timeout = Int(300, "Seconds an idle LMTP connection is kept.")
    prelogin_timeout = Int(180, "Seconds a client has to log in (Dovecot's 3 minutes).")
    command_timeout = Int(600, "Seconds to send one whole command, literals included.")
    write_timeout = Int(60, "Seconds a client may leave its output unread.")
    # -- what the server says about itself
    imapidresponse = Bool(True, "Answer the ID command with the server's name and version.")
    serverinfo = Choice(("off", "min", "on"), "on", "How much the server tells of itself in greetings: off, min or on.")
    imapmagicplus = Bool(False, "Treat user+detail in LOGIN as user with a namespace filter.", NOT_YET)
    # -- POP3 (pop3d)
    popminpoll = Int(0, "Minutes a user must wait between POP3 logins to a maildrop ([LOGIN-DELAY]; 0: no limit).")
    poppollpadding = Int(1, "POP3 logins allowed faster than popminpoll, one recovered every popminpoll (1: off).")
    poptimeout = Int(10, "Minutes an idle POP3 connection is kept (at least 10).")
    popexpiretime = Int(-1, "Days CAPA EXPIRE advertises (negative: NEVER); Roost deletes no mail by itself.")
    popuseacl = Bool(False, "Enforce ACLs in POP3: r to open the maildrop, t to DELE, s to set \\Seen.")
    popuseimapflags = Bool(False, "POP3 hides \\Deleted messages, sets \\Seen on what was RETRieved, clears \\Recent.")
    popsubfolders = Bool(False, "POP3 logins as user+folder open that folder of the user's.")
    uidl_format = Choice(("uidonly", "cyrus", "dovecot", "courier"), "cyrus", "POP3 UIDL form: uidonly (UID), cyrus (UIDVALIDITY.UID), dovecot, courier.")
    allowapop = Bool(True, "APOP needs plaintext passwords, which Roost's credential store never keeps: never offered.", NOT_NEEDED)
    # -- delivery
    lmtp_downcase_rcpt = Bool(True, "Lower-case recipient local parts in LMTP.")
    lmtp_over_quota_perm_failure = Bool(False, "Answer over-quota deliveries with a permanent (5xx) instead of temporary failure.")
    postuser = Str("", "Local part that posts into shared folders (postuser+shared.folder).")
    lmtp_fuzzy_mailbox_match = Bool(False, "A +detail folder that does not exist: its closest match (case, - _ space, parent).")
    autocreate_post = Bool(False, "Create a missing INBOX when mail arrives for it (needs autocreate_quota >= 0).")
    autocreate_quota = Int(-1, "At or above 0: create a missing INBOX at login; its STORAGE quota in KiB (0: none).")
    autocreate_quota_messages = Int(-1, "MESSAGE quota of an autocreated INBOX (0 or below: none).")
    autocreate_inbox_folders = Str("", "Folders created with an autocreated INBOX, separated by bars.")
    autocreate_subscribe_folders = Str("", "Of those folders, the ones the user is subscribed to (bars between).")
    autocreate_users = Words(("anyone",), "Users and group:NAMEs whose INBOX may be autocreated.")
    autocreate_sieve_script = Str("", "Sieve script file every autocreated user gets as their active script.")
    duplicatesuppression = Bool(True, "Store a message once per mailbox: a second delivery of the same Message-ID is dropped.")
    postmaster = Str("postmaster", "Sender (From) of Sieve rejections; a bare name gets @servername.")
    sendmail = Str("/usr/sbin/sendmail", "Program that sends redirects, vacation replies, notifications and rejections.")
    smtp_backend = Choice(("host", "sendmail"), "sendmail", "How outgoing mail leaves: the sendmail program, or SMTP to smtp_host.")
    smtp_host = Str("localhost:587", "SMTP relay of smtp_backend: host: host[:port][/tls].")
    # -- sieve
    sieve_extensions = Words((), "Sieve extensions a script may require (default: every one Roost has).")
    sieve_maxscriptsize = Int(32, "Largest Sieve script in kilobytes.")
    sieve_maxscripts = Int(5, "Most Sieve scripts a user may keep.")
    sieve_maxredirects = Int(5, "Most redirects one Sieve run may make for one message (RFC 5228 §10); ManageSieve advertises it as MAXREDIRECTS.")
    sieve_allowreferrals = Bool(True, "Let ManageSieve refer a client to the back-end of its user (Murder: none in Roost yet).", NOT_YET)
    rfc3028_strict = Bool(True, "Reject scripts that use RFC 3028 features dropped by RFC 5228.")
    sieve_utf8fileinto = Bool(False, "Mailbox names in fileinto are UTF-8, not modified UTF-7.")
    sieve_vacation_min_response = Int(259200, "Shortest vacation :days/:seconds in seconds.")
    sieve_vacation_max_response = Int(7776000, "Longest vacation :days/:seconds in seconds.")
    sieveusehomedir = Bool(False, "Run ~user/.sieve (the user's system home) instead of the active script of sievedir.")
    sieve_use_lmtp_reject = Bool(True, "Answer reject with LMTP 550 5.7.1 (ASCII reasons) instead of an MDN.")
    # -- news (NNTP, docs/nntp.md)
    newsprefix = Str("", "Prefix prepended to newsgroup names to make their mailbox names (`news` serves news.comp.lang as comp.lang).")
    newsgroups = Str("*", "Wildmat of the shared mailboxes (below newsprefix) served as newsgroups.")
    newspostuser = Str("", "User whose +group addresses POST adds to articles (To:, per newsaddheaders).")
    newsaddheaders = Words(("to",), "Headers POST adds newspostuser+group addresses to: to, replyto.")
    newsmaster = Str("news", "User whose rights decide articles fed by peers with IHAVE.")
    newspeer = Str("", "Whitespace-separated news peers [user[:pass]@]host[:port][/wildmat]: fed new articles, allowed IHAVE.")
    allownewnews = Bool(False, "Allow the NNTP NEWNEWS command.")
    nntptimeout = Int(3, "Minutes an idle NNTP connection is kept (at least 3).")
    # -- search (roost.search.index; docs/search.md)
    search_engine = Choice(("none", "sqlite", "postgres", "squat", "xapian"), "sqlite", "Full-text index SEARCH uses: the store's engine (SQLite FTS5 trigrams, a file per user; with store_backend: postgres, pg_trgm in the store's database, also named postgres); squat and xapian mean it too; none scans (Cyrus's default).")
    search_batchsize = Int(500, "Messages the indexer adds per index transaction, at most 64 MiB of mail (Cyrus: 20, as its batch locks the mailbox; Roost's locks nothing delivery or IMAP waits on).")
    search_attachment_extractor_url = Str("", "HTTP URL that turns attachments into text for SEARCH FUZZY (Cyrus's extractor protocol: PUT of the part).")
    search_fuzzy_always = Bool(False, "Treat every SEARCH text key as FUZZY (RFC 6203): with an index, stemmed word matches are added to the substring ones.")
    # -- processes
    workers = Int(0, "Worker processes serving connections (0: one per core).")
    worker_heartbeat_timeout = Int(30, "Seconds a silent worker runs before it is replaced (0: never).")
    # -- logs, telemetry and metrics (docs/administration.md)
    syslog_facility = Str("", "Syslog facility of every log line (LOCAL0-7, MAIL, DAEMON, USER); empty: log to stderr instead.")
    syslog_prefix = Str("", "Put before the service name in syslog lines (`cyrus` gives `cyrus/imap[pid]: ...`).")
    syslog_socket = Str("/dev/log", "Roost: the syslog socket (a unix datagram socket) when syslog_facility is set.")
    auditlog = Bool(False, "Log an `auditlog: append` line for every message stored.")
    metrics_port = Int(0, "Roost: 127.0.0.1 port of the Prometheus metrics endpoint served by the master (0: off).")
    # -- store behaviour
    quotawarn = Int(90, "Percent of quota past which SELECT gives an [ALERT].")
    quotawarnkb = Int(0, "Warn only once fewer than this many KiB of STORAGE remain (0: off).")
    fsync = Bool(True, "Sync message files and the index before acknowledging (keep on).")
    flag_sync_delay = Int(1, "Roost: flag changes and expunges are answered once committed (they survive any process crash at once) and reach the disk within this many seconds; 0: synced before their OK.")
    body_sync = Choice(("syncfs", "file"), "syncfs", "Roost: how body files are made durable before their index commit: syncfs (one syncfs of the partition's file system per group commit, Linux) or file (fdatasync each body and fsync the directories it changed, in the delivering thread; better when other programs keep the file system busy).")
    delete_mode = Choice(("immediate", "delayed"), "delayed", "delayed: DELETE keeps mailboxes under deletedprefix, seen by admins only, until cyr_expire -D; immediate: removes them at once.")
    deletedprefix = Str("DELETED", "Hierarchy where delete_mode: delayed keeps deleted mailboxes.")
    expunge_mode = Choice(("immediate", "semidelayed", "delayed"), "delayed", "delayed: expunged bodies stay for unexpunge until cyr_expire -X; immediate, semidelayed: released at EXPUNGE (the record stays as a tombstone for QRESYNC either way).")
    # -- where the index lives (docs/scaling.md)
    store_backend = Choice(("sqlite", "postgres"), "sqlite", "Roost: where the mail index and metadata live: sqlite (configdirectory/mailstore.db, one machine) or postgres (the database of store_dsn, shared by any number of nodes).")
    store_dsn = Str("", "Roost: the libpq connection string of the PostgreSQL database with store_backend: postgres (`host=/run/postgresql dbname=roost`, or a postgresql:// URL).")
    # -- where bodies live (docs/scaling.md)
    blob_store = Choice(("files", "s3"), "files", "Where message bodies live: files under each partition-NAME, or an S3-compatible bucket (one prefix per partition).")
    s3_endpoint = Str("", "URL of the S3-compatible service (empty: AWS S3 of s3_region).")
    s3_bucket = Str("", "Bucket holding the bodies with blob_store: s3.")
    s3_region = Str("us-east-1", "Region of the bucket.")
    s3_access_key_id = Str("", "Access key (empty: AWS_ACCESS_KEY_ID from the environment).")
    s3_secret_access_key = Str("", "Secret key (empty: AWS_SECRET_ACCESS_KEY from the environment).")
    s3_prefix = Str("", "Key prefix inside the bucket, so several sites can share one.")
    s3_cache_size = Size(1 << 30, "Bytes of bodies kept in the local read cache under configdirectory/blobcache (0: no cache).")


OPTIONS: tuple[Declared, ...] = tuple(v for v in vars(Options).values() if isinstance(v, Declared))
"""Every line of the table, in table order (what the docs list)."""

BY_NAME: dict[str, Option[object]] = {o.name: o for o in OPTIONS if isinstance(o, Option)}
"""Plain options by imapd.conf name, for the parser."""

FAMILIES: tuple[Family, ...] = tuple(o for o in OPTIONS if isinstance(o, Family))
"""Options named PREFIX-MEMBER, for the parser."""
