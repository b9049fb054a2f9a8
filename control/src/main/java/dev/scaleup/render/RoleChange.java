package dev.scaleup.render;

import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.List;

/**
 * The script Patroni runs when a db host's role changes ({@code on_role_change}), on both targets: run as
 * {@code sh <script> on_role_change <role> <scope>}, as postgres, without Patroni waiting for it.
 *
 * <ul>
 *   <li><b>Replication slots at once.</b> Patroni creates the slots of the other members on a new primary at its next
 *       loop after the promotion, up to two loops (2 s) later. Until then every replica that follows the new primary
 *       is refused ("replication slot does not exist"), and in strict synchronous mode no write is acknowledged
 *       until one of them streams: in a {@code db-primary-kill}, the new primary accepted connections 2.1 s before
 *       the first write was acknowledged, all of it spent waiting for the slot. The script makes those slots as soon
 *       as PostgreSQL is out of recovery, under the names Patroni gives them (the member's name), so Patroni finds
 *       them made and keeps them.</li>
 *   <li><b>The other members follow at once</b> ({@link #wakeOthers}).</li>
 *   <li><b>No old timeline's last segment archived</b> under its own name, with archiving on
 *       ({@link #skipSwitchSegments}).</li>
 *   <li><b>PgBouncer</b> (with {@code db.pooler}) forgets the startup parameters it saved from the server
 *       ({@code in_hot_standby}) and replaces its server connections, so new clients see the new role
 *       ({@link PgBouncerConfig}).</li>
 * </ul>
 *
 * Patroni runs it as it asks for the promotion or demotion, not once PostgreSQL has made it (seen: the callback 0.2 s
 * before PostgreSQL's "received promote request"): a slot cannot be made during recovery, and a RECONNECT then would
 * save the old role again. So it first waits, up to 30 s, for PostgreSQL to be in the new role: out of recovery for a
 * primary, in recovery otherwise.
 */
public final class RoleChange {

    public static final String FILE = "on-role-change.sh";

    private RoleChange() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.DB, FILE);
        String run = Text.path(paths.run());
        // Patroni's slot name of a member is its name (lower case letters, digits and _ kept): db1, db2, ...
        List<Host> others = t.hosts(Role.DB).stream().filter(h -> !h.equals(host)).toList();
        String slots = others.stream().map(h -> "'" + h.name() + "'").collect(java.util.stream.Collectors.joining(","));
        StringBuilder content = new StringBuilder(Text.banner(t, host)).append("""
                # Patroni's on_role_change (sh <this> on_role_change <role> <scope>): once PostgreSQL is in its new
                # role, a new primary makes the other members' replication slots at once (Patroni would at its next
                # loop, up to 2 s later, and until then no replica streams and no write is acknowledged)%s
                case "$2" in
                  master|primary) want=false ;;
                  *) want=true ;;
                esac
                # one psql for the wait and the slots: on a machine busy with a failover a psql took 0.5-0.8 s to
                # start and connect, and one for each poll and each slot made the slots 1.5 s late. The session
                # waits in the server for the new role, then makes the slots; it is retried while PostgreSQL
                # does not take connections (a demoted primary restarts), for 30 s at most, counted from the
                # first try that failed (the clock is read only then).
                # psql itself, not Debian's /usr/bin/psql: that is pg_wrapper, a Perl program that picks the
                # version first, and it took most of the 0.54 s from this script's start to its connection in a
                # failover under load. Nothing before it waits for another program (each start took about 0.1 s
                # in a failover under the drills' load, and the slots came 0.78 s after PostgreSQL was ready)
                end=
                while :; do
                  %s/psql -X -q -v ON_ERROR_STOP=1 -h %s -p %d -U postgres -d postgres >/dev/null 2>&1 <<SQL && break
                DO \\$\\$
                DECLARE
                  s text;
                BEGIN
                  FOR i IN 1..200 LOOP
                    EXIT WHEN pg_is_in_recovery() = $want;
                    PERFORM pg_sleep(0.05);
                  END LOOP;
                  IF pg_is_in_recovery() <> $want THEN
                    RAISE EXCEPTION 'not in the new role yet';
                  END IF;
                  IF NOT $want THEN
                    FOREACH s IN ARRAY ARRAY[%s]::text[] LOOP
                      IF NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = s) THEN
                        BEGIN
                          PERFORM pg_create_physical_replication_slot(s, true);
                        EXCEPTION WHEN duplicate_object THEN
                          NULL;
                        END;
                      END IF;
                    END LOOP;
                  END IF;
                END
                \\$\\$;
                SQL
                  now=$(date +%%s)
                  [ -n "$end" ] || end=$((now + 30))
                  [ "$now" -lt "$end" ] || break
                  sleep 0.1
                done
                %s%s""".formatted(t.db().pooler() ? ";\n# PgBouncer forgets the startup parameters it saved from the server (in_hot_standby) and replaces\n"
                        + "# its server connections, so new clients see the new role" : "",
                PatroniConfig.BIN_DIR, run, t.db().port(), slots,
                others.isEmpty() ? "" : wakeOthers(others, paths),
                t.backup().enabled() ? skipSwitchSegments(PgBackRestConfig.pgData(paths).resolve("pg_wal")) : ""));
        if (t.db().pooler()) {
            content.append("exec %s/psql -X -q -h %s -p %d -U postgres -d pgbouncer -c 'RECONNECT %s'\n"
                    .formatted(PatroniConfig.BIN_DIR, run, Db.POOLER_PORT, t.db().name()));
        }
        return new RenderedFile(FILE, content.toString(), RenderedFile.PUBLIC);
    }

    /**
     * With archiving: an old timeline's last segment (the one its switch point is in) is not archived under its own
     * name. The member promoted then archived it as {@code .partial}, and the new timeline's segment of the same
     * number holds its WAL up to the switch. But pg_rewind copies the source's WAL files, and once the rewound member
     * is promoted, a checkpoint finds those copies without an archive status and marks them ready; pgBackRest refuses
     * them ("already exists in the repo1 archive with a different checksum": another member pushed that name, with
     * other bytes after the switch) and archiving stops, every later segment behind it. Seen on a stack after a dozen
     * failovers: a checkpoint of the new primary under load marked ready the last segment of each of its 9 older
     * timelines, nothing else, and its archiver failed on the first. A new primary marks them done, reading the switch
     * points from its newest timeline history file. This part runs after the slots: the first write waits for the
     * slots, not for this, and it starts a program per timeline (0.28 s for five in a failover under load). A segment
     * a checkpoint marked ready meanwhile is moved to done.
     */
    static String skipSwitchSegments(java.nio.file.Path wal) {
        return """
                # With archiving, an old timeline's last segment (its switch point in it) is not archived under its
                # own name: it was archived as .partial, and the next timeline's segment holds its WAL up to the
                # switch. A member rewound onto this history has copies of them (pg_rewind copies WAL), which a
                # primary's checkpoint marks ready, and pgBackRest refuses them ("already exists ... with a
                # different checksum"): archiving stops. A new primary marks them done
                if [ "$want" = false ]; then
                  wal=@WAL_DIR@
                  newest=
                  for h in "$wal"/*.history; do [ -f "$h" ] && newest=$h; done
                  if [ -n "$newest" ]; then
                    while read -r tli lsn rest; do
                      case "$tli" in ''|*[!0-9]*) continue ;; esac
                      seg=$(printf '%08X%08X%08X' "$tli" "$((0x${lsn%/*}))" "$((0x${lsn#*/} >> 24))")
                      if [ -f "$wal/$seg" ] && [ ! -f "$wal/archive_status/$seg.done" ]; then
                        if [ -f "$wal/archive_status/$seg.ready" ]; then
                          mv -f "$wal/archive_status/$seg.ready" "$wal/archive_status/$seg.done"
                        else
                          : > "$wal/archive_status/$seg.done"
                        fi
                      fi
                    done < "$newest"
                  fi
                fi
                """.replace("@WAL_DIR@", Text.path(wal));
    }

    /**
     * A new primary wakes the other members' Patroni once their slots are made. A replica learns of a new leader at its
     * next loop, up to {@code loop_wait} (1 s) later: Patroni 3.0.2 watches the leader key only when at least 1 s of
     * the loop is left to wait, never at {@code loop_wait} 1 s. A replica that lost the race for the key has even
     * dropped its {@code primary_conninfo} until then (seen: 0.8 s later, when the new primary had been ready for
     * 0.56 s). In strict synchronous mode the first write waits until a replica streams from the new primary: 0.02-1.0
     * s after it was ready, in db-primary-kills. Patroni's {@code PATCH /config} runs the HA loop at once
     * ({@code ha.wakeup()}), and a patch of an empty section changes nothing (no write to etcd).
     *
     * <p>Not before the slots: woken then, a replica is refused and tries again every
     * {@code wal_retrieve_retry_interval} (0.25 s) anyway, and the curl processes competed with the promotion and the
     * slots' psql for the 2 cores (four db-primary-kills that woke first: the first write 0.01-0.91 s after the new
     * primary was ready, 0.54 s on average). The REST API's password is the one in Patroni's own file, read by this
     * script (it runs as Patroni's user) and handed to curl on its standard input, never in a command line; each call
     * is bounded (a member that is gone is not waited for) and runs in the background.
     */
    static String wakeOthers(List<Host> others, HostPaths paths) {
        String apis = others.stream().map(h -> h.address() + ":" + PatroniConfig.REST_PORT)
                .collect(java.util.stream.Collectors.joining(" "));
        return """
                # A new primary wakes the other members' Patroni once their slots are made: each would learn of
                # the new leader at its next loop, up to 1 s later, and in synchronous mode the first write waits
                # for one of them to stream. A PATCH /config of an empty section changes nothing and runs the HA
                # loop at once. The password, read from Patroni's file with the shell's own read, goes to curl on
                # its standard input, not in its command line
                if [ "$want" = false ]; then
                  pw= section=
                  while IFS= read -r line; do
                    case "$line" in
                      restapi:*) section=restapi ;;
                      [!\\ ]*) section= ;;
                      "    password: "*) if [ "$section" = restapi ]; then pw=${line#"    password: "}; break; fi ;;
                    esac
                  done < %s
                  for api in %s; do
                    printf 'user = "%s:%%s"\\n' "$pw" | curl -s -o /dev/null -K - --connect-timeout 1 --max-time 2 \\
                      -X PATCH -H 'Content-Type: application/json' -d '{"postgresql":{}}' "http://$api/config" &
                  done
                fi
                """.formatted(Text.path(paths.conf(PatroniConfig.FILE)), apis, PatroniConfig.REST_USER);
    }

    /** Patroni's callback command line. */
    public static String callback(HostPaths paths) {
        return "/bin/sh " + Text.path(paths.conf(FILE));
    }
}
