package dev.scaleup.app.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Parsing and validation of single values; each failure names the key and what is allowed. */
final class Values {

    private static final Pattern BIND = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");
    private static final Pattern HOST_NAME = Pattern.compile("[\\x21-\\x7E]{1,253}");
    private static final Pattern DB_IDENTIFIER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$.-]{0,62}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final Pattern LONG_DIGITS = Pattern.compile("[0-9]{1,18}");
    static final String HOSTS_RULE = "a comma-separated list of host:port (e.g. 10.0.0.11:5432,10.0.0.12:5432)";

    private Values() {
    }

    static String bind(RawValue raw) {
        String v = raw.value();
        String unbracketed = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
        if (!BIND.matcher(unbracketed).matches()) {
            throw raw.invalid("an IP address or host name");
        }
        return unbracketed;
    }

    static int port(RawValue raw) {
        return intInRange(raw, 1, 65535);
    }

    static int intInRange(RawValue raw, int min, int max) {
        String v = raw.value();
        if (DIGITS.matcher(v).matches()) {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw raw.invalid("an integer " + min + ".." + max);
    }

    static boolean bool(RawValue raw) {
        return switch (raw.value()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw raw.invalid("true or false");
        };
    }

    static long longInRange(RawValue raw, long min, long max) {
        String v = raw.value();
        if (LONG_DIGITS.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw raw.invalid("an integer " + min + ".." + max);
    }

    /** A token key: at least the minimum length, no control characters; the value is never echoed. */
    static String tokenKey(RawValue raw, String key) {
        if (key.length() < AppConfig.MIN_TOKEN_KEY_LENGTH) {
            throw new ConfigException(raw.where() + " must be at least " + AppConfig.MIN_TOKEN_KEY_LENGTH
                    + " characters long" + (raw.key().secret() ? "" : " (the file holds " + key.length() + ")"));
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException(raw.where() + " must not contain control characters");
        }
        return key;
    }

    static String hostName(RawValue raw) {
        if (!HOST_NAME.matcher(raw.value()).matches()) {
            throw raw.invalid("1-253 visible ASCII characters without spaces");
        }
        return raw.value();
    }

    static String dbIdentifier(RawValue raw) {
        if (!DB_IDENTIFIER.matcher(raw.value()).matches()) {
            throw raw.invalid("1-63 characters of letters, digits, '_', '$', '.' or '-',"
                    + " not starting with '$', '.' or '-'");
        }
        return raw.value();
    }

    static List<DbHost> dbHosts(RawValue raw) {
        List<DbHost> hosts = new ArrayList<>();
        for (String part : raw.value().split(",", -1)) {
            DbHost host = dbHost(part.strip());
            if (host == null) {
                throw raw.invalid(HOSTS_RULE);
            }
            if (hosts.contains(host)) {
                throw raw.invalid(HOSTS_RULE + " without duplicates");
            }
            hosts.add(host);
        }
        return hosts;
    }

    private static DbHost dbHost(String part) {
        int colon = part.lastIndexOf(':');
        if (colon <= 0 || colon == part.length() - 1) {
            return null;
        }
        String host = part.substring(0, colon);
        String port = part.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(host).matches() || !host.contains(":")) {
                return null;
            }
        } else if (!HOST.matcher(host).matches()) {
            return null;
        }
        if (!DIGITS.matcher(port).matches()) {
            return null;
        }
        int n = Integer.parseInt(port);
        return n >= 1 && n <= 65535 ? new DbHost(host, n) : null;
    }

    static String password(RawValue raw) {
        if (raw.value().isEmpty()) {
            throw new ConfigException(raw.where() + " must not be empty");
        }
        return raw.value();
    }

    /** The stripped content of the file named by {@code raw}; {@code what} names it in messages. */
    static String secretFromFile(RawValue raw, String what) {
        Path path;
        try {
            path = Path.of(raw.value());
        } catch (InvalidPathException e) {
            throw raw.invalid("a readable file name");
        }
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(raw.where() + " must name a readable file, cannot read '" + raw.value()
                    + "' (" + e.getClass().getSimpleName() + ")");
        }
        if (content.isEmpty()) {
            throw new ConfigException(raw.where() + " must name a file holding " + what + ", '" + raw.value()
                    + "' is empty");
        }
        return content;
    }
}
