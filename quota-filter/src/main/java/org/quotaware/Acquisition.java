package org.quotaware;

/** The answer of {@link QuotaManager#acquire}: a {@link QuotaPermit} or a {@link QuotaDenial}, each with its reasons. */
public sealed interface Acquisition permits QuotaPermit, QuotaDenial {

    QuotaCheckResult result();

    default boolean admitted() {
        return this instanceof QuotaPermit;
    }
}
