package dev.scaleup.app.http;

import java.util.Locale;

/** Checks of the text fields of requests; each failure is a 400 {@code invalid_value} naming the field. */
final class Text {

    static final int EMAIL_MIN = 3;
    static final int EMAIL_MAX = 254;
    static final int PASSWORD_MIN = 8;
    static final int PASSWORD_MAX = 128;
    static final int TITLE_MAX = 200;
    static final int BODY_MAX = 10_000;

    private Text() {
    }

    /** Trimmed and lower-cased; one '@' with text on both sides, 3..254 characters, no control characters. */
    static String email(String raw) {
        String email = raw.strip().toLowerCase(Locale.ROOT);
        checkText("email", email, EMAIL_MIN, EMAIL_MAX, false);
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1) {
            throw ApiException.badRequest("invalid_value", "field 'email' must contain one '@' with text on both"
                    + " sides");
        }
        return email;
    }

    /** 8..128 characters, kept as given (not trimmed). */
    static String newPassword(String password) {
        checkText("password", password, PASSWORD_MIN, PASSWORD_MAX, true);
        return password;
    }

    /** For a login: only the upper limit is a 400; a short password is just a wrong one. */
    static String loginPassword(String password) {
        checkText("password", password, 0, PASSWORD_MAX, true);
        return password;
    }

    /** The login email: lower-cased and trimmed like at sign-up; only the limits are checked. */
    static String loginEmail(String raw) {
        String email = raw.strip().toLowerCase(Locale.ROOT);
        checkText("email", email, 0, EMAIL_MAX, false);
        return email;
    }

    static String title(String raw) {
        String title = raw.strip();
        checkText("title", title, 1, TITLE_MAX, false);
        return title;
    }

    static String body(String body) {
        checkText("body", body, 1, BODY_MAX, true);
        if (body.isBlank()) {
            throw ApiException.badRequest("invalid_value", "field 'body' must not be blank");
        }
        return body;
    }

    /**
     * Length in Unicode code points within {@code min..max}; no unpaired surrogates (a JSON {@code \ud800} escape),
     * no NUL or other control characters (tab, CR and LF allowed when {@code multiLine}).
     */
    static void checkText(String field, String value, int min, int max, boolean multiLine) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw ApiException.badRequest("invalid_value", "field '" + field + "' is not valid Unicode text"
                        + " (unpaired surrogate)");
            }
            boolean allowedControl = multiLine && (c == '\n' || c == '\r' || c == '\t');
            if (Character.isISOControl(c) && !allowedControl) {
                throw ApiException.badRequest("invalid_value", "field '" + field + "' must not contain control"
                        + " characters (U+" + String.format(Locale.ROOT, "%04X", (int) c) + ")");
            }
        }
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            throw ApiException.badRequest("invalid_value", "field '" + field + "' must be " + min + ".." + max
                    + " characters long, got " + length);
        }
    }
}
