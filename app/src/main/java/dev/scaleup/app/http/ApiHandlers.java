package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbErrors;
import dev.scaleup.app.db.DbInfo;
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
import javax.sql.DataSource;

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
    private final DataSource primary;
    private final Visits visits;
    private final Json json;

    public ApiHandlers(String hostName, DataSource primary, Visits visits, Json json) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.primary = requireNonNull(primary, "primary is null");
        this.visits = requireNonNull(visits, "visits is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void info(ServerRequest req, ServerResponse res) {
        try {
            DbInfo info = DbInfo.query(primary);
            json.send(res, Status.OK_200, new InfoBody(hostName,
                    new DbBody(info.serverAddr(), iso(info.now()), info.inRecovery())));
        } catch (SQLException e) {
            dbUnavailable(res, e);
        }
    }

    public void createVisit(ServerRequest req, ServerResponse res) {
        try {
            json.send(res, Status.CREATED_201, visits.insert(hostName));
        } catch (SQLException e) {
            dbUnavailable(res, e);
        }
    }

    public void getVisit(ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().first("id").orElse("");
        OptionalLong id = positiveLong(raw);
        if (id.isEmpty()) {
            json.error(res, Status.BAD_REQUEST_400, "bad_request", "visit id must be a positive integer"
                    + " (1.." + Long.MAX_VALUE + ")");
            return;
        }
        try {
            Optional<Visits.Found> found = visits.find(id.getAsLong());
            if (found.isEmpty()) {
                json.error(res, Status.NOT_FOUND_404, "not_found", "no visit with id " + id.getAsLong()
                        + " on the replica");
                return;
            }
            Visits.Found v = found.get();
            json.send(res, Status.OK_200, new VisitBody(v.id(), v.appHost(), iso(v.createdAt()), v.dbServerAddr(),
                    v.inRecovery()));
        } catch (SQLException e) {
            dbUnavailable(res, e);
        }
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

    private void dbUnavailable(ServerResponse res, SQLException e) {
        json.error(res, Status.SERVICE_UNAVAILABLE_503, "db_unavailable", DbErrors.describe(e));
    }

    private static String iso(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }
}
