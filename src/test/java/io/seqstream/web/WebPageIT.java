package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.seqstream.app.Product;
import io.seqstream.app.DemoFeed;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.testing.LiveProduct;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.testing.SharedKafka;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in headless Chromium: type into an echo stream and see each letter come back 4 steps later, the
 * models table and the live streams list. Skipped when Debian's chromium/chromedriver are missing (./seqstream test installs them).
 */
@ExtendWith(SharedKafka.class)
class WebPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static ChromeDriver browser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser test skipped: install Debian packages chromium and chromium-driver (./seqstream test installs them)");
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        // An explicit driver: Selenium Manager never looks for (or downloads) one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }

    @Test
    void shouldShowTheEchoedLettersOfWhatIsTypedIntoAStream() throws Exception {
        ChromeDriver driver = browser();
        try (Product product = LiveProduct.start(Map.of())) {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(45));
            driver.get(product.gateway().url());
            wait.until(d -> d.findElement(By.id("conn")).getText().equals("live"));
            wait.until(d -> d.findElements(By.cssSelector("#pipeline option")).size() == 1);
            wait.until(d -> !d.findElements(By.cssSelector("#models tbody tr")).isEmpty());
            String stream = "web-" + UUID.randomUUID().toString().substring(0, 6);
            WebElement streamBox = driver.findElement(By.id("stream"));
            streamBox.clear();
            streamBox.sendKeys(stream);
            driver.findElement(By.id("text")).click(); // leaving the stream box applies it
            driver.findElement(By.id("text")).sendKeys("hellohello");
            wait.until(d -> d.findElements(By.cssSelector("#cells .cell")).size() >= 10);
            List<WebElement> cells = driver.findElements(By.cssSelector("#cells .cell"));
            StringBuilder in = new StringBuilder();
            StringBuilder out = new StringBuilder();
            for (WebElement c : cells) {
                in.append(c.findElement(By.className("in")).getText());
                out.append(c.findElement(By.className("out")).getText());
            }
            assertEquals("hellohello", in.toString(), "one cell per token, in order");
            assertEquals("hello", out.substring(4, 9), "'h' echoed at the 5th position (delay 4): " + out);
            assertTrue(cells.get(4).findElement(By.className("p")).getText().matches("[01]\\.\\d\\d"), "probability shown");
            wait.until(d -> d.findElement(By.id("streams")).getText().contains(stream));
            String models = driver.findElement(By.id("models")).getText();
            assertTrue(models.contains("echo-gru") && models.contains("%"), models);

            screenshot(driver, "web-echo.png");
        } finally {
            driver.quit();
        }
    }

    /**
     * With a trainer and the demo feed running (as under ./seqstream run): the training charts fill from the
     * trainer's meters, the demo streams are listed, and typed letters still show. Its own app name and topics keep
     * the trainer's published versions and the demo records away from the other test classes on the shared broker.
     */
    @Test
    void shouldDrawTheTrainersCurvesAndListTheDemoStreams() throws Exception {
        ChromeDriver driver = browser();
        SeqstreamConfig config = LiveProduct.config(Map.of("app.name", "webtrain", "app.instance-id", "webtrain",
                "pipeline.echo.input-topic", "tokens.echo-webtrain", "pipeline.echo.output-topic", "outputs.echo-webtrain",
                "trainer.models", "echo", "trainer.echo.publish-every", "20", "trainer.echo.margin", "0"));
        // Its input and output topics are not among the declared ones in topics/: create them, 4 partitions like the state topic.
        SeqstreamConfig.Pipeline p = config.pipeline("echo");
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.outputTopic(), 4, 1, Map.of())));
        try (Product product = LiveProduct.start(config);
             DemoFeed demo = new DemoFeed(product.bootstrap(), config.pipeline("echo").inputTopic(), List.of("alice", "bob", "carol"), 4).start()) {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(50));
            driver.get(product.gateway().url());
            wait.until(d -> d.findElement(By.id("conn")).getText().equals("live"));
            wait.until(d -> {
                String streams = d.findElement(By.id("streams")).getText();
                return streams.contains("alice") && streams.contains("bob") && streams.contains("carol");
            });
            driver.findElement(By.id("stream")).clear();
            driver.findElement(By.id("stream")).sendKeys("me");
            driver.findElement(By.id("text")).click();
            driver.findElement(By.id("text")).sendKeys("hellohello");
            wait.until(d -> d.findElements(By.cssSelector("#cells .cell")).size() >= 10);
            // The charts are drawn once the gateway holds a few samples with an evaluation among them.
            wait.until(d -> samples(d.findElement(By.id("trainhint")).getText()) >= 8
                    && d.findElement(By.id("trainmodel")).getText().contains("echo-gru"));
            assertTrue(driver.findElement(By.id("trainmodel")).getText().contains("echo-gru"));
            screenshot(driver, "web-training.png");
            // The README's screenshot: refreshed on request (-Dweb.screenshot.docs=true) so test runs leave the tree clean.
            Path docs = Path.of("docs", "web.png");
            if (!Files.exists(docs) || Boolean.getBoolean("web.screenshot.docs")) {
                Files.createDirectories(docs.getParent());
                Files.copy(Path.of("target", "screenshots", "web-training.png"), docs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            driver.quit();
        }
    }

    private static int samples(String hint) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+) samples").matcher(hint);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static void screenshot(ChromeDriver driver, String name) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
