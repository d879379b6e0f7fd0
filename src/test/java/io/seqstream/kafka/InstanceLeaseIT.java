package io.seqstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.config.ConfigException;
import io.seqstream.testing.ChildJvm;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The instance-id lease on a real broker: a second process with a live holder's id is refused with an error naming
 * the setting; a kill -9'ed holder is taken over once its heartbeats stop; a cleanly stopped one frees the id at
 * once; a holder whose id was taken by a newer claim learns it.
 */
@ExtendWith(SharedKafka.class)
class InstanceLeaseIT {
    /** A lease timeout no test should sit through: the lease says whether it waited for a holder. */
    private static final Duration LONG = Duration.ofSeconds(30);

    private static String topic(String app) {
        String name = app + ".instances";
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(name, 1, 1, Map.of("cleanup.policy", "compact"))));
        return name;
    }

    @Test
    void shouldRefuseASecondHolderWhileTheFirstBeatsAndFreeTheIdOnClose() {
        String topic = topic("lease-inproc");
        String bootstrap = SharedKafka.bootstrap();
        InstanceLease first = InstanceLease.acquire(bootstrap, topic, "i1", LONG);
        assertFalse(first.waitedForHolder(), "a new topic has nothing to wait for");
        try {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> InstanceLease.acquire(bootstrap, topic, "i1", Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("app.instance-id 'i1' is in use by another running process"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("give each instance its own app.instance-id"), e.getMessage());
            // Another id is free.
            InstanceLease.acquire(bootstrap, topic, "i2", LONG).close();
            assertFalse(first.heldElsewhere());
        } finally {
            first.close();
        }
        try (InstanceLease again = InstanceLease.acquire(bootstrap, topic, "i1", LONG)) {
            assertFalse(again.waitedForHolder(), "a released id is taken without waiting for heartbeats");
            assertFalse(again.heldElsewhere());
        }
    }

    @Test
    void shouldReportTheIdHeldElsewhereWhenANewerClaimAppears() throws Exception {
        String topic = topic("lease-newer");
        String bootstrap = SharedKafka.bootstrap();
        try (InstanceLease lease = InstanceLease.acquire(bootstrap, topic, "i1", Duration.ofSeconds(3));
             KafkaProducer<String, byte[]> raw = rawProducer(bootstrap)) {
            // What a process that took the id over while we were paused writes: its first heartbeat, a newer claim.
            LeaseRecord other = new LeaseRecord("other-run", "elsewhere", 4242, 0, System.currentTimeMillis(), -1, false);
            raw.send(new ProducerRecord<>(topic, "i1", other.encode())).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!lease.heldElsewhere() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(lease.heldElsewhere(), "the newer claim is seen");
            assertEquals("host elsewhere, pid 4242", lease.holder());
        }
        // The loser wrote no release: the id stays with the newer claim, whose heartbeats a start now waits for.
        ConfigException e = assertThrows(ConfigException.class, () -> {
            try (KafkaProducer<String, byte[]> raw = rawProducer(bootstrap)) {
                Thread beater = new Thread(() -> {
                    for (int seq = 1; seq < 30 && !Thread.currentThread().isInterrupted(); seq++) {
                        raw.send(new ProducerRecord<>(topic, "i1",
                                new LeaseRecord("other-run", "elsewhere", 4242, seq, 0, 5, false).encode()));
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                });
                beater.start();
                try {
                    InstanceLease.acquire(bootstrap, topic, "i1", Duration.ofSeconds(3)).close();
                } finally {
                    beater.interrupt();
                    beater.join();
                }
            }
        });
        assertTrue(e.getMessage().contains("host elsewhere, pid 4242"), e.getMessage());
    }

    /**
     * Product JVMs: a second one with the same id exits with the clear error while the first runs; after kill -9 of
     * the first a new one takes the id once its heartbeats stopped; after a clean stop the id is free at once.
     */
    @Test
    void shouldRefuseASecondProcessAndTakeOverFromAKilledOne() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        Path logs = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "lease-it-");
        Path model = TestModels.echoFile();
        String[] settings = {"app.name=leaseit", "app.instance-lease-timeout=3s"};
        ChildJvm first = ChildJvm.instance("same", bootstrap, model, logs.resolve("first"), settings).start();
        ChildJvm second = ChildJvm.instance("same", bootstrap, model, logs.resolve("second"), settings);
        ChildJvm third = ChildJvm.instance("same", bootstrap, model, logs.resolve("third"), settings);
        try {
            first.awaitReady(Duration.ofSeconds(120));
            second.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (second.alive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertFalse(second.alive(), "the second process exits");
            assertEquals(2, second.exitCode());
            String log = Files.readString(second.log());
            assertTrue(log.contains("app.instance-id 'same' is in use by another running process")
                    && log.contains("pid " + first.pid()), log);
            assertTrue(first.alive(), "the first process keeps running");

            first.kill9();
            third.start().awaitReady(Duration.ofSeconds(120));
            assertTrue(Files.readString(third.log()).contains("taking the id over"), "the dead holder was waited for");
            third.close();
            try (InstanceLease after = InstanceLease.acquire(bootstrap, "leaseit.instances", "same", LONG)) {
                assertFalse(after.waitedForHolder(), "a cleanly stopped holder released the id");
            }
        } finally {
            third.close();
            second.close();
            first.close();
        }
    }

    private static KafkaProducer<String, byte[]> rawProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
