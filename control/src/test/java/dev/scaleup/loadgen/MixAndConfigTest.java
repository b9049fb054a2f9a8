package dev.scaleup.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixAndConfigTest {

    @Test
    void theMixPicksEachOperationByItsWeight() {
        Mix mix = new Mix(Map.of(Op.INFO, 1, Op.TRANSFER, 3));
        assertThat(mix.total()).isEqualTo(4);
        Map<Op, Integer> counts = new EnumMap<>(Op.class);
        for (int r = 0; r < 400; r++) {
            counts.merge(mix.pick(r), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(Op.INFO, 100).containsEntry(Op.TRANSFER, 300);
        assertThat(mix.needsUsers()).isTrue();
        assertThat(Mix.only(Op.STATIC).needsUsers()).isFalse();
        assertThat(Mix.drill().toString()).contains("transfer=4");
        assertThatThrownBy(() -> new Mix(Map.of(Op.INFO, 0))).hasMessageContaining("no operation");
    }

    @Test
    void backoffDoublesFrom50MsToOneSecond() {
        LoadConfig c = LoadConfig.defaults(URI.create("http://127.0.0.1"));
        assertThat(c.backoff(1)).isEqualTo(Duration.ZERO);
        assertThat(c.backoff(2)).isEqualTo(Duration.ofMillis(50));
        assertThat(c.backoff(3)).isEqualTo(Duration.ofMillis(100));
        assertThat(c.backoff(6)).isEqualTo(Duration.ofMillis(800));
        assertThat(c.backoff(7)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.backoff(19)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxAttempts()).isEqualTo(6);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyRunIsBounded() {
        LoadConfig c = LoadConfig.defaults(URI.create("http://127.0.0.1"));
        assertThatThrownBy(() -> c.withDuration(Duration.ZERO)).hasMessageContaining("duration");
        assertThatThrownBy(() -> c.withDuration(Duration.ofHours(2))).hasMessageContaining("duration");
        assertThatThrownBy(() -> c.withMaxRequests(0)).hasMessageContaining("maxRequests");
        assertThatThrownBy(() -> c.withClients(0)).hasMessageContaining("clients");
        assertThatThrownBy(() -> c.withKeyPrefix("no spaces")).hasMessageContaining("keyPrefix");
    }

    @Test
    void operationDrillsAlsoSendWritesWithoutAKeyAndOnlyKeyedOrSafeRequestsAreRetried() {
        assertThat(Mix.operations().weights()).containsEntry(Op.POST, 1).containsEntry(Op.TRANSFER, 4);
        assertThat(Mix.drill().weights()).doesNotContainKey(Op.POST);
        assertThat(Op.POST.retrySafe()).isFalse();
        assertThat(Op.POST.write()).isTrue();
        assertThat(Op.TRANSFER.retrySafe()).isTrue();
        assertThat(Op.ACCOUNT_ME.retrySafe()).isTrue();
        assertThat(LoadConfig.defaults(URI.create("https://198.18.0.100")).tls()).as("JDK trust unless told").isNull();
    }
}
