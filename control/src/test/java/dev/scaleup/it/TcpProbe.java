package dev.scaleup.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP connect to each {@code address:port} at once, from wherever it runs: the tests start it inside a host's
 * namespace ({@code ip netns exec NS java -cp test-classes dev.scaleup.it.TcpProbe MILLIS TARGET...}). Prints one
 * line per target: {@code address:port OPEN|REFUSED|DROPPED|UNREACHABLE|ERROR}. DROPPED is a connect that timed out
 * (no answer at all: a firewall's drop); REFUSED an RST (nothing listens, or a reject).
 */
public final class TcpProbe {

    public enum Outcome { OPEN, REFUSED, DROPPED, UNREACHABLE, ERROR }

    private TcpProbe() {
    }

    public static void main(String[] args) throws Exception {
        int millis = Integer.parseInt(args[0]);
        List<String> targets = List.of(args).subList(1, args.length);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> results = new ArrayList<>();
            for (String target : targets) {
                results.add(executor.submit(() -> probe(target, millis)));
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                out.append(targets.get(i)).append(' ').append(results.get(i).get()).append('\n');
            }
            System.out.print(out);
        }
    }

    public static Outcome probe(String target, int millis) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            return Outcome.OPEN;
        } catch (SocketTimeoutException e) {
            return Outcome.DROPPED;
        } catch (NoRouteToHostException e) {
            return Outcome.UNREACHABLE;
        } catch (ConnectException e) {
            return e.getMessage() != null && e.getMessage().contains("refused") ? Outcome.REFUSED : Outcome.UNREACHABLE;
        } catch (IOException e) {
            return Outcome.ERROR;
        }
    }
}
