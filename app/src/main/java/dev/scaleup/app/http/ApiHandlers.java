package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls;
import dev.scaleup.app.db.DbCalls.Target;
import dev.scaleup.app.db.DbInfo;
import dev.scaleup.app.db.DbUnavailableException;
import dev.scaleup.app.db.Visits;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** {@code /api/info} and {@code /api/visits}: each a real round trip to the database. */
public final class ApiHandlers {

    public record DbBody(String serverAddr, String now, boolean inRecovery) {
    }

    public record InfoBody(String appHost, DbBody db) {
    }

    public record VisitBody(long id, String appHost, String createdAt, String dbServerAddr, boolean inRecovery) {
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private final String hostName;
    private final DbCalls db;
    private final Visits visits;
    private final KeyedWrites keyed;
    private final Json json;

    ApiHandlers(String hostName, DbCalls db, Visits visits, KeyedWrites keyed, Json json) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.db = requireNonNull(db, "db is null");
        this.visits = requireNonNull(visits, "visits is null");
        this.keyed = requireNonNull(keyed, "keyed is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** {@code GET /api/info}: this app server and the primary it reaches, in one round trip. */
    void info(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        DbInfo info = db.run(Target.PRIMARY, true, DbInfo::query);
        json.send(res, Status.OK_200, new InfoBody(hostName,
                new DbBody(info.serverAddr(), iso(info.now()), info.inRecovery())));
    }

    /** {@code POST /api/visits}, with an optional {@code Idempotency-Key}. */
    void createVisit(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        Optional<String> key = KeyedWrites.optional(req);
        keyed.send(res, visits.insert(hostName, key, created -> keyed.answer(Status.CREATED_201, created)), () -> {
            throw new IllegalStateException("a visit is never refused");
        });
    }

    void getVisit(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        String raw = req.path().pathParameters().first("id").orElse("");
        OptionalLong id = positiveLong(raw);
        if (id.isEmpty()) {
            json.error(res, Status.BAD_REQUEST_400, "bad_request", "visit id must be a positive integer"
                    + " (1.." + Long.MAX_VALUE + ")");
            return;
        }
        Optional<Visits.Found> found = visits.find(id.getAsLong());
        if (found.isEmpty()) {
            json.error(res, Status.NOT_FOUND_404, "not_found", "no visit with id " + id.getAsLong()
                    + " on the replica");
            return;
        }
        Visits.Found v = found.get();
        json.send(res, Status.OK_200, new VisitBody(v.id(), v.appHost(), iso(v.createdAt()), v.dbServerAddr(),
                v.inRecovery()));
    }

    static OptionalLong positiveLong(String raw) {
        if (!DIGITS.matcher(raw).matches()) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(raw);
            return value > 0 ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String iso(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }
}
