package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/** An IPv4 network: base address and prefix length. */
public record Subnet(Ipv4 base, int prefix) {

    public Subnet {
        requireNonNull(base, "base is null");
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix out of range: " + prefix);
        }
    }

    /** Parses "198.18.0.0/24"; throws IllegalArgumentException with a reason. */
    public static Subnet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR subnet (expected a.b.c.d/prefix): '" + text + "'");
        }
        Ipv4 base = Ipv4.parse(text.substring(0, slash));
        String prefixText = text.substring(slash + 1);
        if (prefixText.isEmpty() || !prefixText.chars().allMatch(Character::isDigit) || prefixText.length() > 2) {
            throw new IllegalArgumentException("not a CIDR prefix: '" + prefixText + "'");
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > 32) {
            throw new IllegalArgumentException("CIDR prefix above 32: " + prefix);
        }
        Subnet subnet = new Subnet(base, prefix);
        if (subnet.network().bits() != base.bits()) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; the network is " + subnet.network() + "/" + prefix);
        }
        return subnet;
    }

    public int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public Ipv4 network() {
        return new Ipv4(base.bits() & mask());
    }

    public Ipv4 broadcast() {
        return new Ipv4(network().bits() | ~mask());
    }

    public boolean contains(Ipv4 address) {
        return (address.bits() & mask()) == network().bits();
    }

    public boolean contains(Subnet other) {
        return other.prefix >= prefix && contains(other.network());
    }

    /** The address at this offset from the network address. */
    public Ipv4 at(int offset) {
        return network().plus(offset);
    }

    @Override
    public String toString() {
        return network() + "/" + prefix;
    }
}
