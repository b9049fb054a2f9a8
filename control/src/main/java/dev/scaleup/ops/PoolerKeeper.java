package dev.scaleup.ops;

import dev.scaleup.render.HostPaths;
import dev.scaleup.runtime.ProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * PgBouncer's keeper on the netns target, where no init system runs: it starts PgBouncer, and starts it again a second
 * after it exits, as {@code Restart=on-failure} does for {@code pgbouncer.service} on servers. With {@code db.pooler}
 * the app servers reach PostgreSQL only through the PgBouncer of its host, so a PgBouncer that died and stayed dead
 * on the primary would stop every write until the next {@code scaleup up}.
 *
 * <p>The keeper is a bash script (no program is started while PgBouncer runs: it waits on its child). It writes the
 * child's pid into PgBouncer's pid file, so the runtime finds PgBouncer as the process it is ({@link
 * ProcessSpec#startedBy}); it passes HUP (reload) on, and on TERM or INT it stops PgBouncer, waits for it and exits.
 * Its own output goes to its log; PgBouncer's, with a line for each restart, to PgBouncer's log. After {@link #BURST}
 * exits within {@link #WINDOW_S} seconds it gives up, with a line in both logs, and exits with status 1.
 */
public final class PoolerKeeper {

    /** The keeper's process name (pid file, log). */
    public static final String PROCESS = "pgbouncer-keeper";
    /** The program it runs as: the runtime checks the pid file's process by its executable. */
    static final String SHELL = "/bin/bash";
    /** Seconds between an exit and the next start. */
    static final int PAUSE_S = 1;
    /**
     * It gives up after this many exits within {@link #WINDOW_S} seconds, as systemd does with its defaults
     * ({@code StartLimitBurst=5}, {@code StartLimitIntervalSec=10}): a PgBouncer that cannot start (its port taken, a
     * broken config) is then reported down by {@code status}, instead of being started every second for good.
     */
    static final int BURST = 5;
    static final int WINDOW_S = 10;

    /**
     * {@code bash -c SCRIPT pgbouncer-keeper PIDFILE LOG COMMAND...}. While it waits on a child, a trapped signal ends
     * {@code wait} early with a status above 128: the inner loop waits again until the child is really gone. The
     * first {@code wait} comes before any {@code kill -0}: a child that exited at once is already reaped by then,
     * and only {@code wait} still knows its status (a test caught "status 0" for a child that exited with 3).
     */
    static final String SCRIPT = """
            pidfile=$1 log=$2; shift 2
            child= stopping= exits=0 window=$SECONDS
            trap 'stopping=1; [ -z "$child" ] || kill -TERM "$child" 2>/dev/null' TERM INT
            trap '[ -z "$child" ] || kill -HUP "$child" 2>/dev/null' HUP
            while [ -z "$stopping" ]; do
              "$@" >> "$log" 2>&1 < /dev/null &
              child=$!
              echo "$child" > "$pidfile"
              wait "$child"; status=$?
              while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
              [ -z "$stopping" ] || break
              if [ $((SECONDS - window)) -ge %d ]; then window=$SECONDS exits=0; fi
              exits=$((exits + 1))
              if [ "$exits" -ge %d ]; then
                printf -v msg '%%(%%F %%T)T pgbouncer-keeper: %%s (pid %%s) exited with status %%s, the %%sth time within %d s; giving up (its log: %%s)' \\
                  -1 "$1" "$child" "$status" "$exits" "$log"
                printf '%%s\\n' "$msg" >> "$log"
                printf '%%s\\n' "$msg"
                exit 1
              fi
              printf '%%(%%F %%T)T pgbouncer-keeper: %%s (pid %%s) exited with status %%s; starting it again in %d s\\n' \\
                -1 "$1" "$child" "$status" >> "$log"
              sleep %d & child=$!
              wait "$child"
            done
            exit 0
            """.formatted(WINDOW_S, BURST, WINDOW_S, PAUSE_S, PAUSE_S);

    private PoolerKeeper() {}

    /** The keeper of the host's PgBouncer, run as PgBouncer's user. */
    static ProcessSpec spec(HostPaths paths, ProcessSpec pgbouncer) {
        List<String> argv = new ArrayList<>(List.of(SHELL, "-c", SCRIPT, PROCESS,
                paths.pidFile(pgbouncer.name()).toString(), paths.log(pgbouncer.name()).toString()));
        argv.addAll(pgbouncer.argv());
        return ProcessSpec.of(PROCESS, argv).asUser(pgbouncer.user()).withExecutable("bash");
    }

    /** The PgBouncer of {@link #spec}, as the runtime sees it: started by the keeper. */
    static ProcessSpec kept(ProcessSpec pgbouncer) {
        return pgbouncer.startedBy(PROCESS);
    }
}
