package dev.scaleup.it;

import dev.scaleup.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the real CLI in this JVM and captures what it prints (progress goes to stdout, errors to stderr). */
public final class Cli {

    public record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    public static synchronized Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(new Tee(out, originalOut), true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(new Tee(err, originalErr), true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** Keeps a copy and still shows the output in the test log. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
