package dev.scaleup.runtime;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.topology.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a deployment's hosts are, and everything the operations do to one of them: make it, run, find, signal and
 * stop its processes, run a command on it, read its addresses, break it and mend it (drills). The operations in
 * {@code dev.scaleup.ops} and {@code dev.scaleup.drill} reach hosts only through this interface.
 * <pre>
 *   NetnsTarget   hosts are network namespaces on this machine, joined by a bridge; processes are started detached
 *                 with verified pid files (today's target)
 *   HostsTarget   hosts are Debian servers reached over SSH; files and units are put in place by a generated
 *                 Ansible project, processes are systemd units
 * </pre>
 * Every method that changes something is idempotent and answers with a sentence saying what it did (or null when
 * there was nothing to do), so an operation can log it as a step.
 */
public interface Target {

    /** "netns" or "hosts": the word the topology file uses for it. */
    String kind();

    /** The directories of the host's configs, data, logs, pid files and sockets. */
    HostPaths paths(Host host);

    // --- the hosts themselves -----------------------------------------------------------------------------------

    /** Makes what the hosts share (netns: the bridge with the gateway address); a sentence, or null when it was there. */
    String ensureNetwork();

    /** Makes the host reachable at its address; a sentence, or null when it was there already. */
    String ensureHost(Host host);

    /** Whether the host exists (netns: its namespace is there). */
    boolean exists(Host host);

    /** Every process still on the host after its servers were stopped: TERM, then KILL; a sentence for each. */
    List<String> killLeftovers(Host host);

    /**
     * Kills every process on the host at once (KILL) and returns once they are gone, for a host that is removed with
     * its data right after (netns down); a sentence, or null when nothing ran there. Servers are not removed: their
     * units are stopped in order instead, so they do not support this.
     */
    String killAll(Host host);

    /** Removes the host (netns: its namespace and veth pair), once it runs nothing. */
    void removeHost(Host host);

    /**
     * Returns once the processes this target stopped have left the process table (bounded): their parent reaps
     * them. Nothing to wait for where a service manager stops them (systemd reaps its own).
     */
    default void awaitReaped() {
    }

    /**
     * Removes the hosts of the deployment that its topology does not name (made by a scale-out that was interrupted
     * before it saved the topology): their processes, the hosts and their files; a sentence for each.
     */
    List<String> removeStrays();

    /**
     * Removes whatever of the deployment is left, also what no topology names any more (netns: every namespace whose
     * name is the deployment's, its processes, the veths and the bridge); sentences saying what it removed.
     */
    List<String> removeAll();

    // --- users and the owners of files -----------------------------------------------------------------------------

    /**
     * Makes the unprivileged system user a server runs as ({@link ProcessSpec#user}), with a group of the same name,
     * unless it exists; a sentence, or null when it was there.
     */
    String ensureUser(String user);

    /**
     * Gives one file or directory of the host (not what is inside) to the user and group, with the mode (e.g.
     * 0700): a host's files are readable by the server that needs them, and by nobody else.
     */
    void own(Host host, Path path, String user, String group, int mode);

    /** Gives the directories of the host and everything inside them to the user (its group too); modes stay. */
    void ownTrees(Host host, List<Path> dirs, String user);

    // --- config files ---------------------------------------------------------------------------------------------

    /**
     * Writes the rendered files into the host's conf directory, only those whose content differs, each replaced
     * whole (a reader never sees half a file); returns their names. A file that was there keeps its owner and mode
     * (on servers the Ansible project set them), a new one gets the rendered mode.
     */
    List<String> writeConfigs(Host host, List<RenderedFile> files);

    /** One of the host's config files as it is now; empty when the host has none of that name. */
    Optional<String> readConfig(Host host, String name);

    // --- processes ----------------------------------------------------------------------------------------------

    /** Starts the server process detached, so it outlives the CLI; returns its pid once it runs the server. */
    long start(Host host, ProcessSpec spec);

    /** The pid of the process when it runs (the pid is verified to be that server on that host). */
    Optional<Long> running(Host host, ProcessSpec spec);

    /** Stops the process if it runs (its stop signal, the deadline, then KILL); a sentence saying what happened. */
    String stop(Host host, ProcessSpec spec, Duration deadline);

    /** Sends the signal to the process (a reload: HUP, USR2); false when it does not run. */
    boolean signal(Host host, ProcessSpec spec, String signal);

    /**
     * The /proc/PID/stat line of every process running on the host (a benchmark's CPU and memory by process). A
     * process that ends while they are read is left out.
     */
    List<String> processStats(Host host);

    /** The last lines of the process's log, for error messages. */
    String logTail(Host host, String process, int lines);

    /**
     * The host's logs by source, each oldest line first: netns, every file under the host's {@code logs/} (named
     * without {@code .log}); servers, the journal of each of the host's units (named by the unit), from {@code since}
     * on when given (netns reads whole files; the caller filters by time).
     */
    java.util.Map<String, List<String>> logs(Host host, java.util.Optional<java.time.Instant> since);

    /** Where the process's log is, as an operator would look for it. */
    String logName(Host host, String process);

    // --- commands and addresses ---------------------------------------------------------------------------------

    /** Runs a short command on the host (a checker, nft, psql) with extra environment and optional standard input. */
    Exec.Result exec(Host host, List<String> command, Map<String, String> env, Duration timeout, String stdin);

    default Exec.Result exec(Host host, List<String> command, Duration timeout) {
        return exec(host, command, Map.of(), timeout, null);
    }

    /**
     * Sends one line to a unix socket of the host and returns everything it answers (HAProxy's runtime API); throws
     * when the socket does not answer.
     */
    String askSocket(Host host, Path socket, String line) throws java.io.IOException;

    /** Whether the address is on the host's interface (finds the VIP holder). */
    boolean hasAddress(Host host, String address);

    /** Removes the address (CIDR notation) from the host's interface; a sentence, or null when it was not there. */
    String removeAddress(Host host, String cidr);

    // --- faults, for drills ---------------------------------------------------------------------------------------

    /** SIGKILL every process on the host (a host that dies at once); a sentence naming what was killed. */
    String killEverything(Host host);

    /** SIGKILL the process and its workers (descendants running the same program); a sentence. */
    String killProcess(Host host, ProcessSpec spec);

    /** SIGKILL every process of the user on the host, except those with the given names; a sentence. */
    String killUser(Host host, String user, List<String> except);

    /**
     * SIGSTOP every process of the user on the host (a server that hangs: its connections stay open, nothing
     * answers); a sentence naming what was frozen.
     */
    String freezeUser(Host host, String user);

    /** SIGCONT every process of the user on the host; a sentence, or null when none runs. */
    String thawUser(Host host, String user);

    /**
     * Drops every packet the host sends to {@code peer}, established connections included, while all else flows
     * (netns: a table of its own in the host's namespace, beside the firewall's); a sentence.
     */
    String dropTraffic(Host host, Host peer);

    /** Removes what {@link #dropTraffic} added on the host; a sentence, or null when nothing was dropped. */
    String restoreTraffic(Host host);

    /** Cuts the host off the network (netns: its eth0 down); a sentence. */
    String cutNetwork(Host host);

    /** Joins the host to the network again, address and route restored; a sentence. */
    String restoreNetwork(Host host);

    /**
     * Drops the VRRP packets (IP protocol 112) that arrive at the host, and nothing else: the data path stays (netns:
     * a drop rule in a table of its own, which the host's firewall check does not look at); a sentence.
     */
    String blockVrrp(Host host);

    /** Lets VRRP in again; a sentence, or null when it was not blocked. */
    String unblockVrrp(Host host);
}
