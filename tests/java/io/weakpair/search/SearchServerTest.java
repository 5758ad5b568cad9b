package io.weakpair.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.tensor.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server: its JSON API, every bad input a clean 4xx, and the page driven in headless Chromium. */
class SearchServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    static SearchFixture fx;
    static SearchService service;
    static SearchServer server;
    static final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        fx = SearchFixture.build(dir);
        service = SearchService.open(fx.index(), null, Device.CPU);
        server = SearchServer.start(service, "127.0.0.1", 0, 100, 8, new PrintStream(serverLog, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) server.close();
        if (service != null) service.close();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Test
    void theApiAnswersWithTheExactTopHitsAndTheirThumbnails() throws Exception {
        String caption = fx.captions().get(0);
        HttpResponse<String> r = get("/api/search?q=" + q(caption) + "&k=5");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        List<Hit> exact = service.index().exactSearch(service.encoder().encode(caption), 5);
        for (int i = 0; i < 5; i++) assertEquals(exact.get(i).imageId(), body.at("/results/" + i + "/image_id").asInt());
        assertFalse(r.body().contains(dir.toString()), "no server paths in the API");
        assertTrue(body.at("/timing/search_ms").asDouble() >= 0);
        HttpResponse<byte[]> img = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + body.at("/results/0/thumbnail").asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, img.statusCode());
        assertEquals("image/png", img.headers().firstValue("content-type").orElse(""));
        assertTrue(img.body().length > 100 && img.body()[1] == 'P' && img.body()[2] == 'N' && img.body()[3] == 'G', "a PNG");
        JsonNode reranked = JSON.readTree(get("/api/search?q=" + q(caption) + "&k=5&rerank=true").body());
        assertEquals(8, reranked.get("rerank").asInt(), "the toggle re-ranks the server's K");
        assertTrue(reranked.at("/results/0").has("match"));
    }

    @Test
    void badRequestsGetA4xxWithAJsonErrorAndNoStackTrace() throws Exception {
        String huge = "a".repeat(SearchRequest.MAX_QUERY_CHARS + 1);
        List<String> bad = List.of("/api/search", "/api/search?q=", "/api/search?q=%20%20", "/api/search?q=" + huge, "/api/search?q=man&k=0",
                "/api/search?q=man&k=101", "/api/search?q=man&k=-3", "/api/search?q=man&k=abc", "/api/search?q=man&k=99999999999999",
                "/api/search?q=man&rerank=65", "/api/search?q=man&rerank=maybe", "/api/search?q=man&exact=yes", "/api/image/999999",
                "/api/image/abc", "/api/image/-1", "/api/image/1.png", "/api/image/..", "/api/image/%2e%2e", "/api/image/..%2F..%2Fetc%2Fpasswd",
                "/api/image/%2Fetc%2Fpasswd", "/api/image/0%00", "/api/nothing", "/../../etc/passwd");
        for (String path : bad) {
            HttpResponse<String> r = get(path);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, path + " -> " + r.statusCode() + " " + r.body());
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), path + " leaks a stack trace: " + r.body());
            assertFalse(r.body().contains("root:"), path + " served a file");
            if (path.startsWith("/api/")) {
                assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), path + ": " + r.body());
                JsonNode err = JSON.readTree(r.body());
                assertTrue(err.has("error") && !err.get("error").asText().isBlank(), path + ": " + r.body());
                assertTrue(err.get("error").asText().length() < 200, "a short message: " + err);
            }
        }
        assertEquals("", serverLog.toString(StandardCharsets.UTF_8), "no request failed inside the server");
    }

    /** Polls every 100 ms for up to 60 s. */
    private static void waitFor(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    @Test
    void thePageInHeadlessChromiumShowsTheExpectedFirstResult() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser: install Debian's chromium and chromium-driver (.ci/run does) to run the page test");
        String caption = fx.captions().get(5);
        int expected = service.index().exactSearch(service.encoder().encode(caption), 1).get(0).imageId();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,800");
        ChromeDriverService driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(driverService, options);
        try {
            browser.get("http://127.0.0.1:" + server.port() + "/");
            WebElement box = browser.findElement(By.id("q"));
            assertEquals(String.valueOf(SearchRequest.MAX_QUERY_CHARS), box.getAttribute("maxlength"));
            box.sendKeys(caption);
            browser.findElement(By.id("go")).click();
            waitFor("the results", () -> "true".equals(browser.findElement(By.id("status")).getAttribute("data-done")));
            waitFor("the thumbnails", () -> Boolean.TRUE.equals(browser.executeScript(
                    "return [...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0);")));
            List<WebElement> hits = browser.findElements(By.cssSelector("figure.hit"));
            assertEquals(10, hits.size());
            assertEquals(String.valueOf(expected), hits.get(0).getAttribute("data-image-id"), "the first result is the exact top-1");
            assertTrue(hits.get(0).getText().contains("#1"), hits.get(0).getText());
            assertTrue(browser.findElement(By.id("status")).getText().contains(" ms"), "the query time is shown");
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "search-page.png"), browser.getScreenshotAs(OutputType.BYTES));
            // Markup in a query stays text: the results are drawn with textContent, never parsed as HTML.
            box.clear();
            box.sendKeys("<img src=x onerror=alert(1)> red backpack");
            browser.findElement(By.id("go")).click();
            waitFor("the second results", () -> "true".equals(browser.findElement(By.id("status")).getAttribute("data-done")));
            assertTrue(browser.findElements(By.cssSelector("img[src='x']")).isEmpty(), "no element made from the query");
        } finally {
            browser.quit();
        }
    }
}
