package dev.scaleup.loadgen;

/** One kind of request the load generator sends. */
public enum Op {
    ACCOUNT_ME("account_me", "GET", "/api/accounts/me", true),
    POSTS("posts", "GET", "/api/posts?limit=20", false),
    INFO("info", "GET", "/api/info", false),
    TRANSFER("transfer", "POST", "/api/transfers", true),
    /** A new post: a write without an Idempotency-Key, so neither a proxy nor the client may send it twice. */
    POST("post", "POST", "/api/posts", true),
    HEALTHZ("healthz", "GET", "/healthz", false),
    STATIC("static", "GET", "/index.html", false);

    private final String label;
    private final String method;
    private final String path;
    private final boolean needsUser;

    Op(String label, String method, String path, boolean needsUser) {
        this.label = label;
        this.method = method;
        this.path = path;
        this.needsUser = needsUser;
    }

    public String label() {
        return label;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** Needs a signed-in user (a bearer token). */
    public boolean needsUser() {
        return needsUser;
    }

    /** GETs: safe to send again without any key. Transfers are made safe to retry by their Idempotency-Key. */
    public boolean idempotent() {
        return method.equals("GET");
    }

    /**
     * Safe for the client to send again after no answer or a 502/503/504: GETs, and transfers (their Idempotency-Key
     * makes a second copy a replay). A post is not: like a browser submitting a form, the client gives up.
     */
    public boolean retrySafe() {
        return idempotent() || this == TRANSFER;
    }

    /** Changes data. */
    public boolean write() {
        return !idempotent();
    }

    public static Op byLabel(String label) {
        for (Op op : values()) {
            if (op.label.equals(label)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + label + "'");
    }
}
