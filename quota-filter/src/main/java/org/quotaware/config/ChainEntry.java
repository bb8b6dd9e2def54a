package org.quotaware.config;

/**
 * One entry of the identity chain as configured ({@code identity.chain}): where a caller's name comes from, and the
 * prefix its quota key gets. Read by {@link ChainReader}; the servlet filter asks the entries in order.
 */
public sealed interface ChainEntry {

    /** What the quota key starts with: {@code principal:}, {@code tenant:}. */
    String prefix();

    /** The container's principal ({@code principal}). */
    record Principal(String prefix) implements ChainEntry {
    }

    /** A configured API key ({@code api-key}); an unknown key is answered 401. */
    record ApiKey(String prefix) implements ChainEntry {
    }

    /**
     * A header a trusted proxy writes: {@code header} ({@code identity.user-header}) or {@code header:X-Tenant}.
     *
     * @param name the header's name
     */
    record Header(String name, String prefix) implements ChainEntry {
    }

    /**
     * A source of the application's: {@code class:<class name>}, instantiated when the filter's settings are made,
     * or {@code jwt:<claim>} and {@code bean:<name>}, which the application resolves by name when it starts.
     *
     * @param text the entry as written, without its prefix
     */
    record Named(String text, String prefix) implements ChainEntry {

        /** The class an entry {@code class:<class name>} names, else null. */
        public String className() {
            return text.startsWith(ChainReader.CLASS) ? text.substring(ChainReader.CLASS.length()) : null;
        }
    }

    /** The client address, last of every chain ({@code ip}). */
    record Address(String prefix) implements ChainEntry {
    }
}
