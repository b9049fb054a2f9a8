package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import dev.scaleup.app.db.DbUnavailableException;
import dev.scaleup.app.db.IdempotentWrites;
import dev.scaleup.app.db.Posts;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Posts: written on the primary; the feed and single posts read from a replica unless the caller just wrote. */
final class PostHandlers {

    record PostBody(long postId, long userId, String title, String body, String createdAt) {
    }

    record PostPage(List<PostBody> posts, Long nextBefore) {
    }

    /** Which pool answered a read: {@code primary} or {@code replica}. */
    static final HeaderName DB_POOL = HeaderNames.create("X-Db-Pool");
    private static final List<String> FIELDS = List.of("title", "body");

    private final Posts posts;
    private final BearerAuth auth;
    private final JsonInput input;
    private final ReadRouting reads;
    private final KeyedWrites keyed;
    private final Json json;

    PostHandlers(Posts posts, BearerAuth auth, JsonInput input, ReadRouting reads, KeyedWrites keyed, Json json) {
        this.posts = requireNonNull(posts, "posts is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.input = requireNonNull(input, "input is null");
        this.reads = requireNonNull(reads, "reads is null");
        this.keyed = requireNonNull(keyed, "keyed is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** {@code POST /api/posts {title, body}} (auth), with an optional {@code Idempotency-Key}. */
    void create(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        long userId = auth.requireUser(req, res);
        Optional<String> key = KeyedWrites.optional(req);
        JsonInput.Fields fields = input.read(req, FIELDS);
        String title = Text.title(fields.string("title"));
        String body = Text.body(fields.string("body"));
        IdempotentWrites.Result result = posts.create(userId, title, body, key,
                post -> keyed.answer(Status.CREATED_201, body(post)));
        keyed.send(res, result, () -> {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            return new ApiException(Status.UNAUTHORIZED_401, "invalid_token", "the token's user does not exist");
        });
    }

    /** {@code GET /api/posts?limit&before}: the feed, newest first, no auth. */
    void list(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        Paging paging = Paging.from(req.query());
        Target target = reads.forStaleRead(req);
        List<Posts.Post> rows = posts.list(target, paging.before(), paging.limit() + 1);
        res.header(DB_POOL, poolName(target));
        json.send(res, Status.OK_200, new PostPage(rows.stream().limit(paging.limit()).map(PostHandlers::body)
                .toList(), Paging.nextBefore(rows.stream().map(Posts.Post::postId).toList(), paging.limit())));
    }

    /** {@code GET /api/posts/{id}}. */
    void get(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        String raw = req.path().pathParameters().first("id").orElse("");
        OptionalLong id = Paging.positive(raw);
        if (id.isEmpty()) {
            throw ApiException.badRequest("bad_request", "post id must be a positive integer (1.." + Long.MAX_VALUE
                    + ")");
        }
        Target target = reads.forStaleRead(req);
        Optional<Posts.Post> post = posts.find(target, id.getAsLong());
        res.header(DB_POOL, poolName(target));
        json.send(res, post.isPresent() ? Status.OK_200 : Status.NOT_FOUND_404, post.isPresent()
                ? body(post.get()) : new Json.ErrorBody("not_found", "no post " + id.getAsLong()));
    }

    private static String poolName(Target target) {
        return target == Target.PRIMARY ? "primary" : "replica";
    }

    private static PostBody body(Posts.Post post) {
        return new PostBody(post.postId(), post.userId(), post.title(), post.body(), Times.iso(post.createdAt()));
    }
}
