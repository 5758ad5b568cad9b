package io.weakpair.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.tensor.Device;
import io.weakpair.testing.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

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

    /** Served beside the main index for the page tests: an empty index (no results) and images with long file names. */
    static SearchService emptyService, longService;

    static SearchServer emptyServer, longServer;
    static ChromeDriver browser;
    static final String LONG_NAME = "a-very-long-camera-export-name-without-spaces_" + "0123456789".repeat(8) + ".png";
    static final String LONG_WORDS =
            "person seen at the north gate entrance on the second day of the event camera seven.png";

    @BeforeAll
    static void start() throws IOException {
        fx = SearchFixture.build(dir);
        PrintStream log = new PrintStream(serverLog, true, StandardCharsets.UTF_8);
        service = SearchService.open(fx.index(), null, Device.CPU);
        server = SearchServer.start(service, "127.0.0.1", 0, 100, 8, log);
        Path empty = dir.resolve("empty-index");
        try (GalleryIndex full = GalleryIndex.open(fx.index());
                GalleryWriter w = GalleryWriter.open(empty, full.metadata().withNextId(0), 16)) {
            w.commit();
        }
        emptyService = SearchService.open(empty, null, Device.CPU);
        emptyServer = SearchServer.start(emptyService, "127.0.0.1", 0, 100, 8, log);
        Path longGallery = Files.createDirectories(dir.resolve("long-names"));
        List<Path> images;
        try (var s = Files.walk(fx.gallery())) {
            images = s.filter(p -> p.toString().endsWith(".png"))
                    .sorted()
                    .limit(3)
                    .toList();
        }
        Files.copy(images.get(0), longGallery.resolve(LONG_NAME));
        Files.copy(images.get(1), longGallery.resolve(LONG_WORDS));
        Files.copy(images.get(2), longGallery.resolve("short.png"));
        Path longIndex = dir.resolve("long-index");
        CliRun r = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--gallery",
                longGallery.toString(),
                "--out",
                longIndex.toString(),
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        longService = SearchService.open(longIndex, null, Device.CPU);
        longServer = SearchServer.start(longService, "127.0.0.1", 0, 100, 8, log);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) browser.quit();
        for (SearchServer s : new SearchServer[] {server, emptyServer, longServer}) if (s != null) s.close();
        for (SearchService s : new SearchService[] {service, emptyService, longService}) if (s != null) s.close();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theApiAnswersWithTheExactTopHitsAndTheirThumbnails() throws Exception {
        String caption = fx.captions().get(0);
        HttpResponse<String> r = get("/api/search?q=" + q(caption) + "&k=5");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        List<Hit> exact = service.index().exactSearch(service.encoder().encode(caption), 5);
        for (int i = 0; i < 5; i++)
            assertEquals(
                    exact.get(i).imageId(),
                    body.at("/results/" + i + "/image_id").asInt());
        assertFalse(r.body().contains(dir.toString()), "no server paths in the API");
        assertTrue(body.at("/timing/search_ms").asDouble() >= 0);
        HttpResponse<byte[]> img = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                + body.at("/results/0/thumbnail").asText()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, img.statusCode());
        assertEquals("image/png", img.headers().firstValue("content-type").orElse(""));
        assertTrue(
                img.body().length > 100 && img.body()[1] == 'P' && img.body()[2] == 'N' && img.body()[3] == 'G',
                "a PNG");
        JsonNode reranked = JSON.readTree(
                get("/api/search?q=" + q(caption) + "&k=5&rerank=true").body());
        assertEquals(8, reranked.get("rerank").asInt(), "the toggle re-ranks the server's K");
        assertTrue(reranked.at("/results/0").has("match"));
    }

    @Test
    void badRequestsGetA4xxWithAJsonErrorAndNoStackTrace() throws Exception {
        String huge = "a".repeat(SearchRequest.MAX_QUERY_CHARS + 1);
        List<String> bad = List.of(
                "/api/search",
                "/api/search?q=",
                "/api/search?q=%20%20",
                "/api/search?q=" + huge,
                "/api/search?q=man&k=0",
                "/api/search?q=man&k=101",
                "/api/search?q=man&k=-3",
                "/api/search?q=man&k=abc",
                "/api/search?q=man&k=99999999999999",
                "/api/search?q=man&rerank=65",
                "/api/search?q=man&rerank=maybe",
                "/api/search?q=man&exact=yes",
                "/api/image/999999",
                "/api/image/abc",
                "/api/image/-1",
                "/api/image/1.png",
                "/api/image/..",
                "/api/image/%2e%2e",
                "/api/image/..%2F..%2Fetc%2Fpasswd",
                "/api/image/%2Fetc%2Fpasswd",
                "/api/image/0%00",
                "/api/nothing",
                "/../../etc/passwd");
        for (String path : bad) {
            HttpResponse<String> r = get(path);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, path + " -> " + r.statusCode() + " " + r.body());
            assertFalse(
                    r.body().contains("Exception") || r.body().contains("\tat "),
                    path + " leaks a stack trace: " + r.body());
            assertFalse(r.body().contains("root:"), path + " served a file");
            if (path.startsWith("/api/")) {
                assertTrue(
                        r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                        path + ": " + r.body());
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

    /** One headless Chromium for every page test (started on first use; the tests skip visibly without one). */
    private static ChromeDriver browser() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser: install Debian's chromium and chromium-driver (.ci/run does) to run the page test");
        if (browser == null) {
            ChromeOptions options = new ChromeOptions()
                    .setBinary(CHROMIUM.toFile())
                    .addArguments(
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-dev-shm-usage",
                            "--disable-gpu",
                            "--window-size=1100,800");
            ChromeDriverService driverService = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort()
                    .build();
            browser = new ChromeDriver(driverService, options);
        }
        return browser;
    }

    private static String state(ChromeDriver b) {
        return b.findElement(By.id("status")).getAttribute("data-state");
    }

    /** Waits until the page has answered (results, no results or an error) and returns which. */
    private static String settled(ChromeDriver b) throws InterruptedException {
        waitFor("the page's answer", () -> List.of("done", "empty", "error").contains(state(b)));
        return state(b);
    }

    /** The page's query parameter NAME as the browser parses its own location. */
    private static String urlParam(ChromeDriver b, String name) {
        return (String) b.executeScript("return new URLSearchParams(location.search).get(arguments[0]);", name);
    }

    private static String page(SearchServer s, String query) {
        return "http://127.0.0.1:" + s.port() + "/" + query;
    }

    @Test
    void thePageInHeadlessChromiumShowsTheExpectedFirstResult() throws Exception {
        ChromeDriver browser = browser();
        String caption = fx.captions().get(5);
        int expected = service.index()
                .exactSearch(service.encoder().encode(caption), 1)
                .get(0)
                .imageId();
        browser.get(page(server, ""));
        assertEquals("idle", state(browser), "no query in the URL: nothing runs");
        WebElement box = browser.findElement(By.id("q"));
        assertEquals(String.valueOf(SearchRequest.MAX_QUERY_CHARS), box.getAttribute("maxlength"));
        box.sendKeys(caption + Keys.ENTER); // Enter submits
        assertEquals("done", settled(browser));
        waitFor(
                "the thumbnails",
                () -> Boolean.TRUE.equals(
                        browser.executeScript(
                                "return [...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0);")));
        List<WebElement> hits = browser.findElements(By.cssSelector("figure.hit"));
        assertEquals(10, hits.size());
        assertEquals(
                String.valueOf(expected),
                hits.get(0).getAttribute("data-image-id"),
                "the first result is the exact top-1");
        assertTrue(hits.get(0).getText().contains("#1"), hits.get(0).getText());
        assertTrue(browser.findElement(By.id("status")).getText().contains(" ms"), "the query time is shown");
        assertEquals(caption, urlParam(browser, "q"), "the URL holds the query");
        assertEquals("10", urlParam(browser, "k"));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "search-page.png"), browser.getScreenshotAs(OutputType.BYTES));
        // Keyboard: from the box, Tab passes the three controls and reaches the first result, which shows its focus.
        for (int i = 0; i < 4; i++) browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertEquals(
                String.valueOf(expected),
                browser.executeScript(
                        "return document.activeElement.closest('figure.hit') && document.activeElement.closest('figure.hit').dataset.imageId;"),
                "the fourth Tab focuses the first result");
        assertEquals(
                Boolean.TRUE,
                browser.executeScript(
                        "const s = getComputedStyle(document.activeElement);"
                                + "return document.activeElement.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;"),
                "the focused result is outlined");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertEquals(
                String.valueOf(hits.get(1).getAttribute("data-image-id")),
                browser.executeScript("return document.activeElement.closest('figure.hit').dataset.imageId;"),
                "the next Tab, the second result");
        // Markup in a query stays text: the results are drawn with textContent, never parsed as HTML, and the URL is
        // encoded.
        box.clear();
        String markup = "<img src=x onerror=alert(1)> red backpack & \"quotes\"";
        box.sendKeys(markup + Keys.ENTER);
        waitFor("the second query's URL", () -> markup.equals(urlParam(browser, "q")));
        assertEquals("done", settled(browser));
        assertTrue(browser.findElements(By.cssSelector("img[src='x']")).isEmpty(), "no element made from the query");
    }

    @Test
    void aQueryInTheUrlRunsOnLoadAndANewQueryChangesTheUrl() throws Exception {
        ChromeDriver browser = browser();
        String first = fx.captions().get(3), second = fx.captions().get(20);
        List<Hit> exact = service.index().exactSearch(service.encoder().encode(first), 5);
        browser.get(page(server, "?q=" + q(first) + "&k=5&rerank=false"));
        assertEquals("done", settled(browser), "the URL's query runs on load");
        WebElement box = browser.findElement(By.id("q"));
        assertEquals(first, box.getAttribute("value"), "the box holds the URL's query");
        assertEquals("5", browser.findElement(By.id("k")).getAttribute("value"));
        List<WebElement> hits = browser.findElements(By.cssSelector("figure.hit"));
        assertEquals(5, hits.size(), "k from the URL");
        for (int i = 0; i < 5; i++)
            assertEquals(String.valueOf(exact.get(i).imageId()), hits.get(i).getAttribute("data-image-id"));
        // A new query: a new URL (a history entry), so it can be shared; Back returns to the first one.
        box.clear();
        browser.findElement(By.id("rerank")).click();
        box.sendKeys(second + Keys.ENTER);
        waitFor("the new URL", () -> second.equals(urlParam(browser, "q")));
        assertEquals("done", settled(browser));
        assertEquals("5", urlParam(browser, "k"));
        assertEquals("true", urlParam(browser, "rerank"));
        assertTrue(browser.findElement(By.id("status")).getText().contains("ITM re-rank"), "the re-ranked query ran");
        String shared = browser.getCurrentUrl();
        browser.navigate().back();
        waitFor("Back", () -> first.equals(browser.findElement(By.id("q")).getAttribute("value")));
        assertEquals("done", settled(browser));
        assertEquals(
                String.valueOf(exact.get(0).imageId()),
                browser.findElements(By.cssSelector("figure.hit")).get(0).getAttribute("data-image-id"));
        assertFalse(browser.findElement(By.id("rerank")).isSelected(), "Back restores the toggle too");
        // The shared URL, opened afresh, runs the second query with its settings.
        browser.get(shared);
        assertEquals("done", settled(browser));
        assertEquals(second, browser.findElement(By.id("q")).getAttribute("value"));
        assertTrue(browser.findElement(By.id("rerank")).isSelected());
    }

    @Test
    void noResultsAndErrorsAreShownAsSuch() throws Exception {
        ChromeDriver browser = browser();
        browser.get(page(emptyServer, "?q=" + q("a woman in a red coat")));
        assertEquals("empty", settled(browser));
        WebElement status = browser.findElement(By.id("status"));
        assertTrue(status.isDisplayed() && status.getText().startsWith("no results"), status.getText());
        assertTrue(browser.findElements(By.cssSelector("figure.hit")).isEmpty());
        // A bad value in a hand-edited URL is the server's 400, shown as an error (not silently another query).
        browser.get(page(server, "?q=man&k=0"));
        assertEquals("error", settled(browser));
        status = browser.findElement(By.id("status"));
        assertTrue(status.isDisplayed() && status.getText().startsWith("error: k:"), status.getText());
        assertEquals("error", status.getAttribute("class"));
        assertTrue(browser.findElements(By.cssSelector("figure.hit")).isEmpty());
    }

    @Test
    void longFileNamesStayInsideTheirOwnCell() throws Exception {
        ChromeDriver browser = browser();
        browser.get(page(longServer, "?q=" + q("a person") + "&k=5"));
        assertEquals("done", settled(browser));
        assertEquals(3, browser.findElements(By.cssSelector("figure.hit")).size());
        // Each figure's box holds its caption (nothing drawn outside it), and no two figures' boxes intersect.
        Object problems = browser.executeScript("""
                const figs = [...document.querySelectorAll('figure.hit')], out = [];
                const r = figs.map(f => f.getBoundingClientRect());
                figs.forEach((f, i) => {
                  for (const el of f.querySelectorAll('figcaption, figcaption div')) {
                    const e = el.getBoundingClientRect();
                    // Its box inside the cell, and any text wider than the box clipped there (not drawn over the next cell).
                    const clipped = getComputedStyle(el).overflowX === 'hidden';
                    if (e.left < r[i].left - 0.5 || e.right > r[i].right + 0.5 || (el.scrollWidth > el.clientWidth + 1 && !clipped))
                      out.push('figure ' + i + ': ' + el.className + ' overflows its cell ' + [e.left, e.right, r[i].left, r[i].right, el.scrollWidth, el.clientWidth].join(','));
                  }
                  for (let j = 0; j < i; j++)
                    if (r[i].left < r[j].right && r[j].left < r[i].right && r[i].top < r[j].bottom && r[j].top < r[i].bottom)
                      out.push('figures ' + j + ' and ' + i + ' overlap');
                });
                return out.join('; ');""");
        assertEquals("", problems);
        List<String> titles = browser.findElements(By.cssSelector("figure.hit .name")).stream()
                .map(e -> e.getAttribute("title"))
                .toList();
        assertTrue(
                titles.contains(LONG_NAME) && titles.contains(LONG_WORDS), "the whole name is the tooltip: " + titles);
    }
}
