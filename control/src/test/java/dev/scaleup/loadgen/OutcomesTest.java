package dev.scaleup.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class OutcomesTest {

    @Test
    void refusedConnectionsAreRecognisedAlsoWhenWrapped() {
        assertThat(Outcomes.classify(new ConnectException("Connection refused"))).isEqualTo(ErrorKind.CONNECTION_REFUSED);
        // the JDK client wraps the socket's exception in one without a message
        ConnectException outer = new ConnectException();
        outer.initCause(new ConnectException("Connection refused"));
        assertThat(Outcomes.classify(outer)).isEqualTo(ErrorKind.CONNECTION_REFUSED);
        assertThat(Outcomes.classify(new ConnectException())).isEqualTo(ErrorKind.CONNECTION_REFUSED);
        // what the JDK client really throws for a port nobody listens on
        assertThat(Outcomes.classify(new ConnectException().initCause(new java.nio.channels.ClosedChannelException())))
                .isEqualTo(ErrorKind.CONNECTION_REFUSED);
    }

    @Test
    void timeoutsAreToldApartFromConnectTimeouts() {
        assertThat(Outcomes.classify(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo(ErrorKind.CONNECT_TIMEOUT);
        assertThat(Outcomes.classify(new HttpTimeoutException("request timed out"))).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(Outcomes.classify(new TimeoutException())).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(Outcomes.classify(new ConnectException("Connection timed out"))).isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    }

    @Test
    void resetsClosesAndRoutes() {
        assertThat(Outcomes.classify(new IOException("Connection reset"))).isEqualTo(ErrorKind.CONNECTION_RESET);
        assertThat(Outcomes.classify(new IOException("Broken pipe"))).isEqualTo(ErrorKind.CONNECTION_RESET);
        assertThat(Outcomes.classify(new IOException(new IOException("Connection reset by peer"))))
                .isEqualTo(ErrorKind.CONNECTION_RESET);
        assertThat(Outcomes.classify(new EOFException("EOF reached while reading"))).isEqualTo(ErrorKind.CONNECTION_CLOSED);
        assertThat(Outcomes.classify(new IOException("HTTP/1.1 header parser received no bytes")))
                .isEqualTo(ErrorKind.CONNECTION_CLOSED);
        assertThat(Outcomes.classify(new ConnectException().initCause(new NoRouteToHostException("No route to host"))))
                .isEqualTo(ErrorKind.NO_ROUTE);
        assertThat(Outcomes.classify(new IOException("something else"))).isEqualTo(ErrorKind.IO_ERROR);
    }

    @Test
    void proxiesThatCouldNotAnswerAreRetriedFinalAnswersAreNot() {
        assertThat(Outcomes.isRetryableStatus(502)).isTrue();
        assertThat(Outcomes.isRetryableStatus(503)).isTrue();
        assertThat(Outcomes.isRetryableStatus(504)).isTrue();
        assertThat(Outcomes.isRetryableStatus(500)).isFalse();
        assertThat(Outcomes.isRetryableStatus(422)).isFalse();
        assertThat(Outcomes.isRetryableStatus(404)).isFalse();
        assertThat(Outcomes.isSuccess(201)).isTrue();
        assertThat(Outcomes.isSuccess(302)).isFalse();
        assertThat(Outcomes.statusKey(503)).isEqualTo("http_503");
    }
}
