-- Single sign-on from the host sites (issue 3): the keys a site's backend signs identity tokens
-- with, the residents those tokens name, the token ids already used, and the widget's sessions.

-- A site's verification keys. One algorithm pinned per key: tokens are verified with `alg` from
-- here, never with the `alg` a token's header claims. `key` is an SPKI public key in PEM (EdDSA,
-- ES256: we cannot mint users with it) or an HS256 shared secret.
CREATE TABLE site_sso_keys (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    kid         TEXT NOT NULL,
    alg         TEXT NOT NULL CHECK (alg IN ('HS256', 'EdDSA', 'ES256')),
    key         BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    UNIQUE (site_id, kid)
);

-- Residents signed in through a site: identified by (site, sub), never by e-mail. The name and
-- contacts are personal data: shown to the resident's own widget and to the cabinet only.
CREATE TABLE residents (
    id            INTEGER PRIMARY KEY,
    site_id       INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    sub           TEXT NOT NULL,
    display_name  TEXT,
    email         TEXT,
    phone         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (site_id, sub)
);

-- Token ids seen, kept until the token would have expired anyway (then pruned): a replayed
-- token is refused.
CREATE TABLE used_jtis (
    site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    jti         TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (site_id, jti)
) WITHOUT ROWID;
CREATE INDEX used_jtis_expiry ON used_jtis(expires_at);

-- The widget's sessions: bearer tokens held in the page's memory. Only a SHA-256 is stored.
CREATE TABLE widget_sessions (
    token_hash   BLOB PRIMARY KEY,
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    site_id      INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX widget_sessions_expiry ON widget_sessions(expires_at);

-- Who filed a report when signed in (NULL: anonymous or Open311). A reference, not a person's
-- data: the contacts stay in `reporters` and `residents`.
ALTER TABLE problems ADD COLUMN resident_id INTEGER REFERENCES residents(id);
CREATE INDEX problems_resident ON problems(resident_id, id) WHERE resident_id IS NOT NULL;
