package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.seqstream.app.Product;
import io.seqstream.testing.LiveProduct;
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
 * models table and the live streams list. Skipped when Debian's chromium/chromedriver are missing (.ci/browser-setup).
 */
@ExtendWith(SharedKafka.class)
class WebPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void shouldShowTheEchoedLettersOfWhatIsTypedIntoAStream() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser test skipped: install Debian packages chromium and chromium-driver (.ci/browser-setup)");
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        // An explicit driver: Selenium Manager never looks for (or downloads) one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        try (Product product = LiveProduct.start(Map.of())) {
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
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

                File shot = driver.getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "screenshots", "web-echo.png");
                Files.createDirectories(target.getParent());
                Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                // The README's screenshot: refreshed on request (-Dweb.screenshot.docs=true) so test runs leave the tree clean.
                Path docs = Path.of("docs", "web.png");
                if (!Files.exists(docs) || Boolean.getBoolean("web.screenshot.docs")) {
                    Files.createDirectories(docs.getParent());
                    Files.copy(shot.toPath(), docs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                driver.quit();
            }
        }
    }
}
