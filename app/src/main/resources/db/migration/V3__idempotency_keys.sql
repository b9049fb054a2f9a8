-- The answers of keyed writes other than transfers (posts, visits, sign-ups). nginx and HAProxy send a request with
-- an Idempotency-Key again, to another server, when the first copy got no answer; so does a careful client. The
-- copy finds the row of the first one and gets its answer instead of writing a second time.
-- scope is whose key it is ('user:<id>' for a signed-in caller, 'anonymous' for sign-ups and visits); request_hash
-- tells a copy from another request under the same key. The row is claimed before the write, in the write's
-- transaction, and gets response_status and response_body in that same transaction: a committed row always has them.
CREATE TABLE idempotency_keys (
    scope           text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_hash    text        NOT NULL,
    response_status integer,
    response_body   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, idempotency_key)
);
