-- "This affects me too" by a confirmed e-mail (issue 4): the links sent to count a vote of a
-- visitor who is not signed in. Only a SHA-256 of the token is stored, and the voter only as
-- `map::VoterKey` (a hash of the address); the vote itself goes to `supports` once confirmed.
CREATE TABLE support_confirmations (
    token_hash    BLOB PRIMARY KEY,
    problem_id    INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    voter_key     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    confirmed_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX support_confirmations_voter ON support_confirmations(problem_id, voter_key, created_at);
