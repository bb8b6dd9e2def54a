package org.quotaware.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.quotaware.testing.PayaraMicro;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through its chromedriver, on the sample as the
 * README's run command starts it: the WAR as built (the admin API on with the demo admin key the README prints), on
 * Payara Micro with the run command's flags (a cluster of one on loopback), only on ports of its own. The page asks
 * for the key, shows the admin API's figures, follows the traffic the test makes (uploads with the demo keys, some
 * over alice's 30 requests a minute), opens a user, and never puts the key in a URL nor loads anything from another
 * origin. One server and one browser for all checks; the last one writes {@code target/dashboard.png} (the screenshot
 * in docs/).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class DashboardIT {

    /** The sample's demo admin key, as its microprofile-config.properties and the README give it. */
    private static final String ADMIN_KEY = "demo-admin-key-for-local-use-only";
    private static final int PORT = 18095;
    private static final int HZ_PORT = 47831;
    /** A caller through a proxy from an IPv6 address: its quota key is its /64, with a '/'. */
    private static final String IPV6 = "2001:db8:1:2::7";
    private static final String IPV6_USER = "ip:2001:db8:1:2::/64";
    private static final String CSV = "sku,name,price,currency\r\nA1,Widget,1.00,EUR\r\nA2,Gadget,2.50,EUR\r\n";
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static WebDriver browser;
    /** Every URL the browser asked for, from Chrome's performance log. */
    private static final List<String> REQUESTED = new ArrayList<>();
    /** The headers of every request the browser sent, in the same order. */
    private static final List<Map<String, Object>> REQUEST_HEADERS = new ArrayList<>();

    private static PayaraMicro payara;
    private static URL base;
    private static boolean proxied;

    /**
     * The WAR and the flags of {@code mvn -pl sample-webapp payara-micro:start} (sample-webapp/pom.xml), on this test's
     * own HTTP and Hazelcast ports and cluster name. Self-protection is off: Chromium, Maven and Payara share two cores
     * here and would be shed (LoadProtectionTest covers it); and the denial log keeps 5, fewer than the dashboard's
     * panel shows.
     */
    @BeforeAll
    static void startTheSample() throws Exception {
        start(Path.of(System.getProperty("sample.war")));
    }

    private static void start(Path war) throws Exception {
        Path work = Files.createDirectories(Path.of("target", "dashboard-it"));
        PayaraMicro.clean(work, "sample");
        payara = PayaraMicro.start("sample", PayaraMicro.jar(), war, work,
                List.of("-Dquotaware.protection.enabled=false", "-Dquotaware.denials.log-size=5"),
                List.of("--port", Integer.toString(PORT), "--interfaces", "127.0.0.1",
                        "--clustername", "quotaware-dashboard-it-" + UUID.randomUUID(),
                        "--startport", Integer.toString(HZ_PORT), "--clustermode", "tcpip:127.0.0.1:" + HZ_PORT));
        payara.awaitReady(Duration.ofMinutes(3));
        base = URI.create("http://127.0.0.1:" + PORT + "/").toURL();
    }

    /**
     * The last checks need client addresses named in X-Forwarded-For, which the sample trusts from no proxy: the
     * sample is started again, once, from a copy of its WAR whose filter trusts every peer as a proxy (in its web.xml,
     * the only place the filter reads them), all else as built.
     */
    private static void behindAProxy() throws Exception {
        if (proxied) {
            return;
        }
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sample.war")));
        String webXml;
        try (InputStream in = war.get("WEB-INF/web.xml").getAsset().openStream()) {
            webXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        war.delete("WEB-INF/web.xml");
        war.addAsWebInfResource(new StringAsset(webXml.replace("<init-param><param-name>paths.include</param-name>",
                "<init-param><param-name>identity.trusted-proxies</param-name><param-value>0.0.0.0/0,::/0"
                        + "</param-value></init-param><init-param><param-name>paths.include</param-name>")),
                "web.xml");
        Path copy = Files.createDirectories(Path.of("target", "dashboard-it")).resolve("behind-a-proxy.war");
        war.as(ZipExporter.class).exportTo(copy.toFile(), true);
        payara.close();
        start(copy);
        proxied = true;
        browser().navigate().refresh();
    }

    @AfterAll
    static void stopTheSample() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void theFilesAreServedWithAStrictPolicyAndTheDataNeedsTheKey() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/dashboard")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> script = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/dashboard/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/dashboard/data"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        // the shell: the files of this server only, no inline script, no data
        assertThat(page.body()).contains("<script src=\"" + base.getPath() + "api/quota/admin/dashboard/app.js\" defer>")
                .doesNotContain("http://", "https://", "<script>", "onclick");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/javascript"));
        assertThat(script.headers().firstValue("ETag")).isPresent();
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    @Order(2)
    void thePageAsksForTheKeyThenShowsTheAdminApiFigures() throws Exception {
        WebDriver b = browser();
        b.get(base + "api/quota/admin/dashboard");

        WebElement key = await(() -> visible("key"), "the key form");
        key.sendKeys(ADMIN_KEY);
        b.findElement(By.cssSelector("#key-form button[type=submit]")).click();

        await(() -> visible("board"), "the board after the key");
        JsonObject stats = admin("statistics");
        awaitText("total-allowed", String.valueOf(stats.getJsonNumber("allowed").longValue()));
        assertThat(text("store-mode")).isEqualTo(stats.getString("store"));
        assertThat(text("max-active")).isNotEmpty();
        assertThat(b.getCurrentUrl()).doesNotContain(ADMIN_KEY);
    }

    @Test
    @Order(3)
    void trafficChangesTheFiguresAndTheyMatchTheAdminApi() throws Exception {
        long allowedBefore = Long.parseLong(text("total-allowed"));
        // alice (default tier: 30 requests a minute): 34 uploads, the last ones refused for rpm; bob: 5; anonymous: 2
        int aliceDenied = 0;
        for (int i = 0; i < 34; i++) {
            aliceDenied += upload("demo-default-key") == 429 ? 1 : 0;
        }
        for (int i = 0; i < 5; i++) {
            assertThat(upload("demo-premium-key")).isEqualTo(201);
        }
        upload(null);
        upload(null);
        assertThat(aliceDenied).isGreaterThanOrEqualTo(4);

        JsonObject stats = admin("statistics");
        long allowed = stats.getJsonNumber("allowed").longValue();
        long denied = stats.getJsonNumber("denied").longValue();
        long rpm = stats.getJsonObject("deniedByLimit").getJsonNumber("rpm").longValue();
        assertThat(allowed).isGreaterThan(allowedBefore);
        awaitText("total-allowed", String.valueOf(allowed));
        awaitText("total-denied", String.valueOf(denied));
        // this deployment is younger than the chart's five minutes: the chart's totals are all decisions since start
        assertThat(text("window-allowed")).isEqualTo(String.valueOf(allowed));
        assertThat(text("window-denied")).isEqualTo(String.valueOf(denied));
        assertThat(rows("#reasons tr[data-reason=rpm]").get(0)).containsExactly("rpm", String.valueOf(rpm), String.valueOf(rpm));
        assertThat(text("active")).isEqualTo(String.valueOf(stats.getJsonNumber("active").longValue()));
        assertThat(text("queued")).isEqualTo(String.valueOf(stats.getJsonNumber("queued").longValue()));
        assertThat(text("tracked")).isEqualTo(String.valueOf(stats.getJsonNumber("trackedUsers").longValue()));
        // both tiers drawn: a line each for admitted and denied
        assertThat(browser().findElements(By.cssSelector("#chart-tiers polyline"))).hasSizeGreaterThanOrEqualTo(4);
        assertThat(text("legend-tiers")).contains("default", "premium", "anonymous");

        // top users: alice first, with her requests this minute as the admin API counts them
        JsonObject alice = admin("users/key:alice");
        List<String> cells = rows("#top-users tr").get(0);
        assertThat(cells.get(0)).isEqualTo("key:alice");
        assertThat(cells.get(1)).isEqualTo("default");
        assertThat(Long.parseLong(cells.get(2).split(" ")[0])).isGreaterThanOrEqualTo(34);
        assertThat(cells.get(3)).isEqualTo(String.valueOf(aliceDenied));
        assertThat(cells.get(4)).isEqualTo(alice.getJsonNumber("requestsPerMinute").longValue() + " of 30");
        assertThat(rows("#top-users tr")).extracting(row -> row.get(0)).contains("key:bob");

        JsonObject scaling = admin("scaling");
        assertThat(text("desired")).isEqualTo(String.valueOf(scaling.getJsonNumber("desiredCapacity").longValue()));
        assertThat(text("actual")).isEqualTo(String.valueOf(scaling.getJsonNumber("actualCapacity").longValue()));
        assertThat(text("protection")).isEqualTo(String.valueOf(scaling.getInt("protectionLevel")));
    }

    @Test
    @Order(4)
    void searchingAUserShowsItsUsageAndLimits() throws Exception {
        WebElement query = browser().findElement(By.id("user-query"));
        query.clear();
        query.sendKeys("key:bob");
        browser().findElement(By.cssSelector("#user-form button[type=submit]")).click();

        await(() -> "key:bob".equals(browser().findElement(By.id("user")).getAttribute("data-user"))
                && visible("user") != null, "bob's usage");
        JsonObject bob = admin("users/key:bob");
        assertThat(text("user-tier")).isEqualTo("premium");
        assertThat(text("user-completed")).isEqualTo(String.valueOf(bob.getJsonNumber("completed").longValue()));
        for (JsonValue v : bob.getJsonArray("limits")) {
            JsonObject limit = v.asJsonObject();
            List<String> cells = rows("#user-limits tr[data-limit='" + limit.getString("limit") + "']").get(0);
            assertThat(cells.subList(0, 3)).as(limit.getString("limit")).containsExactly(limit.getString("limit"),
                    String.valueOf(limit.getJsonNumber("used").longValue()),
                    String.valueOf(limit.getJsonNumber("max").longValue()));
        }
        assertThat(rows("#user-limits tr[data-limit=rpm]").get(0).subList(0, 3)).containsExactly("rpm", "5", "60");
    }

    @Test
    @Order(5)
    void theLatestDenialsAreTheDenialLogsEvenWhenItKeepsFewerThanThePanelShows() throws Exception {
        JsonArray latest = adminArray("denials?limit=5");
        assertThat(latest).isNotEmpty().hasSizeLessThanOrEqualTo(5);

        awaitRows("denials", latest.size());
        List<List<String>> rows = rows("#denials tr");
        for (int i = 0; i < latest.size(); i++) {
            JsonObject denial = latest.getJsonObject(i);
            List<String> cells = rows.get(i);
            assertThat(cells.subList(1, 4)).containsExactly(denial.getString("user"), denial.getString("tier"),
                    denial.getString("path"));
            JsonObject first = denial.getJsonArray("violations").getJsonObject(0);
            assertThat(cells.get(4)).startsWith(first.getString("limit") + " " + first.getJsonNumber("current")
                    + "/" + first.getJsonNumber("max"));
        }
        assertThat(rows.get(0).get(1)).isEqualTo("key:alice");

        // alice's own: the search box, her usage and her denials
        WebElement query = browser().findElement(By.id("user-query"));
        query.clear();
        query.sendKeys("key:alice");
        browser().findElement(By.cssSelector("#user-form button[type=submit]")).click();
        JsonArray hers = adminArray("users/key:alice/denials");
        await(() -> "key:alice".equals(browser().findElement(By.id("user")).getAttribute("data-user")),
                "alice's usage");
        awaitRows("user-denials", Math.min(20, hers.size()));
        JsonObject rpm = admin("users/key:alice").getJsonArray("limits").stream().map(JsonValue::asJsonObject)
                .filter(l -> l.getString("limit").equals("rpm")).findFirst().orElseThrow();
        assertThat(rows("#user-limits tr[data-limit=rpm]").get(0).subList(0, 3))
                .containsExactly("rpm", String.valueOf(rpm.getJsonNumber("used")), "30");
    }

    @Test
    @Order(6)
    void theKeyIsNeverInAUrlAndNothingComesFromElsewhere() throws Exception {
        Path png = Path.of(System.getProperty("dashboard.screenshot", "target/dashboard.png"));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, ((ChromeDriver) browser()).getScreenshotAs(OutputType.BYTES));

        drainPerformanceLog();
        String origin = base.getProtocol() + "://" + base.getAuthority() + "/";
        assertThat(REQUESTED).isNotEmpty().allSatisfy(url -> {
            assertThat(url).doesNotContain(ADMIN_KEY);
            assertThat(url.startsWith(origin) || url.startsWith("data:") || url.startsWith("about:"))
                    .as("%s is from this server", url).isTrue();
        });
        assertThat(REQUESTED).anySatisfy(url -> assertThat(url).endsWith("/api/quota/admin/dashboard/data"));
        // the data calls carried the key in the header
        assertThat(REQUEST_HEADERS).anySatisfy(h -> assertThat(h).containsEntry("X-Admin-Key", ADMIN_KEY));
        assertThat(png).isNotEmptyFile();
    }

    // ---- helpers ----

    private static WebDriver browser() {
        if (browser == null) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(onPath("chromium"));
            // as root Chromium needs --no-sandbox; the rest keeps it from calling out to Google's services
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1400,2000", "--hide-scrollbars");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(onPath("chromedriver"))).usingAnyFreePort().build();
            browser = new ChromeDriver(service, options);
        }
        return browser;
    }

    /** The program on the PATH; fails naming the Debian packages when it is not there (ensure-chromium.sh). */
    private static String onPath(String program) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> new File(dir, program))
                .filter(File::canExecute).findFirst().map(File::getAbsolutePath)
                .orElseThrow(() -> new AssertionError(program + " is not on the PATH: DashboardIT needs the Debian "
                        + "packages 'chromium chromium-driver' (sample-webapp/src/test/browser/ensure-chromium.sh)"));
    }

    /** Reads Chrome's performance log (emptied by each read) into {@link #REQUESTED}. */
    @Test
    @Order(7)
    void anIpv6CallerIsShownAndGivenLimitsOfItsOwn() throws Exception {
        behindAProxy();
        HttpResponse<String> call = HTTP.send(HttpRequest.newBuilder(uri("api/quota/me"))
                .header("X-Forwarded-For", IPV6).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(call.body()).contains("\"user\":\"" + IPV6_USER + "\"");

        WebElement query = browser().findElement(By.id("user-query"));
        query.clear();
        query.sendKeys(IPV6_USER);
        browser().findElement(By.cssSelector("#user-form button[type=submit]")).click();

        await(() -> IPV6_USER.equals(browser().findElement(By.id("user")).getAttribute("data-user"))
                && visible("user") != null, "the IPv6 caller's usage");
        assertThat(text("user-active")).isEqualTo("0");
        // what an operator does next, with the dashboard's spelling of the key: its '/' as it is
        HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/users/"
                        + "ip%3A2001%3Adb8%3A1%3A2%3A%3A/64/limits")).header("X-Admin-Key", ADMIN_KEY)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"requests-per-minute\": 7}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
        assertThat(admin("users/ip%3A2001%3Adb8%3A1%3A2%3A%3A/64").getString("tier")).isEqualTo("override");
    }

    @Test
    @Order(8)
    void wrongAdminKeysAreCountedPerClientAddressByTheFiltersTrustedProxies() throws Exception {
        behindAProxy();
        for (int i = 1; i <= 5; i++) {
            assertThat(adminFrom("198.51.100.9", "old-admin-key-2025-0b1c")).as("script %d", i).isEqualTo(403);
        }
        assertThat(adminFrom("198.51.100.9", "old-admin-key-2025-0b1c")).isEqualTo(429);

        assertThat(adminFrom("198.51.100.10", "old-admin-key-2025-0b1c")).as("another client behind the proxy")
                .isEqualTo(403);
        assertThat(adminFrom("198.51.100.9", ADMIN_KEY)).as("the right key, the script's address").isEqualTo(200);
    }

    private int adminFrom(String address, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/tiers")).header("X-Admin-Key", key)
                .header("X-Forwarded-For", address).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void drainPerformanceLog() {
        for (LogEntry entry : browser().manage().logs().get(LogType.PERFORMANCE)) {
            try (JsonReader r = Json.createReader(new StringReader(entry.getMessage()))) {
                JsonObject message = r.readObject().getJsonObject("message");
                if ("Network.requestWillBeSent".equals(message.getString("method"))) {
                    JsonObject request = message.getJsonObject("params").getJsonObject("request");
                    REQUESTED.add(request.getString("url"));
                    REQUEST_HEADERS.add(request.getJsonObject("headers").entrySet().stream().collect(
                            Collectors.toMap(Map.Entry::getKey, e -> e.getValue() instanceof jakarta.json.JsonString s
                                    ? s.getString() : e.getValue().toString(), (a, c) -> a)));
                }
            }
        }
    }

    private static <T> T await(Supplier<T> condition, String what) {
        return new WebDriverWait(browser(), PATIENCE).withMessage("waiting for " + what).until(d -> {
            T v = condition.get();
            return v instanceof Boolean ok && !ok ? null : v;
        });
    }

    private static WebElement visible(String id) {
        WebElement e = browser().findElement(By.id(id));
        return e.isDisplayed() ? e : null;
    }

    /**
     * The text of each cell of the rows {@code css} selects, read in one script call: the page replaces its tables on
     * each refresh, so elements found one by one may be gone by the time they are read.
     */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(String css) {
        return (List<List<String>>) ((ChromeDriver) browser()).executeScript("return Array.from("
                + "document.querySelectorAll(arguments[0])).map(tr => Array.from(tr.cells).map(td => "
                + "td.textContent.trim()));", css);
    }

    private static String text(String id) {
        return browser().findElement(By.id(id)).getText().trim();
    }

    private static void awaitText(String id, String expected) {
        new WebDriverWait(browser(), PATIENCE)
                .withMessage(() -> "#" + id + " shows '" + text(id) + "', the admin API '" + expected + "'")
                .until(d -> expected.equals(text(id)));
    }

    private int upload(String apiKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("api/pricelists")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(CSV));
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonObject admin(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/" + path))
                .header("X-Admin-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readObject();
        }
    }

    private JsonArray adminArray(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("api/quota/admin/" + path))
                .header("X-Admin-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readArray();
        }
    }

    /** Waits until the table body {@code id} has {@code n} rows of data (not its "none" row). */
    private static void awaitRows(String id, int n) {
        new WebDriverWait(browser(), PATIENCE).withMessage(() -> "#" + id + " should have " + n + " rows")
                .until(d -> d.findElements(By.cssSelector("#" + id + " tr")).size() == n
                        && d.findElements(By.cssSelector("#" + id + " td.muted")).isEmpty());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
