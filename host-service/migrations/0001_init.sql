-- The first schema of the host service. Timestamps are unix seconds (UTC) everywhere.
-- Personal data lives only in `reporters`; `problems` must never gain a column about a person.

CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE sites (
    id                  INTEGER PRIMARY KEY,
    key                 TEXT NOT NULL UNIQUE,
    municipality_id     INTEGER NOT NULL REFERENCES municipalities(id),
    name                TEXT NOT NULL,
    centre_lat          REAL NOT NULL,
    centre_lon          REAL NOT NULL,
    bounds_west         REAL NOT NULL,
    bounds_south        REAL NOT NULL,
    bounds_east         REAL NOT NULL,
    bounds_north        REAL NOT NULL,
    default_lang        TEXT NOT NULL DEFAULT 'ru' CHECK (default_lang IN ('ru', 'en')),
    default_mode        TEXT NOT NULL DEFAULT 'basic' CHECK (default_mode IN ('basic', 'extended')),
    privacy_policy_url  TEXT NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX sites_municipality ON sites(municipality_id);

-- Origins (scheme://host[:port]) whose pages may call this site's widget API.
CREATE TABLE site_origins (
    site_id  INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    origin   TEXT NOT NULL,
    PRIMARY KEY (site_id, origin)
) WITHOUT ROWID;

CREATE TABLE categories (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    name_ru          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    hint_ru          TEXT,
    hint_en          TEXT,
    position         INTEGER NOT NULL DEFAULT 0,
    term_days        INTEGER NOT NULL DEFAULT 30,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX categories_municipality ON categories(municipality_id, position);

CREATE TABLE problems (
    id             INTEGER PRIMARY KEY,
    site_id        INTEGER NOT NULL REFERENCES sites(id),
    category_id    INTEGER NOT NULL REFERENCES categories(id),
    status         TEXT NOT NULL DEFAULT 'new' CHECK (status IN
                     ('new', 'published', 'in_progress', 'resolved', 'refused', 'duplicate', 'closed')),
    description    TEXT NOT NULL,
    address        TEXT,
    lat            REAL,
    lon            REAL,
    tracking_code  TEXT NOT NULL UNIQUE,
    lang           TEXT NOT NULL CHECK (lang IN ('ru', 'en')),
    -- The Origin of the page the report came from, when the browser sent one.
    origin         TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    published_at   INTEGER
);
CREATE INDEX problems_site ON problems(site_id, id);
CREATE INDEX problems_status ON problems(status, id);

-- The reporter's contacts: apart from the problem, read only by the cabinet (and audited).
CREATE TABLE reporters (
    problem_id  INTEGER PRIMARY KEY REFERENCES problems(id) ON DELETE CASCADE,
    name        TEXT,
    email       TEXT,
    phone       TEXT,
    consent_at  INTEGER NOT NULL
);

CREATE TABLE officials (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    login            TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('site_admin', 'moderator', 'agency_official', 'analyst')),
    created_at       INTEGER NOT NULL
);

-- Only a SHA-256 of the session token is stored, so a leaked database does not leak sessions.
CREATE TABLE official_sessions (
    token_hash   BLOB PRIMARY KEY,
    official_id  INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX official_sessions_official ON official_sessions(official_id);

CREATE TABLE problem_events (
    id             INTEGER PRIMARY KEY,
    problem_id     INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    official_id    INTEGER REFERENCES officials(id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    public_answer  TEXT,
    internal_note  TEXT
);
CREATE INDEX problem_events_problem ON problem_events(problem_id, id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    official_id  INTEGER REFERENCES officials(id),
    action       TEXT NOT NULL,
    problem_id   INTEGER REFERENCES problems(id),
    detail       TEXT
);
CREATE INDEX audit_log_problem ON audit_log(problem_id);
