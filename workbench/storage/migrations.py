"""The schema, as the migrations that built it: each runs once, in order, inside one write
transaction, and PRAGMA user_version records how many have run (the way sqlite-utils keeps
its own migrations apart from the connection). Append new ones; never edit one that has
shipped."""

import os

import sqlite_utils

from .db import connect, create_private, write_transaction


def _create_core_tables(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "title": str,
            "publisher": str,
            "url": str,
            "published_on": str,
            "body": str,
            "content_hash": str,
            "source_format": str,
            "imported_at": str,
            "imported_by": str,
        },
        pk="id",
        not_null={"title", "body", "content_hash", "imported_at"},
    )
    db.table("articles").create_index(["content_hash"], unique=True)
    db.table("claims").create(
        {
            "id": int,
            "article_id": int,
            "position": int,
            "start": int,
            "end": int,
            "text": str,
            "status": str,
            "version": int,
            "updated_by": str,
            "updated_at": str,
            "is_claim": int,
            # Why a claim is hidden: "not_a_claim" (a reviewer said so) or "merged" (into
            # merged_into). Hidden claims are kept, with no position.
            "hidden_reason": str,
            "merged_into": int,
            # Who the article says is the source (workbench.attribution), verbatim span.
            "attribution_text": str,
            "attribution_kind": str,
            "attribution_start": int,
            "attribution_end": int,
            "attribution_medium": str,
            "attribution_confirmed_by": str,
            # Space-separated names from workbench.flags.FLAGS, and the "check first" rank.
            "flags": str,
            "check_first": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "start", "end", "text", "status", "version"},
        defaults={
            "status": "unverified",
            "version": 1,
            "is_claim": 1,
            "flags": "",
            "attribution_kind": "none",
            "check_first": 9,
        },
    )
    db.table("claims").create_index(["article_id", "position"])
    # Serves the status filter in position order and the progress counts from the index alone.
    db.table("claims").create_index(["article_id", "is_claim", "status", "position"])
    db.table("notes").create(
        {
            "id": int,
            "claim_id": int,
            "body": str,
            "author": str,
            "created_at": str,
            "deleted_at": str,
            "deleted_by": str,
        },
        pk="id",
        foreign_keys=[("claim_id", "claims", "id")],
        not_null={"claim_id", "body", "author", "created_at"},
    )
    db.table("notes").create_index(["claim_id"])
    # Append-only: one row per change, never updated or deleted.
    db.table("history").create(
        {
            "id": int,
            "claim_id": int,
            "article_id": int,
            "actor": str,
            "action": str,
            "before": str,
            "after": str,
            "at": str,
        },
        pk="id",
        not_null={"article_id", "actor", "action", "at"},
    )
    db.table("history").create_index(["claim_id", "id"])
    db.table("history").create_index(["article_id", "id"])


def _create_accounts_and_evidence(db: sqlite_utils.Database) -> None:
    db.table("users").create(
        {"id": int, "username": str, "password_hash": str, "role": str, "created_at": str},
        pk="id",
        not_null={"username", "password_hash", "role", "created_at"},
    )
    db.execute("create unique index idx_users_username on users (username collate nocase)")
    # Server-side sessions: the cookie holds a random token, the table only its SHA-256.
    db.table("sessions").create(
        {"token_hash": str, "user_id": int, "created_at": str, "last_seen_at": str},
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("sessions").create_index(["user_id"])
    db.table("login_failures").create({"id": int, "username": str, "at": str}, pk="id")
    db.table("login_failures").create_index(["username", "at"])
    db.table("setup_tokens").create({"token_hash": str, "expires_at": str}, pk="token_hash")
    db.table("evidence").create(
        {
            "id": int,
            "claim_id": int,
            "url": str,
            "title": str,
            "excerpt": str,
            "stance": str,  # supports | contradicts
            "added_by": str,
            "added_at": str,
            "deleted_at": str,
            "deleted_by": str,
        },
        pk="id",
        foreign_keys=[("claim_id", "claims", "id")],
        not_null={"claim_id", "url", "stance", "added_by", "added_at"},
    )
    db.table("evidence").create_index(["claim_id"])
    # Deleting an article hides it; its claims, notes and history stay (nothing is lost).
    db.table("articles").add_column("deleted_at", str)
    db.table("articles").add_column("deleted_by", str)


def _create_search_index(db: sqlite_utils.Database) -> None:
    """FTS5 over claim text, sources and notes (https://www.sqlite.org/fts5.html)."""
    db.table("claims").enable_fts(
        ["text", "attribution_text"], fts_version="FTS5", tokenize="porter"
    )
    db.table("notes").enable_fts(["body"], fts_version="FTS5", tokenize="porter")
    # Our own triggers rather than enable_fts(create_triggers=True): its AFTER UPDATE
    # trigger re-indexes on every status change; these fire only when indexed text changes.
    db.executescript("""
        create trigger claims_fts_ai after insert on claims begin
          insert into claims_fts (rowid, text, attribution_text)
          values (new.id, new.text, new.attribution_text);
        end;
        create trigger claims_fts_ad after delete on claims begin
          insert into claims_fts (claims_fts, rowid, text, attribution_text)
          values ('delete', old.id, old.text, old.attribution_text);
        end;
        create trigger claims_fts_au after update of text, attribution_text on claims begin
          insert into claims_fts (claims_fts, rowid, text, attribution_text)
          values ('delete', old.id, old.text, old.attribution_text);
          insert into claims_fts (rowid, text, attribution_text)
          values (new.id, new.text, new.attribution_text);
        end;
        create trigger notes_fts_ai after insert on notes begin
          insert into notes_fts (rowid, body) values (new.id, new.body);
        end;
        create trigger notes_fts_ad after delete on notes begin
          insert into notes_fts (notes_fts, rowid, body) values ('delete', old.id, old.body);
        end;
        create trigger notes_fts_au after update of body on notes begin
          insert into notes_fts (notes_fts, rowid, body) values ('delete', old.id, old.body);
          insert into notes_fts (rowid, body) values (new.id, new.body);
        end;
    """)
    # Filters by reviewer and by "changed since" read the history.
    db.table("history").create_index(["actor", "claim_id"])
    db.table("history").create_index(["at"])


def _add_history_context(db: sqlite_utils.Database) -> None:
    """What a history row needs to read as a sentence and to be undone: the claim's
    position and version right after the change, the bulk change it was part of, and the
    change it undoes."""
    history = db.table("history")
    for column in ("position", "version", "batch", "undoes"):
        history.add_column(column, int)
    history.create_index(["batch"])
    history.create_index(["undoes"])


def _add_attribution_method_and_candidates(db: sqlite_utils.Database) -> None:
    """How each source was found and the sentence's other candidate sources."""
    db.table("claims").add_column("attribution_method", str)
    db.table("claims").add_column("attribution_candidates", str)  # JSON list


def _add_snapshots_jobs_and_authors(db: sqlite_utils.Database) -> None:
    """Import by link and by file: the article's authors, the kept snapshot of what was
    imported, and jobs.

    The page's site name and canonical URL fill the existing `publisher` and `url` after
    the reviewer checks them in the preview; what the page itself said stays in the
    snapshot's `page_metadata`, so the article has one publisher and one URL.
    """
    db.table("articles").add_column("authors", str)  # a JSON list of names, or NULL
    # One per article: the bytes as fetched or uploaded (zlib), never changed. A row with
    # no article yet is a preview the reviewer has not imported (its text in draft_text).
    db.table("snapshots").create(
        {
            "id": int,
            "article_id": int,
            "origin": str,  # "url" or "upload"
            "requested_url": str,
            "final_url": str,  # after redirects
            "http_status": int,
            "content_type": str,
            "charset": str,  # as the server declared it
            "filename": str,  # an upload's own name
            "size": int,  # of the raw bytes, before compression
            "sha256": str,  # of the raw bytes
            "compression": str,
            "raw": bytes,
            "fetched_at": str,  # or uploaded
            "page_metadata": str,  # JSON: what the page said about itself
            "extractor": str,
            "draft_text": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"origin", "size", "sha256", "compression", "fetched_at", "created_at"},
    )
    db.execute("create unique index idx_snapshots_article_id on snapshots (article_id)")
    # Background work (workbench/intake/jobs.py): imports now, evidence archiving later.
    db.table("jobs").create(
        {
            "id": int,
            "kind": str,
            "state": str,  # queued | running | done | failed
            "label": str,  # what the job works on, for people (a URL, a file name)
            "stages": str,  # JSON list of the stage names, in order
            "stage": str,
            "progress": float,  # 0 to 1
            "payload": str,  # JSON; cleared when the job is done
            "result": str,  # JSON
            "article_id": int,
            "error": str,
            "created_by": str,
            "created_at": str,
            "updated_at": str,
            "started_at": str,
            "finished_at": str,
            "attempts": int,
            "max_attempts": int,
            "run_after": str,
            "heartbeat_at": str,
            "claimed_by": str,
        },
        pk="id",
        not_null={"kind", "state", "created_at", "attempts", "max_attempts", "run_after"},
        defaults={"state": "queued", "progress": 0.0, "attempts": 0, "max_attempts": 1},
    )
    db.table("jobs").create_index(["state", "run_after"])


def _index_claim_flags(db: sqlite_utils.Database) -> None:
    """The flag chips count an article's claims by flags from an index alone (3 ms for a
    5,000-claim article read from the table, a few tenths from the index)."""
    db.table("claims").create_index(["article_id", "is_claim", "flags"])


def _add_desk_workflow(db: sqlite_utils.Database) -> None:
    """The desk: assignment, decisions that need approval, blind double review, presence."""
    # "decisions need approval", desk-wide; an article's own choice overrides it (NULL: the desk's).
    db.table("desk_settings").create({"key": str, "value": str}, pk="key")
    db.table("articles").add_column("needs_approval", int)
    # none (unverified) | proposed | approved | returned | decided (no approval needed).
    db.table("claims").add_column("decision_state", str, not_null_default="none")
    db.execute(
        "update claims set decision_state = 'decided' where status in ('sourced', 'disputed')"
    )
    db.table("assignments").create(
        {
            "id": int,
            "article_id": int,
            "claim_id": int,
            "assignee": str,
            "via": str,  # editor | mention
            "assigned_by": str,
            "assigned_at": str,
            "history_id": int,  # the "assign" history row: later changes by the assignee finish it
        },
        pk="id",
        foreign_keys=[("claim_id", "claims", "id"), ("article_id", "articles", "id")],
        not_null={"article_id", "claim_id", "assignee", "via", "assigned_at"},
    )
    db.table("assignments").create_index(["claim_id", "assignee"], unique=True)
    db.table("assignments").create_index(["assignee", "id"])
    db.table("blind_reviews").create(
        {"id": int, "article_id": int, "started_by": str, "started_at": str, "revealed_at": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "started_by", "started_at"},
    )
    db.table("blind_reviews").create_index(["article_id", "revealed_at"])
    db.table("blind_reviewers").create(
        {"review_id": int, "reviewer": str},
        pk=("review_id", "reviewer"),
        foreign_keys=[("review_id", "blind_reviews", "id")],
    )
    # Each reviewer's own status and note, unseen by the others until every one is done.
    db.table("blind_decisions").create(
        {
            "review_id": int,
            "claim_id": int,
            "reviewer": str,
            "status": str,
            "note": str,
            "decided_at": str,
        },
        pk=("review_id", "claim_id", "reviewer"),
        foreign_keys=[("review_id", "blind_reviews", "id"), ("claim_id", "claims", "id")],
    )
    # Who has an article open, and on which claim: a heartbeat row that expires.
    db.table("presence").create(
        {"username": str, "article_id": int, "claim_id": int, "seen_at": str},
        pk=("username", "article_id"),
    )
    db.table("presence").create_index(["article_id", "seen_at"])


def _add_login_failure_addresses(db: sqlite_utils.Database) -> None:
    """Failed logins are counted per account and client address."""
    db.table("login_failures").add_column("address", str)
    db.table("login_failures").create_index(["address", "at"])
    db.table("login_failures").create_index(["at"])


def _add_note_purges(db: sqlite_utils.Database) -> None:
    """Who purged a note's text, and when (an admin can purge a pasted secret)."""
    db.table("notes").add_column("purged_at", str)
    db.table("notes").add_column("purged_by", str)


def _add_account_administration(db: sqlite_utils.Database) -> None:
    """Deactivated accounts (kept, with everything they did) and one-time password reset
    links an admin hands over."""
    db.table("users").add_column("active", int, not_null_default=1)
    db.table("reset_tokens").create(
        {
            "token_hash": str,
            "user_id": int,
            "created_by": str,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
        },
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )


def _add_article_versions(db: sqlite_utils.Database) -> None:
    """Every version of an article's text, and where each claim was in each.

    articles.body stays the current text (every page reads it); article_versions keeps
    each version's text once a second one arrives. claims.start/end point into
    text_version; claim_anchors keeps a claim's passage in each earlier version.
    """
    db.table("article_versions").create(
        {
            "id": int,
            "article_id": int,
            "number": int,
            "body": str,
            "content_hash": str,
            "source_format": str,
            "created_at": str,
            "created_by": str,
            "history_id": int,  # the article's "new version" history row
            "summary": str,  # JSON counts: kept, moved, changed, removed, added
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "number", "body", "content_hash", "created_at"},
    )
    db.table("article_versions").create_index(["article_id", "number"], unique=True)
    db.table("claim_anchors").create(
        {"claim_id": int, "version": int, "start": int, "end": int, "text": str},
        pk=("claim_id", "version"),
        foreign_keys=[("claim_id", "claims", "id")],
        not_null={"start", "end", "text"},
    )
    db.table("articles").add_column("current_version", int, not_null_default=1)
    db.table("claims").add_column("text_version", int, not_null_default=1)
    for column in ("changed_in_version", "removed_in_version", "added_in_version"):
        db.table("claims").add_column(column, int)


def _add_source_decisions(db: sqlite_utils.Database) -> None:
    """Reviewers' merges and splits of source groups: append-only, an undo is
    a row of its own that names the row it undoes."""
    db.table("source_decisions").create(
        {
            "id": int,
            "action": str,  # merge | split | undo
            "from_key": str,
            "into_key": str,
            "article_id": int,  # split: the mention taken out
            "mention_text": str,
            "mention_kind": str,
            "undoes": int,
            "actor": str,
            "at": str,
        },
        pk="id",
        not_null={"action", "actor", "at"},
    )
    db.table("source_decisions").create_index(["undoes"])


def _add_claim_matching(db: sqlite_utils.Database) -> None:
    """Claims already checked elsewhere: each claim's normalised text and
    lookup keys (workbench/text/claim_keys.py), and the pairs found to be the same claim,
    stored both ways. WITHOUT ROWID: the primary key is the index."""
    db.execute(
        "create table claim_match_index (claim_id integer primary key references claims(id), "
        "article_id integer not null, text_hash text not null, normalised text not null)"
    )
    db.execute(
        "create table claim_match_keys (key integer not null, claim_id integer not null, "
        "primary key (key, claim_id)) without rowid"
    )
    db.execute("create index claim_match_keys_claim on claim_match_keys (claim_id)")
    db.execute(
        "create table claim_matches (claim_id integer not null, other_id integer not null, "
        "score real not null, primary key (claim_id, other_id)) without rowid"
    )
    db.execute("create index claim_matches_other on claim_matches (other_id)")


def _add_link_snapshots(db: sqlite_utils.Database) -> None:
    """Evidence links fetched and kept: one row per fetch of a link, the first
    good one its archive, the later ones checks. A failed fetch is a row too (`error`)."""
    db.table("link_snapshots").create(
        {
            "id": int,
            "url": str,
            "final_url": str,
            "http_status": int,
            "title": str,
            "text": str,
            "sha256": str,
            "content_type": str,
            "fetched_at": str,
            "error": str,
            "kind": str,  # archive | check
        },
        pk="id",
        not_null={"url", "fetched_at", "kind"},
    )
    db.table("link_snapshots").create_index(["url", "id"])


def _add_languages_and_confidence(db: sqlite_utils.Database) -> None:
    """Each article's language (ISO 639-1; articles before it were read as English) and
    how sure the engine was of each detected source (NULL: a person chose it, or it was
    found before confidence was measured)."""
    db.table("articles").add_column("language", str, not_null_default="en")
    db.table("claims").add_column("attribution_confidence", float)


def _add_search_stems(db: sqlite_utils.Database) -> None:
    """A claim's word stems in its article's language (Snowball; NULL for English, which
    FTS5's porter tokenizer stems itself), indexed with its text and source: the claims
    index is made again with the third column, and filled from the claims table."""
    db.table("claims").add_column("stems", str)
    db.executescript("""
        drop trigger if exists claims_fts_ai;
        drop trigger if exists claims_fts_ad;
        drop trigger if exists claims_fts_au;
        drop table if exists claims_fts;
        create virtual table claims_fts using fts5(
          text, attribution_text, stems, content=claims, content_rowid=id, tokenize='porter'
        );
        insert into claims_fts (claims_fts) values ('rebuild');
        create trigger claims_fts_ai after insert on claims begin
          insert into claims_fts (rowid, text, attribution_text, stems)
          values (new.id, new.text, new.attribution_text, new.stems);
        end;
        create trigger claims_fts_ad after delete on claims begin
          insert into claims_fts (claims_fts, rowid, text, attribution_text, stems)
          values ('delete', old.id, old.text, old.attribution_text, old.stems);
        end;
        create trigger claims_fts_au after update of text, attribution_text, stems on claims
        begin
          insert into claims_fts (claims_fts, rowid, text, attribution_text, stems)
          values ('delete', old.id, old.text, old.attribution_text, old.stems);
          insert into claims_fts (rowid, text, attribution_text, stems)
          values (new.id, new.text, new.attribution_text, new.stems);
        end;
    """)


def _index_jobs_by_person(db: sqlite_utils.Database) -> None:
    """What a fair job queue asks of each person (workbench/intake/jobs.py): how many of
    their jobs wait or run (their limit), and when one of theirs last started."""
    db.table("jobs").create_index(["created_by", "state"])
    db.table("jobs").create_index(["created_by", "started_at"])


def _freeze_revealed_blind_reviews(db: sqlite_utils.Database) -> None:
    """A revealed blind review's claims as the reviewers saw them (position and text):
    its figures and its adjudication page are a record, which a later version of the
    article must not change. Reviews revealed before this table get the claims they have
    decisions on, as they read now (the best there is)."""
    db.table("blind_review_claims").create(
        {"review_id": int, "claim_id": int, "position": int, "text": str},
        pk=("review_id", "claim_id"),
        foreign_keys=[("review_id", "blind_reviews", "id"), ("claim_id", "claims", "id")],
        not_null={"text"},
    )
    db.execute(
        "insert into blind_review_claims (review_id, claim_id, position, text) "
        "select distinct d.review_id, c.id, c.position, c.text from blind_decisions d "
        "join blind_reviews b on b.id = d.review_id join claims c on c.id = d.claim_id "
        "where b.revealed_at is not null and c.is_claim = 1"
    )


def _add_sign_in_factors_and_tokens(db: sqlite_utils.Database) -> None:
    """What signing in needs beyond a password: second factors (TOTP, recovery codes,
    passkeys), logins waiting for their second step, WebAuthn challenges, OpenID Connect
    logins in flight and the provider identities of accounts, API tokens, and each
    account's security log. Secrets are stored as SHA-256 digests wherever the server only
    compares them (tokens, recovery codes, pending logins); a TOTP secret is kept as is,
    since the server computes codes from it."""
    # How a session began: password (alone), password+totp, password+passkey, passkey, oidc.
    db.table("sessions").add_column("method", str, not_null_default="password")
    db.table("totp_secrets").create(
        {"user_id": int, "secret": str, "confirmed_at": str, "last_step": int, "created_at": str},
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("recovery_codes").create(
        {"id": int, "user_id": int, "code_hash": str, "created_at": str, "used_at": str},
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("recovery_codes").create_index(["user_id"])
    db.table("passkeys").create(
        {
            "id": int,
            "user_id": int,
            "credential_id": str,  # base64url, as the browser names it
            "public_key": bytes,
            "sign_count": int,
            "name": str,
            "created_at": str,
            "last_used_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("passkeys").create_index(["credential_id"], unique=True)
    db.table("passkeys").create_index(["user_id"])
    # A password accepted, the second factor still to come (the cookie holds the token).
    db.table("pending_logins").create(
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str},
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("webauthn_challenges").create(
        {"challenge": str, "user_id": int, "purpose": str, "expires_at": str},
        pk="challenge",
    )
    db.table("oidc_logins").create(
        {
            "state_hash": str,
            "nonce": str,
            "code_verifier": str,
            "next_path": str,
            "expires_at": str,
        },
        pk="state_hash",
    )
    db.table("oidc_identities").create(
        {"issuer": str, "subject": str, "user_id": int, "email": str, "created_at": str},
        pk=("issuer", "subject"),
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("oidc_identities").create_index(["user_id"])
    db.table("api_tokens").create(
        {
            "id": int,
            "user_id": int,
            "name": str,
            "token_hash": str,
            "scope": str,  # read | write
            "created_at": str,
            "expires_at": str,
            "last_used_at": str,
            "last_used_address": str,
            "revoked_at": str,
            "revoked_by": str,
            # The rate limit's current minute and how many requests it has had.
            "window_start": str,
            "window_count": int,
        },
        pk="id",
        not_null={"user_id", "name", "token_hash", "scope", "created_at", "expires_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("api_tokens").create_index(["token_hash"], unique=True)
    db.table("api_tokens").create_index(["user_id"])
    db.table("api_token_addresses").create(
        {"token_id": int, "address": str, "first_seen_at": str},
        pk=("token_id", "address"),
        foreign_keys=[("token_id", "api_tokens", "id")],
    )
    db.table("security_events").create(
        {
            "id": int,
            "user_id": int,
            "username": str,
            "kind": str,
            "detail": str,
            "address": str,
            "at": str,
        },
        pk="id",
        not_null={"kind", "at"},
    )
    db.table("security_events").create_index(["user_id", "id"])


def _add_blind_progress_marks(db: sqlite_utils.Database) -> None:
    """A mark per article whose blind review moved (a reviewer decided a claim): blind
    decisions stay out of the history until the reveal, so the live pages' watcher reads
    these to redraw the reviewers' "Done:" line. One row per article, its id taken afresh
    (AUTOINCREMENT: never reused) at each mark, so the table stays as small as the
    articles ever reviewed blind, and holds nobody's status."""
    db.execute(
        "create table blind_progress_marks (id integer primary key autoincrement, "
        "article_id integer not null unique references articles(id))"
    )


def _add_interface_language(db: sqlite_utils.Database) -> None:
    """The interface language each account chose (NULL: the browser's Accept-Language)."""
    db.table("users").add_column("language", str)


# In the order they ran; PRAGMA user_version counts those done.
MIGRATIONS = [
    _create_core_tables,
    _create_accounts_and_evidence,
    _create_search_index,
    _add_history_context,
    _add_attribution_method_and_candidates,
    _add_snapshots_jobs_and_authors,
    _index_claim_flags,
    _add_login_failure_addresses,
    _add_note_purges,
    _add_account_administration,
    _add_article_versions,
    _add_source_decisions,
    _add_claim_matching,
    _add_link_snapshots,
    _add_desk_workflow,
    _add_languages_and_confidence,
    _add_search_stems,
    _index_jobs_by_person,
    _freeze_revealed_blind_reviews,
    _add_sign_in_factors_and_tokens,
    _add_blind_progress_marks,
    _add_interface_language,
]


def migrate(db: sqlite_utils.Database) -> None:
    """Bring the schema up to date; safe to call on every start, from several processes."""
    while True:
        with write_transaction(db):
            # Read the version inside the write lock, so two workers starting at once
            # cannot both run the same migration.
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current >= len(MIGRATIONS):
                return
            MIGRATIONS[current](db)
            db.execute(f"PRAGMA user_version={current + 1:d}")


def open_migrated(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """A connection to the database at `path` with its schema brought up to date (a new
    database is created readable by its owner only)."""
    create_private(path)
    db = connect(path)
    migrate(db)
    return db
