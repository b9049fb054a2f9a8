package dev.scaleup.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses of a subnet the address plan reserves, to tell where the VIP may go. Reserved: the network and
 * broadcast addresses, the gateway (network + 1), and each role's whole block, network + firstOffset + 1 up to
 * network + firstOffset + capacity, whatever the configured counts.
 */
final class AddressPlan {

    /** 198.18.0.0/15, set aside for benchmarking by RFC 2544: never routed, so never someone else's network. */
    static final Subnet BENCHMARK_RANGE = new Subnet(Ipv4.parse("198.18.0.0"), 15);

    /** Smallest prefix allowed: a /16 still lies inside the /15. */
    static final int MIN_PREFIX = 16;

    /** Largest prefix allowed: the plan's blocks run up to offset 89 and the VIP wants room above them. */
    static final int MAX_PREFIX = 24;

    private record Range(long first, long last) {}

    private AddressPlan() {}

    /** Why {@code address}, which {@code subnet} contains, cannot be the VIP; empty when it is free. */
    static Optional<String> reservation(Subnet subnet, Ipv4 address) {
        long offset = address.unsigned() - subnet.network().unsigned();
        if (offset == 0) {
            return Optional.of("the network address");
        }
        if (offset == size(subnet) - 1) {
            return Optional.of("the broadcast address");
        }
        if (offset == 1) {
            return Optional.of("the gateway, the bridge's address in the root namespace");
        }
        for (Role role : Role.values()) {
            Range block = block(role);
            if (offset >= block.first() && offset <= block.last()) {
                return Optional.of("the address plan gives " + render(subnet, block) + " to " + role.prefix() + " hosts");
            }
        }
        return Optional.empty();
    }

    /** The free addresses of the subnet, e.g. {@code .2-.10, .20, .40, .80, .90-.254} for a /24. */
    static String freeRanges(Subnet subnet) {
        List<Range> reserved = new ArrayList<>();
        reserved.add(new Range(0, 1));
        for (Role role : Role.values()) {
            reserved.add(block(role));
        }
        reserved.add(new Range(size(subnet) - 1, size(subnet) - 1));
        reserved.sort(Comparator.comparingLong(Range::first));
        List<String> free = new ArrayList<>();
        long next = 0;
        for (Range r : reserved) {
            if (r.first() > next) {
                free.add(render(subnet, new Range(next, r.first() - 1)));
            }
            next = Math.max(next, r.last() + 1);
        }
        return String.join(", ", free);
    }

    private static Range block(Role role) {
        return new Range(role.firstOffset() + 1L, (long) role.firstOffset() + role.capacity());
    }

    private static long size(Subnet subnet) {
        return 1L << (32 - subnet.prefix());
    }

    /** A /24 shows last octets only ({@code .21-.39}), a larger subnet whole addresses. */
    private static String render(Subnet subnet, Range range) {
        return range.first() == range.last()
                ? render(subnet, range.first())
                : render(subnet, range.first()) + "-" + render(subnet, range.last());
    }

    private static String render(Subnet subnet, long offset) {
        return subnet.prefix() == 24 ? "." + offset : subnet.at((int) offset).toString();
    }
}
