package dev.scaleup.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What status says of one host.
 *
 * @param healthy the host does its job now
 * @param details one human line (backends up, db role and lag, …)
 * @param facts machine-readable details for --json (db_role, lag_bytes, vip_holder, backends_up, …)
 */
public record HostHealth(boolean healthy, String details, Map<String, Object> facts) {

    public HostHealth {
        facts = new LinkedHashMap<>(facts);
    }

    public static HostHealth of(boolean healthy, String details) {
        return new HostHealth(healthy, details, Map.of());
    }
}
