package dev.scaleup.ops;

import dev.scaleup.topology.Host;
import java.util.List;

/**
 * How a deployment's hosts are brought to what its topology says, and taken back: the one step of {@code up} and
 * {@code down} that differs between the targets. {@code up} runs the same frame around it on either (pre-flight,
 * state, then the VIP gate, the health gate and the final line), {@code down} stops every process first.
 * <pre>
 *   LocalProvisioner    netns: makes the namespaces, renders and checks each file, starts each process, tier by tier
 *   AnsibleProvisioner  hosts: renders the Ansible project and runs its site.yml; down stops and disables the units
 * </pre>
 */
interface Provisioner {

    /**
     * Refuses, with one clear sentence per problem and before anything is made, a deployment that cannot work
     * (missing programs, servers that do not answer, are not Debian 12, or give no root).
     */
    void preflight();

    /** Brings every host to the topology and starts what is missing; returns how many changes it made. */
    int converge(Operation op);

    /**
     * Brings the hosts to a changed topology (a scale): like {@link #converge}, but on servers only the hosts whose
     * files change are reached (the new ones, and those that learn of them), not every server.
     */
    int reconfigure(Operation op);

    /**
     * Takes a host out of service for good once the others no longer use it (a scale-in): its processes stopped and
     * its data deleted; netns: its namespace and files removed; servers: its units stopped and disabled (not started
     * at boot), the server itself stays, a spare. A sentence.
     */
    String retire(Host host, Progress progress);

    /**
     * Starts what the topology wants running and is not, and changes no file: a drill's restore after a fault that
     * killed processes. Returns how many it started. On netns that is {@link #converge} (fast there); on servers
     * {@code systemctl start} of the stopped units, not the whole playbook.
     */
    int startStopped(Operation op);

    /** Undoes what an interrupted operation left half done ({@link Repair} on netns); a sentence per repair. */
    List<String> mend();

    /** Whether this machine holds the rules a deployment needs here ({@link Firewall#gatewayState} on netns). */
    Firewall.State gatewayState();

    /**
     * After every process is stopped: removes what up made, with {@code purge} the data too; each step a sentence.
     * Returns whether nothing of the deployment is left that its state directory would be needed for.
     */
    boolean remove(boolean purge, Progress progress);

    /**
     * Whether down removes the hosts themselves, every file on them with them (netns), so that nothing of theirs needs
     * an orderly stop: down kills their processes at once instead of stopping them one by one. False on servers,
     * which stay, and whose units are always stopped in order.
     */
    boolean hostsGoOnDown();
}
