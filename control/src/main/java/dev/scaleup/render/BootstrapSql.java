package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code bootstrap.sql} for the initial primary: the replication role, the application's role and database.
 * Idempotent ({@code \gexec} creates what is missing, then passwords and ownership are (re)set), so it can run on every
 * start. Run as {@code psql -v ON_ERROR_STOP=1 -h <run> -U postgres -d postgres -f <conf>/bootstrap.sql} by the
 * {@code postgres} user. Passwords are set as SCRAM-SHA-256 verifiers, so no password reaches the server, its logs or
 * this file; a verifier still lets anyone who reads it guess passwords offline, hence mode 0600.
 */
public final class BootstrapSql {

    public static final String FILE = "bootstrap.sql";

    private BootstrapSql() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths, Secrets secrets) {
        Text.requireRole(host, Role.DB, FILE);
        String replicator = PatroniConfig.REPLICATION_USER;
        String content = Text.banner("--", t, host) + """
                \\set ON_ERROR_STOP on

                -- replication role for pg_basebackup and streaming replicas
                SELECT format('CREATE ROLE %%I', %s)
                 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %s)\\gexec
                ALTER ROLE %s WITH REPLICATION LOGIN PASSWORD %s;

                -- the application's role and database
                SELECT format('CREATE ROLE %%I', %s)
                 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %s)\\gexec
                ALTER ROLE %s WITH LOGIN PASSWORD %s;
                SELECT format('CREATE DATABASE %%I OWNER %%I', %s, %s)
                 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = %s)\\gexec
                ALTER DATABASE %s OWNER TO %s;
                """.formatted(
                        Text.sqlLiteral(replicator), Text.sqlLiteral(replicator),
                        Text.sqlIdentifier(replicator),
                        Text.sqlLiteral(verifier(replicator, secrets.replicationPassword())),
                        Text.sqlLiteral(t.db().user()), Text.sqlLiteral(t.db().user()),
                        Text.sqlIdentifier(t.db().user()), Text.sqlLiteral(verifier(t.db().user(), secrets.appDbPassword())),
                        Text.sqlLiteral(t.db().name()), Text.sqlLiteral(t.db().user()), Text.sqlLiteral(t.db().name()),
                        Text.sqlIdentifier(t.db().name()), Text.sqlIdentifier(t.db().user()))
                + (t.monitoring().enabled() ? monitoringRole() : "")
                + (t.db().pooler() ? poolerLookup(t) : "");
        return new RenderedFile(FILE, content, RenderedFile.PRIVATE);
    }

    /**
     * The exporter's role: pg_monitor's statistics, nothing else (no password: pg_hba.conf lets it in by peer
     * authentication on the host's socket only).
     */
    private static String monitoringRole() {
        String role = Exporters.USER;
        return """

                -- prometheus-postgres-exporter's role: the statistics of pg_monitor, over the local socket only
                SELECT format('CREATE ROLE %%I', %s)
                 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %s)\\gexec
                ALTER ROLE %s WITH LOGIN;
                GRANT pg_monitor TO %s;
                """.formatted(Text.sqlLiteral(role), Text.sqlLiteral(role), Text.sqlIdentifier(role),
                Text.sqlIdentifier(role));
    }

    /**
     * With db.pooler: PgBouncer's lookup of the app logins' SCRAM secrets ({@code auth_query}). PgBouncer logs in as
     * {@link PgBouncerConfig#AUTH_USER}, a role without any privilege but to call {@link PgBouncerConfig#LOOKUP}, a
     * {@code SECURITY DEFINER} function of postgres in the app's database that answers for the app's two logins only
     * (the field's pattern; PgBouncer's documentation of {@code auth_query}). Last in the file: it connects to the
     * app's database.
     */
    private static String poolerLookup(Topology t) {
        String role = PgBouncerConfig.AUTH_USER;
        String logins = AppLogins.of(t).stream().map(Text::sqlLiteral).collect(java.util.stream.Collectors.joining(", "));
        return """

                -- PgBouncer's login (db.pooler): it may only look up the app logins' SCRAM secrets, in the app's database
                SELECT format('CREATE ROLE %%I', %1$s)
                 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %1$s)\\gexec
                ALTER ROLE %2$s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
                \\connect %3$s
                CREATE SCHEMA IF NOT EXISTS %4$s AUTHORIZATION postgres;
                REVOKE ALL ON SCHEMA %4$s FROM PUBLIC;
                GRANT USAGE ON SCHEMA %4$s TO %2$s;
                CREATE OR REPLACE FUNCTION %5$s(p_usename text) RETURNS TABLE (usename name, passwd text)
                 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
                 AS $$ SELECT s.usename, s.passwd FROM pg_catalog.pg_shadow s
                        WHERE s.usename = p_usename AND s.usename IN (%6$s) $$;
                REVOKE ALL ON FUNCTION %5$s(text) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION %5$s(text) TO %2$s;
                """.formatted(Text.sqlLiteral(role), Text.sqlIdentifier(role), Text.sqlIdentifier(t.db().name()),
                PgBouncerConfig.LOOKUP_SCHEMA, PgBouncerConfig.LOOKUP, logins);
    }

    /**
     * The role's verifier, with a salt derived from the role and the password instead of a random one: the same
     * secrets render the same file (so {@code up} sees nothing changed), and a salt only has to be unique, which the
     * generated 32-byte random passwords make it.
     */
    static String verifier(String role, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] salt = mac.doFinal(("scaleup bootstrap.sql salt of role " + role).getBytes(StandardCharsets.UTF_8));
            return ScramVerifier.of(password, Arrays.copyOf(salt, 16), ScramVerifier.ITERATIONS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
