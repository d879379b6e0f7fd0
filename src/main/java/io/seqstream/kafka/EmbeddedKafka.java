package io.seqstream.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one) running in this JVM, on a data directory that
 * survives restarts: storage is formatted only when it has never been. Uses Kafka's server classes, which are
 * internal API: the version is pinned in the pom and the tests cover start, restart and data survival.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a broker on the directory and waits until it answers.
     *
     * @param port client port; 0 picks a free one. A taken fixed port falls back to a free one with a warning.
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        int p = port == 0 ? freePort() : (isFree(port) ? port : fallback(port));
        EmbeddedKafka k = new EmbeddedKafka(dataDir.toAbsolutePath(), p, freePort());
        k.startServer();
        return k;
    }

    private static int fallback(int port) {
        int free = freePort();
        LOG.warn("port {} is taken; the embedded broker listens on {} instead", port, free);
        return free;
    }

    private void startServer() {
        long t0 = System.nanoTime();
        Path logs = dataDir.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Kafka data directory " + logs, e);
        }
        Properties props = properties(logs);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(logs.resolve("meta.properties"))) format(logs);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady(Duration.ofSeconds(60));
        LOG.info("embedded Kafka ready at {} in {} ms", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
    }

    private Properties properties(Path logs) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logs.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(32 * 1024 * 1024));
        p.put("message.max.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("transaction.max.timeout.ms", "900000");
        // A killed instance's open transaction blocks read_committed readers and the next owner's offset fetch until
        // the broker aborts it: look for timed-out transactions every second rather than every 10 s.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        return p;
    }

    private void format(Path logs) {
        try {
            // Kafka's formatter reports its bootstrap records on the console; the product says where the broker is.
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logs.toString())
                    .setDirectories(List.of(logs.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logs, e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = KafkaClients.of(bootstrapServers()).admin()) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " did not answer within " + timeout, e);
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    /** "127.0.0.1:PORT". */
    public String bootstrapServers() { return "127.0.0.1:" + port; }

    public int port() { return port; }

    public Path dataDir() { return dataDir; }

    /** Stops the broker; {@link #restart()} brings it back on the same port and data. */
    public synchronized void stop() {
        if (server == null) return;
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    public synchronized void restart() {
        if (server != null) throw new IllegalStateException("broker is running");
        startServer();
    }

    public boolean running() { return server != null; }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
