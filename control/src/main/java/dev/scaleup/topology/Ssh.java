package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How scaleup (Ansible) reaches a server over SSH: the {@code ssh:} section, or a host's own overrides of it.
 *
 * @param user the login user
 * @param port sshd's port
 * @param key the private key file, absolute
 * @param sudo whether to become root with sudo (the user is not root)
 * @param knownHosts a known_hosts file that lists the servers' host keys (ssh.known_hosts: a lab's), checked
 *     strictly; null: each server's key is learned at the first connection and checked at every later one
 */
public record Ssh(String user, int port, Path key, boolean sudo, Path knownHosts) {

    public Ssh {
        requireNonNull(user, "user is null");
        requireNonNull(key, "key is null");
    }

    /** Host keys learned at the first connection. */
    public Ssh(String user, int port, Path key, boolean sudo) {
        this(user, port, key, sudo, null);
    }
}
