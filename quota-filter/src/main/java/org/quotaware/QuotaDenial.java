package org.quotaware;

/** A request that did not get through; {@link #result()} lists every violated limit. */
public record QuotaDenial(QuotaCheckResult result) implements Acquisition {
}
