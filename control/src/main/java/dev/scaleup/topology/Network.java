package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * The {@code network:} section: where the hosts live and the address clients use.
 *
 * @param subnet the network the hosts live in (inside 198.18.0.0/15)
 * @param vip the floating address keepalived moves between the load balancers
 */
public record Network(Subnet subnet, Ipv4 vip) {

    /** The VIP's default is this offset in whatever subnet is configured: 198.18.0.100 in the default one. */
    static final int DEFAULT_VIP_OFFSET = 100;

    public static final Network DEFAULTS = in(Subnet.parse(TopologyKey.NETWORK_SUBNET.defaultText()));

    public Network {
        requireNonNull(subnet, "subnet is null");
        requireNonNull(vip, "vip is null");
    }

    /** The subnet with the VIP at its default offset. */
    public static Network in(Subnet subnet) {
        return new Network(subnet, subnet.at(DEFAULT_VIP_OFFSET));
    }
}
