package org.quotaware.sample.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quotaware.sample.it.PriceListApiChecks.assertProblemJson;
import static org.quotaware.sample.it.PriceListApiChecks.json;
import static org.quotaware.sample.it.PriceListApiChecks.send;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The sample's identity chain with bearer tokens, {@code jwt:tenant_id as tenant:, principal, api-key, ip} (web.xml),
 * on a Payara Micro given this run's public key ({@link SignedTokens}): every user of a tenant spends the tenant's one
 * quota, a verified token without the claim is known by its principal, and a token the server cannot trust names
 * nobody. Mixed into the Payara test classes of {@link PriceListApiChecks} (Payara's MicroProfile JWT; Open Liberty and
 * WildFly are not given a key), after its checks; each check has tenants and users of its own, so the counts are exact.
 */
interface TenantTokenChecks {

    String CSV = "sku,name,price,currency\nA1,Widget,10.00,EUR\nA2,Gadget,2.50,EUR\n";

    /** The application's root, ending in {@code /}. */
    URL base();

    @Test
    @Order(30)
    default void usersOfOneTenantShareTheTenantsQuota() throws Exception {
        String erin = SignedTokens.token("erin", "acme");
        JsonObject me = json(ok(send(request("api/quota/me", erin, null))));
        assertThat(me.getString("user")).isEqualTo("tenant:acme");
        assertThat(me.getString("tier")).isEqualTo("default");
        // the default tier's 30 requests a minute: erin spends all of acme's, her request above was the first
        for (int i = 2; i <= 30; i++) {
            assertThat(send(upload(erin)).statusCode()).as("erin's upload, acme's request %d of 30", i)
                    .isEqualTo(201);
        }

        HttpResponse<String> refused = send(upload(SignedTokens.token("frank", "acme")));

        assertThat(refused.statusCode()).as("frank, of the same tenant: " + refused.body()).isEqualTo(429);
        assertProblemJson(refused);
        assertThat(refused.body()).contains("\"status\":429", "\"tier\":\"default\"",
                "{\"limit\":\"rpm\",\"max\":30,\"current\":30,");
        assertThat(refused.headers().firstValue("RateLimit")).hasValueSatisfying(
                state -> assertThat(state).contains("\"rpm\";r=0"));
        String grace = SignedTokens.token("grace", "globex");
        assertThat(send(upload(grace)).statusCode()).as("grace, of another tenant").isEqualTo(201);
        assertThat(json(ok(send(request("api/quota/me", grace, null)))).getString("user")).isEqualTo("tenant:globex");
    }

    @Test
    @Order(31)
    default void aVerifiedTokenWithoutTheClaimIsKnownByItsPrincipalAndTheClaimComesBeforeAnApiKey() throws Exception {
        JsonObject heidi = json(ok(send(request("api/quota/me", SignedTokens.token("heidi", null), null))));
        assertThat(heidi.getString("user")).as("no tenant_id: the next entry, the principal (upn)")
                .isEqualTo("principal:heidi");
        assertThat(heidi.getString("tier")).isEqualTo("default");

        JsonObject keyed = json(ok(send(request("api/quota/me", SignedTokens.token("ivan", "initech"),
                "demo-premium-key"))));
        assertThat(keyed.getString("user")).as("the tenant claim is asked before the API key")
                .isEqualTo("tenant:initech");
        assertThat(keyed.getString("tier")).isEqualTo("default");
    }

    @Test
    @Order(32)
    default void aTokenTheServerCannotTrustIsRefusedAndSpendsNoTenantsQuota() throws Exception {
        // each claims tenant umbrella; Payara's MicroProfile JWT answers 401 before any filter runs
        Map<String, String> hostile = Map.of(
                "signed with another key", SignedTokens.signedByAStranger("mallory", "umbrella"),
                "unsigned (alg none)", SignedTokens.unsigned("mallory", "umbrella"),
                "tenant changed after signing", SignedTokens.tenantChangedAfterSigning("mallory", "hooli", "umbrella"),
                "expired an hour ago", SignedTokens.expired("mallory", "umbrella"));
        for (Map.Entry<String, String> token : hostile.entrySet()) {
            HttpResponse<String> refused = send(upload(token.getValue()));
            assertThat(refused.statusCode()).as("%s: %s %s", token.getKey(), refused.headers().map(), refused.body())
                    .isEqualTo(401);
            assertThat(refused.headers().firstValue("RateLimit")).as("%s: the quota filter never saw it",
                    token.getKey()).isEmpty();
        }

        // umbrella still has all of its 30 requests a minute: none of the refused ones was counted for it
        String judy = SignedTokens.token("judy", "umbrella");
        assertThat(json(ok(send(request("api/quota/me", judy, null)))).getString("user")).isEqualTo("tenant:umbrella");
        for (int i = 2; i <= 30; i++) {
            assertThat(send(request("api/quota/me", judy, null)).statusCode()).as("umbrella's request %d of 30", i)
                    .isEqualTo(200);
        }
        assertThat(send(request("api/quota/me", judy, null)).statusCode()).as("umbrella's 31st").isEqualTo(429);
    }

    private HttpRequest upload(String token) {
        return HttpRequest.newBuilder(uri("api/pricelists")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(CSV, StandardCharsets.UTF_8)).build();
    }

    private HttpRequest request(String path, String token, String apiKey) {
        HttpRequest.Builder get = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (apiKey != null) {
            get.header("X-API-Key", apiKey);
        }
        return get.GET().build();
    }

    private URI uri(String path) {
        return URI.create(base().toExternalForm()).resolve(path);
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
