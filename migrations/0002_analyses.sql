-- The worker's cache of company analyses: the latest analysis of each
-- contact, with the inputs it was made from. A job whose company facts and
-- analyser are unchanged reuses it instead of analysing again (and an
-- external analyser is not paid twice for the same answer).
--
-- One row per contact, replaced when the facts change. Older analyses of a
-- contact are of no use once its facts moved on, so keeping them would only
-- grow the file.
CREATE TABLE analyses (
    -- SuperOffice tenant of the contact (ContextIdentifier, 'Cust12345').
    tenant      TEXT    NOT NULL,
    -- The contact's id in SuperOffice.
    contact_id  INTEGER NOT NULL,
    -- so_enrich::inputs_hash of the company facts the analysis read:
    -- 64 lowercase hex digits. A different hash means the facts changed.
    inputs_hash TEXT    NOT NULL,
    -- The analyser's fingerprint (backend, taxonomy, limits, version). A
    -- different fingerprint means the analyser changed and would answer
    -- differently, so the stored analysis is not reused.
    fingerprint TEXT    NOT NULL,
    -- The analysis as a JSON object (so_enrich::Analysis).
    analysis    TEXT    NOT NULL CHECK (json_valid(analysis)),
    -- When the analysis was made.
    created_at  INTEGER NOT NULL,

    -- The look-up: one contact of one tenant.
    PRIMARY KEY (tenant, contact_id)
);
