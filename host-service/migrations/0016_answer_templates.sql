-- Response templates per category (issue 5): answers an agency gives again and again, offered
-- by the status form of a problem of that category (cabinet/templates.rs).
CREATE TABLE answer_templates (
    id           INTEGER PRIMARY KEY,
    category_id  INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX answer_templates_category ON answer_templates(category_id, title);
