package dev.scaleup.drill;

/**
 * One pass/fail line of a drill.
 *
 * @param name what is checked ("acknowledged writes lost", "longest outage")
 * @param measured what the drill measured, as text
 * @param limit what it must be
 */
public record Check(String name, String measured, String limit, boolean ok) {

    static Check atMost(String name, long measured, long limit) {
        return new Check(name, Long.toString(measured), "<= " + limit, measured <= limit);
    }

    static Check below(String name, Double measuredMs, double limitMs) {
        boolean ok = measuredMs != null && measuredMs < limitMs;
        return new Check(name, measuredMs == null ? "never" : String.format(java.util.Locale.ROOT, "%.0f ms", measuredMs),
                String.format(java.util.Locale.ROOT, "< %.0f ms", limitMs), ok);
    }

    static Check isTrue(String name, boolean measured, String what) {
        return new Check(name, measured ? "yes" : "no", what, measured);
    }
}
