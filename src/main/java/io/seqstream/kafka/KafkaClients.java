package io.seqstream.kafka;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place Kafka clients are built: read_committed consumers, idempotent and transactional producers and admin
 * clients of one cluster, each from a fluent builder whose defaults are the product's (no auto-commit, acks=all).
 * Settings the builders do not name go through {@code set(key, value)}.
 */
public final class KafkaClients {
    private final String bootstrap;

    private KafkaClients(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Clients of the cluster at these bootstrap servers. */
    public static KafkaClients of(String bootstrap) {
        return new KafkaClients(bootstrap);
    }

    public String bootstrap() { return bootstrap; }

    /** A read_committed consumer that commits only when told (no auto-commit), byte arrays unless told otherwise. */
    public ConsumerBuilder consumer() {
        return new ConsumerBuilder(bootstrap);
    }

    /** An idempotent producer (acks=all, idempotence on): retries never duplicate or reorder a partition's records. */
    public ProducerBuilder idempotentProducer() {
        return new ProducerBuilder(bootstrap);
    }

    /**
     * A transactional producer with this id; {@link ProducerBuilder#build()} returns it with its transactions
     * initialised, which fences every earlier producer of the same id.
     */
    public ProducerBuilder transactionalProducer(String transactionalId, Duration transactionTimeout) {
        ProducerBuilder b = new ProducerBuilder(bootstrap);
        b.props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        b.props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(transactionTimeout.toMillis()));
        return b;
    }

    /** An admin client. */
    public Admin admin() {
        return Admin.create(adminProperties(null));
    }

    /** An admin client with this client id (it names the client in the broker's logs and quotas). */
    public Admin admin(String clientId) {
        return Admin.create(adminProperties(clientId));
    }

    private Properties adminProperties(String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (clientId != null) p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /** Settings of a consumer: read_committed, no auto-commit, unless told otherwise. */
    public static final class ConsumerBuilder {
        private final Properties props = new Properties();

        private ConsumerBuilder(String bootstrap) {
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }

        public ConsumerBuilder clientId(String clientId) {
            return set(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        }

        /** Joins this consumer group (subscribe) or commits for it. */
        public ConsumerBuilder group(String groupId) {
            return set(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }

        /** Static membership: a restart with the same id within the session keeps the member's partitions. */
        public ConsumerBuilder staticMember(String groupInstanceId) {
            return set(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }

        /** Session timeout, with heartbeats five times per session (at least 500 ms apart). */
        public ConsumerBuilder sessionTimeout(Duration session) {
            set(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(session.toMillis()));
            return set(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(500, session.toMillis() / 5)));
        }

        /** Incremental rebalancing: only the partitions that move are revoked and assigned. */
        public ConsumerBuilder cooperative() {
            return set(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }

        /** Without a committed offset, start at the beginning of a partition. */
        public ConsumerBuilder fromEarliest() {
            return set(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }

        /** Without a committed offset, start at the end of a partition. */
        public ConsumerBuilder fromLatest() {
            return set(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        }

        public ConsumerBuilder maxPollRecords(int records) {
            return set(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(records));
        }

        /** Fetch sizes for large records (models) or fast catch-up (changelogs): per partition, per fetch. */
        public ConsumerBuilder fetchBytes(int perPartition, int perFetch) {
            set(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(perPartition));
            return set(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(perFetch));
        }

        /** Commit the group's offsets in the background (for a learner whose position needs no exactness). */
        public ConsumerBuilder autoCommit() {
            return set(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        }

        /** Any other consumer setting. */
        public ConsumerBuilder set(String key, Object value) {
            props.put(key, value);
            return this;
        }

        /** A copy of the settings so far. */
        public Properties properties() {
            Properties copy = new Properties();
            copy.putAll(props);
            return copy;
        }

        public KafkaConsumer<byte[], byte[]> build() {
            return build(new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        public <K, V> KafkaConsumer<K, V> build(Deserializer<K> keys, Deserializer<V> values) {
            return new KafkaConsumer<>(properties(), keys, values);
        }
    }

    /** Settings of a producer: idempotent with acks=all; transactional when made by {@link #transactionalProducer}. */
    public static final class ProducerBuilder {
        private final Properties props = new Properties();

        private ProducerBuilder(String bootstrap) {
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
        }

        public ProducerBuilder clientId(String clientId) {
            return set(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        }

        /** How long a batch waits for more records. */
        public ProducerBuilder linger(Duration linger) {
            return set(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(linger.toMillis()));
        }

        public ProducerBuilder batchBytes(int bytes) {
            return set(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(bytes));
        }

        /** The largest request, for large records (models). */
        public ProducerBuilder maxRequestBytes(int bytes) {
            return set(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(bytes));
        }

        public ProducerBuilder compression(String type) {
            return set(ProducerConfig.COMPRESSION_TYPE_CONFIG, type);
        }

        /** How long a send may block for metadata or buffer space, and how long until a record is given up. */
        public ProducerBuilder timeouts(Duration maxBlock, Duration delivery) {
            set(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(maxBlock.toMillis()));
            return set(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery.toMillis()));
        }

        /** Any other producer setting. */
        public ProducerBuilder set(String key, Object value) {
            props.put(key, value);
            return this;
        }

        /** A copy of the settings so far. */
        public Properties properties() {
            Properties copy = new Properties();
            copy.putAll(props);
            return copy;
        }

        /** The producer; a transactional one has its transactions initialised (closed again if that fails). */
        public KafkaProducer<byte[], byte[]> build() {
            return build(new ByteArraySerializer(), new ByteArraySerializer());
        }

        public <K, V> KafkaProducer<K, V> build(Serializer<K> keys, Serializer<V> values) {
            KafkaProducer<K, V> producer = new KafkaProducer<>(properties(), keys, values);
            if (!props.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) return producer;
            try {
                producer.initTransactions();
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            return producer;
        }
    }
}
