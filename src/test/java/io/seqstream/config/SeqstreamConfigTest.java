package io.seqstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqstreamConfigTest {

    @Test
    void shouldWorkWithDefaultsAlone() {
        SeqstreamConfig c = SeqstreamConfig.of(Map.of());
        assertTrue(c.kafka().embedded());
        assertEquals("tokens.echo", c.pipeline("echo").inputTopic());
        assertEquals("seqstream.echo.state", c.pipeline("echo").stateTopic());
        assertEquals("seqstream.dlq", c.app().dlqTopic());
        assertEquals(Duration.ofMinutes(30), c.pipeline("echo").stateTtl());
        assertEquals(Duration.ofSeconds(30), c.pipeline("echo").checkpointInterval());
        assertEquals(Path.of("data", "state", "seqstream", "echo"), c.pipeline("echo").checkpointDir(c.app()));
    }

    @Test
    void shouldLayerFileThenEnvironmentThenCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "kafka.bootstrap=file:9092\npipeline.echo.threads=2\napp.name=fromfile\n");
        Settings s = Settings.load(file, Map.of("SEQSTREAM_KAFKA_BOOTSTRAP", "env:9092", "SEQSTREAM_APP_NAME", "fromenv"),
                Map.of("app.name", "cli"));
        SeqstreamConfig c = SeqstreamConfig.from(s);
        assertEquals("env:9092", c.kafka().bootstrap());
        assertEquals(2, c.pipeline("echo").threads());
        assertEquals("cli", c.app().name());
    }

    @Test
    void shouldNameTheWrongSettingAndWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class, () -> SeqstreamConfig.from(
                Settings.load(null, Map.of("SEQSTREAM_PIPELINE_ECHO_THREADS", "many"), Map.of())));
        assertTrue(e.getMessage().contains("pipeline.echo.threads"), e.getMessage());
        assertTrue(e.getMessage().contains("SEQSTREAM_PIPELINE_ECHO_THREADS"), e.getMessage());
        ConfigException d = assertThrows(ConfigException.class,
                () -> SeqstreamConfig.of(Map.of("pipeline.echo.state-ttl", "soon")));
        assertTrue(d.getMessage().contains("pipeline.echo.state-ttl") && d.getMessage().contains("duration"), d.getMessage());
        ConfigException p = assertThrows(ConfigException.class, () -> SeqstreamConfig.of(Map.of("pipeline.echo.swap-policy", "keep")));
        assertTrue(p.getMessage().contains("carry, reset"), p.getMessage());
    }

    @Test
    void shouldTrainOnTheKernelsUnlessAnotherBackendIsNamed() {
        assertEquals(io.seqstream.train.backend.BackendKind.KERNELS, SeqstreamConfig.of(Map.of()).trainers().get(0).backend());
        assertEquals(io.seqstream.train.backend.BackendKind.CUDA,
                SeqstreamConfig.of(Map.of("trainer.echo.backend", "cuda")).trainers().get(0).backend());
        ConfigException e = assertThrows(ConfigException.class, () -> SeqstreamConfig.of(Map.of("trainer.echo.backend", "gpu")));
        assertTrue(e.getMessage().contains("trainer.echo.backend") && e.getMessage().contains("kernels, cuda, cpu-device"),
                e.getMessage());
    }

    @Test
    void shouldRejectAMissingConfigFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(dir.resolve("nope"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void shouldLeaseTheInstanceIdAndWarmTheKernelsByDefault() {
        SeqstreamConfig c = SeqstreamConfig.of(Map.of("app.name", "x", "pipeline.echo.warmup-steps", "0"));
        assertEquals("x.instances", c.app().instancesTopic());
        assertEquals(java.time.Duration.ofSeconds(3), c.app().instanceLeaseTimeout());
        assertEquals(0, c.pipeline("echo").warmupSteps());
        assertEquals(3000, SeqstreamConfig.of(Map.of()).pipeline("echo").warmupSteps());
        ConfigException e = assertThrows(ConfigException.class,
                () -> SeqstreamConfig.of(Map.of("app.instance-lease-timeout", "50ms")));
        assertTrue(e.getMessage().contains("app.instance-lease-timeout"), e.getMessage());
    }
}
