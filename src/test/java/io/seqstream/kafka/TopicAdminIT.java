package io.seqstream.kafka;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.testing.SharedKafka;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class TopicAdminIT {

    @Test
    void shouldKeepAnExistingTopicWhosePartitionCountDiffersFromItsDeclaration() {
        String bootstrap = SharedKafka.bootstrap();
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec("admin-it.dlq", 4, 1, Map.of())));
        assertDoesNotThrow(() -> TopicAdmin.ensure(bootstrap, List.of(new TopicSpec("admin-it.dlq", 1, 1, Map.of()))));
    }

    @Test
    void shouldRefuseAChangelogWithOtherPartitionsThanItsInput() {
        String bootstrap = SharedKafka.bootstrap();
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec("admin-it.tokens", 4, 1, Map.of()),
                new TopicSpec("admin-it.state", 2, 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec("admin-it.state4", 4, 1, Map.of("cleanup.policy", "compact"))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TopicAdmin.requireCoPartitioned(bootstrap, "admin-it.tokens", "admin-it.state"));
        assertTrue(e.getMessage().contains("admin-it.state has 2 partitions but its input admin-it.tokens has 4"), e.getMessage());
        assertDoesNotThrow(() -> TopicAdmin.requireCoPartitioned(bootstrap, "admin-it.tokens", "admin-it.state4"));
    }
}
