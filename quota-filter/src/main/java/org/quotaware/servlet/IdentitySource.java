package org.quotaware.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * One way of telling who a request's caller is: an entry of the identity chain ({@code identity.chain}). The chain asks
 * its entries in order; the first that names the caller decides whose quota the request spends, under the entry's
 * prefix ({@code tenant:acme}). The client address ends every chain, so every request has a key.
 * <p>
 * An application adds a source by class name ({@code class:com.example.TenantSource}, instantiated once with its
 * public no-argument constructor) or, with quota-cdi, as a CDI bean with {@code @Named} ({@code bean:tenant}).
 * It is called on every counted request, on the container's thread, before the request is admitted: keep it cheap and
 * never let it block.
 */
@FunctionalInterface
public interface IdentitySource {

    /**
     * The servlet-context attribute under which an application publishes the sources it resolves by name, a
     * {@code java.util.function.Function<String, IdentitySource>} from a chain entry ({@code jwt:tenant_id},
     * {@code bean:tenant}) to its source, or to null when it has none by that name. quota-cdi publishes it before any
     * filter starts.
     */
    String NAMED_ATTRIBUTE = IdentitySource.class.getName() + ".named";

    /**
     * The caller's name by this source, without a prefix (the chain adds the entry's), or null or blank when this
     * source does not know the caller, so the next entry is asked.
     */
    String identify(HttpServletRequest request);
}
