package dev.scaleup.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** HAProxy's runtime API: what its {@code show stat} answers (asked through {@link dev.scaleup.runtime.Target#askSocket}). */
public final class HaproxySocket {

    private HaproxySocket() {
    }

    /** A server line of {@code show stat}. */
    public record ServerState(String backend, String server, String status, long sessions) {
        public boolean up() {
            return status.startsWith("UP");
        }

        /** Set to take no new requests by an operator or an operation (drain or maintenance). */
        public boolean drained() {
            return status.startsWith("DRAIN") || status.startsWith("MAINT");
        }
    }

    static List<ServerState> parseStat(String csv, String backend) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return List.of();
        }
        List<String> header = Arrays.asList(lines.get(0).substring(2).split(","));
        Map<String, Integer> column = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            column.put(header.get(i), i);
        }
        List<ServerState> servers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            String px = f[column.get("pxname")];
            String sv = f[column.get("svname")];
            if (px.equals(backend) && !sv.equals("BACKEND") && !sv.equals("FRONTEND")) {
                String scur = f[column.get("scur")];
                servers.add(new ServerState(px, sv, f[column.get("status")], scur.isEmpty() ? 0 : Long.parseLong(scur)));
            }
        }
        return servers;
    }
}
