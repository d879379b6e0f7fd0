package io.seqstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    private final KafkaClients clients = KafkaClients.of("localhost:1");

    @Test
    void shouldBuildReadCommittedConsumersThatCommitOnlyWhenTold() {
        Properties p = clients.consumer().group("g").properties();
        assertEquals("localhost:1", p.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("read_committed", p.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
        assertEquals("false", p.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals("true", clients.consumer().autoCommit().properties().get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    }

    @Test
    void shouldHeartbeatFiveTimesPerSessionButNotFasterThanTwicePerSecond() {
        Properties p = clients.consumer().sessionTimeout(Duration.ofSeconds(10)).cooperative().properties();
        assertEquals("10000", p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals("2000", p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
        assertEquals(CooperativeStickyAssignor.class.getName(), p.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        assertEquals("500", clients.consumer().sessionTimeout(Duration.ofSeconds(1)).properties()
                .get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    @Test
    void shouldMakeTransactionalProducersIdempotentWithTheirIdAndTimeout() {
        Properties p = clients.transactionalProducer("tx-1", Duration.ofSeconds(30)).linger(Duration.ofMillis(5)).properties();
        assertEquals("tx-1", p.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
        assertEquals("30000", p.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        assertEquals("true", p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", p.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("5", p.get(ProducerConfig.LINGER_MS_CONFIG));
    }

    @Test
    void shouldLeaveIdempotentProducersWithoutATransactionalId() {
        Properties p = clients.idempotentProducer().clientId("feed").properties();
        assertFalse(p.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
        assertEquals("true", p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("feed", p.get(ProducerConfig.CLIENT_ID_CONFIG));
    }
}
