package dev.scaleup.app.http;

import io.helidon.common.uri.UriQuery;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code ?limit=1..100&before=<id>}: a page of a newest-first list. The response's {@code next_before} is the id to
 * pass as {@code before} for the next page, or null on the last page.
 */
record Paging(int limit, long before) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final List<String> PARAMETERS = List.of("limit", "before");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    static Paging from(UriQuery query) {
        for (String name : query.names()) {
            if (!PARAMETERS.contains(name)) {
                throw ApiException.badRequest("unknown_parameter", "unknown query parameter '"
                        + JsonInput.Printable.cut(name, 64) + "'; allowed: limit, before");
            }
        }
        int limit = DEFAULT_LIMIT;
        long before = Long.MAX_VALUE;
        if (query.contains("limit")) {
            OptionalLong n = positive(single(query, "limit"));
            if (n.isEmpty() || n.getAsLong() > MAX_LIMIT) {
                throw ApiException.badRequest("invalid_parameter", "limit must be an integer 1.." + MAX_LIMIT);
            }
            limit = (int) n.getAsLong();
        }
        if (query.contains("before")) {
            OptionalLong n = positive(single(query, "before"));
            if (n.isEmpty()) {
                throw ApiException.badRequest("invalid_parameter", "before must be an id (1.." + Long.MAX_VALUE
                        + ")");
            }
            before = n.getAsLong();
        }
        return new Paging(limit, before);
    }

    private static String single(UriQuery query, String name) {
        List<String> values = query.all(name);
        if (values.size() != 1) {
            throw ApiException.badRequest("invalid_parameter", name + " must be given once");
        }
        return values.getFirst();
    }

    static OptionalLong positive(String raw) {
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

    /** The next page's {@code before}: the last id shown, when more rows were found than shown. */
    static Long nextBefore(List<Long> idsFetched, int limit) {
        return idsFetched.size() > limit ? idsFetched.get(limit - 1) : null;
    }
}
