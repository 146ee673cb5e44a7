-- Open311: back-office systems (API clients) that file reports for a site with an `api_key`.
-- Only a SHA-256 of the key is stored, so a leaked database does not leak working keys; a key is
-- shown once, when it is issued. A revoked client keeps its row so its reports stay attributed.
CREATE TABLE api_clients (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    key_hash    BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_clients_site ON api_clients(site_id, name);

-- Which API client filed a report (NULL: the widget). A system, not a person: no personal data.
ALTER TABLE problems ADD COLUMN api_client_id INTEGER REFERENCES api_clients(id);
