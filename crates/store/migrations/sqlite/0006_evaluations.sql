-- The applicant's evaluation of a finished file on the indicators of Circular 01/2018 (one per
-- file). System indicators are computed from the file's record when it is rated; the applicant
-- answers the others. answers_json holds only what the applicant gave.
CREATE TABLE file_evaluations (
    tenant_id    BIGINT NOT NULL,
    file_id      BIGINT NOT NULL,
    set_id       TEXT NOT NULL,
    answers_json TEXT NOT NULL,
    scores_json  TEXT NOT NULL,
    total        BIGINT NOT NULL,
    scored_max   BIGINT NOT NULL,
    max_points   BIGINT NOT NULL,
    rated_at     BIGINT NOT NULL,
    rated_by     BIGINT,
    PRIMARY KEY (tenant_id, file_id),
    FOREIGN KEY (tenant_id, file_id) REFERENCES files(tenant_id, id)
);
