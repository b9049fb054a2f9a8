package dev.scaleup.topology;

/** An IPv4 address as an unsigned 32-bit value. */
public record Ipv4(int bits) implements Comparable<Ipv4> {

    public static Ipv4 parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4(bits);
    }

    public Ipv4 plus(int offset) {
        return new Ipv4(bits + offset);
    }

    public long unsigned() {
        return Integer.toUnsignedLong(bits);
    }

    @Override
    public int compareTo(Ipv4 other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
