package dev.scaleup.cli;

import picocli.CommandLine.Command;

@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = {"Throwaway Debian 12 hosts on this machine (systemd-nspawn containers from a debootstrap image),"
                + " to try and test the hosts target: `hosts up` writes a hosts file for `up -f`."},
        subcommands = {HostsUpCommand.class, HostsDownCommand.class})
final class HostsCommand {
}
