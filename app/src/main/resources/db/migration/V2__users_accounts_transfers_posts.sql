-- The application's data. The control plane's drills check these names with SQL: keep them.

CREATE TABLE users (
    id            bigserial   PRIMARY KEY,
    email         text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id            bigserial PRIMARY KEY,
    user_id       bigint    NOT NULL UNIQUE REFERENCES users (id),
    balance_cents bigint    NOT NULL CHECK (balance_cents >= 0)
);

-- One row per transfer. (from_account, idempotency_key) is unique: a retried request finds the first result
-- instead of moving money twice. request_hash tells a retry from a different request reusing a key;
-- from_balance_after_cents lets a retry answer with exactly the first response.
CREATE TABLE transfers (
    id                       bigserial   PRIMARY KEY,
    from_account             bigint      NOT NULL REFERENCES accounts (id),
    to_account               bigint      NOT NULL REFERENCES accounts (id),
    amount_cents             bigint      NOT NULL CHECK (amount_cents > 0),
    idempotency_key          text        NOT NULL,
    request_hash             text        NOT NULL,
    from_balance_after_cents bigint      NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT transfers_from_account_idempotency_key_key UNIQUE (from_account, idempotency_key),
    CONSTRAINT transfers_not_to_self CHECK (from_account <> to_account)
);
CREATE INDEX transfers_from_account_id_idx ON transfers (from_account, id);
CREATE INDEX transfers_to_account_id_idx ON transfers (to_account, id);

CREATE TABLE posts (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id),
    title      text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
