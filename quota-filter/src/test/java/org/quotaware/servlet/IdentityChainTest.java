package org.quotaware.servlet;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ChainEntry;
import org.quotaware.QuotaTiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code identity.chain}: its entries asked in order, each with its prefix; every mistake refused at deployment. */
class IdentityChainTest {

    private static final String FORM = "a comma-separated list of principal, api-key, header, header:<name>, "
            + "jwt:<claim>, bean:<name>, class:<class name> and ip, each at most once and each optionally followed by "
            + "'as <prefix>:', with ip (the client address) last or left out";

    private static FilterSettings parse(String... keyValues) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return FilterSettings.parse(params);
    }

    private static void assertRejected(String message, String... keyValues) {
        assertThatThrownBy(() -> parse(keyValues)).isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage(message);
    }

    private static CallerIdentity.Caller identify(FilterSettings settings, Request request) {
        return settings.identity().identify(request.fake(), "anonymous");
    }

    @Test
    void theDefaultChainIsPrincipalApiKeyUserHeaderAddress() {
        FilterSettings settings = parse("identity.api-keys", "k-bob=bob", "identity.user-header", "X-User",
                "identity.trusted-proxies", "127.0.0.1");

        assertThat(settings.settings().identity().chain()).containsExactly(new ChainEntry.Principal("principal:"),
                new ChainEntry.ApiKey("key:"), new ChainEntry.Header("X-User", "user:"), new ChainEntry.Address("ip:"));
        assertThat(identify(settings, new Request().principal("alice").header("X-API-Key", "k-bob")))
                .isEqualTo(new CallerIdentity.Caller("principal:alice", null, false, false));
        assertThat(identify(settings, new Request().header("X-API-Key", "k-bob").header("X-User", "carol")))
                .isEqualTo(new CallerIdentity.Caller("key:bob", null, false, false));
        assertThat(identify(settings, new Request().header("X-User", "carol")))
                .isEqualTo(new CallerIdentity.Caller("user:carol", null, false, false));
        assertThat(identify(settings, new Request().header("X-API-Key", "k-eve")))
                .isEqualTo(new CallerIdentity.Caller("ip:127.0.0.1", "anonymous", true, true));
        assertThat(identify(settings, new Request().from("203.0.113.7").header("X-User", "carol")))
                .isEqualTo(new CallerIdentity.Caller("ip:203.0.113.7", "anonymous", false, true));
    }

    @Test
    void withoutKeysOrAUserHeaderTheDefaultChainHasNeither() {
        assertThat(parse().settings().identity().chain()).containsExactly(new ChainEntry.Principal("principal:"),
                new ChainEntry.Address("ip:"));
        assertThat(identify(parse(), new Request().header("X-API-Key", "anything")))
                .as("without configured keys the header is the application's business: never a 401")
                .isEqualTo(new CallerIdentity.Caller("ip:127.0.0.1", "anonymous", false, true));
    }

    @Test
    void entriesAreAskedInTheOrderWrittenEachWithItsPrefix() {
        FilterSettings settings = parse("identity.chain",
                "header:X-Tenant as tenant:, principal, api-key as client:, ip as addr:",
                "identity.api-keys", "k-1=one:gold", "identity.trusted-proxies", "127.0.0.1", "tiers", "gold");

        assertThat(identify(settings, new Request().principal("bob").header("X-Tenant", " acme ")))
                .isEqualTo(new CallerIdentity.Caller("tenant:acme", null, false, false));
        assertThat(identify(settings, new Request().from("10.0.0.9").principal("bob").header("X-Tenant", "acme")))
                .as("the header is believed only from a trusted proxy")
                .isEqualTo(new CallerIdentity.Caller("principal:bob", null, false, false));
        assertThat(identify(settings, new Request().from("10.0.0.9").header("X-API-Key", "k-1")))
                .isEqualTo(new CallerIdentity.Caller("client:one", null, false, false));
        assertThat(identify(settings, new Request().from("10.0.0.9").header("X-API-Key", "k-2")))
                .as("an unknown key is still answered 401, counted on the address")
                .isEqualTo(new CallerIdentity.Caller("addr:10.0.0.9", "anonymous", true, true));
        assertThat(identify(settings, new Request().from("10.0.0.9")))
                .isEqualTo(new CallerIdentity.Caller("addr:10.0.0.9", "anonymous", false, true));

        QuotaTiers tiers = settings.tiers();
        settings.assignKeyTiers(tiers);
        assertThat(tiers.tierOf("client:one")).as("a key's tier goes to the key's user under the chain's prefix")
                .isEqualTo("gold");
    }

    @Test
    void theClientAddressIsAppendedWhenNotWritten() {
        FilterSettings settings = parse("identity.chain", "principal as user:");

        assertThat(settings.settings().identity().chain()).containsExactly(new ChainEntry.Principal("user:"),
                new ChainEntry.Address("ip:"));
        assertThat(settings.settings().identity().principalPrefix()).isEqualTo("user:");
        assertThat(identify(settings, new Request()))
                .isEqualTo(new CallerIdentity.Caller("ip:127.0.0.1", "anonymous", false, true));
    }

    @Test
    void aClassNamedInTheChainIsAskedAndNothingFromItGoesToTheNextEntry() {
        FilterSettings settings = parse("identity.chain", "class:" + TenantParameter.class.getName()
                + " as tenant:, principal");

        assertThat(identify(settings, new Request().principal("bob").parameter("tenant", "acme")))
                .isEqualTo(new CallerIdentity.Caller("tenant:acme", null, false, false));
        assertThat(identify(settings, new Request().principal("bob").parameter("tenant", " ")))
                .isEqualTo(new CallerIdentity.Caller("principal:bob", null, false, false));
        assertThat(identify(settings, new Request().principal("bob")))
                .isEqualTo(new CallerIdentity.Caller("principal:bob", null, false, false));
    }

    @Test
    void namedEntriesAreGivenTheirSourcesByTheApplication() {
        FilterSettings settings = parse("identity.chain", "jwt:tenant_id as tenant:, bean:region, principal");
        assertThat(identify(settings, new Request().principal("bob")))
                .as("not resolved yet: asked by nobody")
                .isEqualTo(new CallerIdentity.Caller("principal:bob", null, false, false));

        settings.resolveSources(entry -> switch (entry) {
            case "jwt:tenant_id" -> request -> request.getParameter("tenant");
            case "bean:region" -> request -> request.getParameter("region");
            default -> null;
        });

        assertThat(identify(settings, new Request().principal("bob").parameter("tenant", "acme")
                .parameter("region", "eu"))).isEqualTo(new CallerIdentity.Caller("tenant:acme", null, false, false));
        assertThat(identify(settings, new Request().principal("bob").parameter("region", "eu")))
                .as("the default prefix is the entry as written")
                .isEqualTo(new CallerIdentity.Caller("bean:region:eu", null, false, false));
    }

    @Test
    void aNamedEntryTheApplicationDoesNotKnowFailsTheDeployment() {
        assertThatThrownBy(() -> parse("identity.chain", "bean:region").resolveSources(entry -> null))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("identity.chain: chain entry must be the @Named name of a CDI bean implementing "
                        + "org.quotaware.servlet.IdentitySource (with quota-cdi in the application), was bean:region");
        assertThatThrownBy(() -> parse("identity.chain", "jwt:tenant_id").resolveSources(null))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("identity.chain: chain entry must be used with quota-cdi in the application (it reads the "
                        + "token MicroProfile JWT verified), was jwt:tenant_id");
    }

    @Test
    void badChainsAreRefusedWithTheKeyTheValueAndTheAllowedForm() {
        assertRejected("identity.chain: chain must be " + FORM + ", was ''", "identity.chain", " ");
        assertRejected("identity.chain: chain entry must be " + FORM + ", was cookie", "identity.chain",
                "principal, cookie");
        assertRejected("identity.chain: chain entry must be " + FORM + ", was principal tenant:", "identity.chain",
                "principal tenant:");
        assertRejected("identity.chain: chain entry must be given once (it is there twice), was principal",
                "identity.chain", "principal as a:, principal");
        assertRejected("identity.chain: chain entry must be last: the client address always answers, so no entry "
                + "after it would ever be asked, was ip", "identity.chain", "ip, principal");
        assertRejected("identity.chain: prefix must be letters, digits, '_', '.' or '-', ending with ':' (such as "
                + "tenant:), in the entry 'principal as tenant', was tenant", "identity.chain", "principal as tenant");
        assertRejected("identity.chain: prefix must be a prefix not starting with tier: (reserved for @Quota's tier "
                + "quotas), in the entry 'principal as tier:gold:', was tier:gold:", "identity.chain",
                "principal as tier:gold:");
        assertRejected("identity.chain: chain entry must be given together with identity.api-keys (and an "
                + "identity.api-key-header other than off), was api-key", "identity.chain", "api-key");
        assertRejected("identity.chain: chain entry must be given together with identity.user-header, or written "
                + "header:<name>, was header", "identity.chain", "header");
        assertRejected("identity.chain: chain entry must be given together with identity.trusted-proxies (the header "
                + "is believed only from those peers), was header:X-Tenant", "identity.chain", "header:X-Tenant");
        assertRejected("identity.chain: header must be an HTTP header name such as X-Tenant, was X/Tenant",
                "identity.chain", "header:X/Tenant", "identity.trusted-proxies", "127.0.0.1");
        assertRejected("identity.chain: chain entry must be jwt:<claim>, such as jwt:tenant_id, was jwt:",
                "identity.chain", "jwt:");
    }

    @Test
    void aClassThatIsNoSourceFailsTheDeploymentNamingIt() {
        String allowed = "a public class implementing org.quotaware.servlet.IdentitySource with a public "
                + "no-argument constructor";
        assertRejected("identity.chain: chain entry must be " + allowed + ", was class:com.example.Missing "
                + "(no such class)", "identity.chain", "class:com.example.Missing");
        assertRejected("identity.chain: chain entry must be " + allowed + ", was class:java.lang.String",
                "identity.chain", "class:java.lang.String");
        assertRejected("identity.chain: chain entry must be " + allowed + ", was class:"
                + NoDefaultConstructor.class.getName(), "identity.chain",
                "class:" + NoDefaultConstructor.class.getName());
        assertRejected("identity.chain: chain entry must be class:<fully qualified class name>, was class:Tenant",
                "identity.chain", "class:Tenant");
    }

    /** Names the caller by a request parameter: a source an application could add by class name. */
    public static class TenantParameter implements IdentitySource {
        @Override
        public String identify(HttpServletRequest request) {
            return request.getParameter("tenant");
        }
    }

    /** Has no no-argument constructor: cannot be made from a class name. */
    public static class NoDefaultConstructor implements IdentitySource {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public String identify(HttpServletRequest request) {
            return null;
        }
    }

    /** The parts of a request the chain reads; all else answers null. */
    private static final class Request {
        private String remote = "127.0.0.1";
        private String principal;
        private final Map<String, String> headers = new HashMap<>();
        private final Map<String, String> parameters = new HashMap<>();

        Request from(String address) {
            remote = address;
            return this;
        }

        Request principal(String name) {
            principal = name;
            return this;
        }

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Request parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        HttpServletRequest fake() {
            Principal p = principal == null ? null : () -> principal;
            return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (self, method, args) -> switch (method.getName()) {
                        case "getRemoteAddr" -> remote;
                        case "getUserPrincipal" -> p;
                        case "getHeader" -> headers.get((String) args[0]);
                        case "getHeaders" -> Collections.enumeration(headers.containsKey((String) args[0])
                                ? List.of(headers.get((String) args[0])) : List.<String>of());
                        case "getParameter" -> parameters.get((String) args[0]);
                        default -> null;
                    });
        }
    }
}
