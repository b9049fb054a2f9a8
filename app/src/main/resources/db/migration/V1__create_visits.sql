CREATE TABLE visits (
    id         bigserial PRIMARY KEY,
    app_host   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
