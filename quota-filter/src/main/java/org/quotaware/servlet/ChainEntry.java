package org.quotaware.servlet;

/**
 * One entry of the identity chain as configured: where a caller's name comes from, and the prefix its quota key gets.
 * Made by {@link IdentityParser}; {@link CallerIdentity} asks the entries in order.
 */
sealed interface ChainEntry {

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
     * A source the application resolves by name when the filter starts ({@code jwt:tenant_id}, {@code bean:tenant}),
     * see {@link IdentitySource#NAMED_ATTRIBUTE}; null until then.
     *
     * @param text   the entry as written, without its prefix
     * @param source the resolved source, or null
     */
    record Named(String text, IdentitySource source, String prefix) implements ChainEntry {
    }

    /** The client address, last of every chain ({@code ip}). */
    record Address(String prefix) implements ChainEntry {
    }
}
