package org.quotaware.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One spelling per path, so none escapes a limit; ambiguous spellings are refused. */
class RequestPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/app/api/pricelists", "/app//api//pricelists/", "/app/API/PriceLists",
            "/app/api/pricelists;x=1", "/app/api;v=2/pricelists;jsessionid=abc", "/app/api/%70ricelists",
            "/app/api/%2e/pricelists", "/app/api/other/../pricelists", "/app/api/other/%2E%2E/pricelists",
            "/app/api/pricelists%3bx=1", "/APP/api/pricelists"})
    void everySpellingIsTheSamePath(String uri) throws Exception {
        assertThat(RequestPath.of(uri, "/app")).isEqualTo("/api/pricelists");
    }

    @Test
    void rootAndRootContext() throws Exception {
        assertThat(RequestPath.of("/app", "/app")).isEqualTo("/");
        assertThat(RequestPath.of("/app/", "/app")).isEqualTo("/");
        assertThat(RequestPath.of("/x/Y", "")).isEqualTo("/x/y");
        assertThat(RequestPath.of("/apple/x", "/app")).as("a context is a whole segment").isEqualTo("/apple/x");
    }

    @Test
    void theShortcutForNormalPathsAnswersWhatTheFullNormalisationDoes() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String[] pieces = {"/", "/", "a", "b", "Z", ".", "..", "%", "%2e", "%41", ";", ";x=1", "\u00e9", "\\", "1", "-"};
        for (int i = 0; i < 100_000; i++) {
            StringBuilder raw = new StringBuilder(random.nextBoolean() ? "/" : "");
            for (int n = random.nextInt(8); n >= 0; n--) {
                raw.append(pieces[random.nextInt(pieces.length)]);
            }
            String path = raw.toString();
            String full;
            try {
                full = RequestPath.normaliseFully(path);
            } catch (RequestPath.MalformedPathException e) {
                assertThatThrownBy(() -> RequestPath.normalise(path)).isInstanceOf(RequestPath.MalformedPathException.class);
                continue;
            }
            assertThat(RequestPath.normalise(path)).as(path).isEqualTo(full);
        }
    }

    @Test
    void decodesOnceAndKeepsPlus() throws Exception {
        assertThat(RequestPath.normalise("/a%2570")).isEqualTo("/a%70");
        assertThat(RequestPath.normalise("/a+b")).isEqualTo("/a+b");
        assertThat(RequestPath.normalise("/caf%C3%A9")).isEqualTo("/café");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api%2Fpricelists", "/api%5cpricelists", "/api\\pricelists", "/api/%00", "/../etc",
            "/api/../../etc", "/api/%zz", "/api/%7", "/api/%C3%28"})
    void ambiguousSpellingsAreRejected(String uri) {
        assertThatThrownBy(() -> RequestPath.normalise(uri)).isInstanceOf(RequestPath.MalformedPathException.class);
    }
}
