package dev.scaleup.render;

import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/**
 * {@code logrotate.conf} of a netns deployment: every host's log files bounded by size with Debian's logrotate, run
 * every {@link #INTERVAL_SECONDS} s by {@code ops.LogRotation}. A file is copied and then truncated in place
 * ({@code copytruncate}): every server keeps writing to the file it opened (they all append, so the next line lands at
 * the new end), and none needs a signal to reopen it. The pattern names every host's {@code logs/}, those a scale-out
 * adds too. On servers journald bounds the journal itself.
 */
public final class LogrotateConfig {

    public static final String FILE = "logrotate.conf";
    public static final int INTERVAL_SECONDS = 15;
    /** A log file is rotated once it is bigger than this at a run. */
    public static final int SIZE_MB = 16;
    /** Old copies kept, gzipped: a host keeps at most its files' current parts plus this many copies of each. */
    public static final int KEEP = 2;

    private LogrotateConfig() {}

    /** {@code hostsDir}: the state directory's {@code hosts/}. */
    public static String render(Topology t, Path hostsDir) {
        return "# scaleup deployment " + t.name() + ": the hosts' log files (generated, do not edit)\n" + """
                %s/*/logs/*.log {
                    size %dM
                    rotate %d
                    copytruncate
                    compress
                    missingok
                    notifempty
                    nomail
                }
                """.formatted(Text.path(hostsDir), SIZE_MB, KEEP);
    }
}
