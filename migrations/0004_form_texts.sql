-- Every version of a form's texts (questions, options, consent and TCPA wording) that a consumer
-- was shown, kept after the form's files change, so consent evidence can name the exact words.
CREATE TABLE form_texts (
  form_id TEXT NOT NULL,
  texts_version TEXT NOT NULL,
  texts TEXT NOT NULL,
  first_shown_at TEXT NOT NULL,
  PRIMARY KEY (form_id, texts_version)
);

-- The version of its form's texts each lead was given under.
ALTER TABLE leads ADD COLUMN texts_version TEXT;
