package org.quotaware.http;

import java.util.Map;

/**
 * Which tiers' answers carry the draft's {@code RateLimit} and {@code RateLimit-Policy} fields
 * ({@code rate-limit-headers} and {@code <tier>.rate-limit-headers}). The draft lets a server leave them out, e.g. so
 * that a client cannot learn another deployment's limits or its own standing; {@code Retry-After} on a denial is sent
 * whatever the switch says, because it only tells the client when to come back, which any client learns by retrying.
 *
 * @param sendByDefault for tiers without a setting of their own, and for users with a per-user override (tier
 *                      {@code override})
 * @param perTier       tier name to whether its answers carry the fields
 */
public record HeaderSwitch(boolean sendByDefault, Map<String, Boolean> perTier) {

    /** Every answer carries the fields: the default. */
    public static final HeaderSwitch ALWAYS = new HeaderSwitch(true, Map.of());

    public HeaderSwitch {
        perTier = Map.copyOf(perTier);
    }

    /** Whether an answer for {@code tier} carries the {@code RateLimit} fields. */
    public boolean sends(String tier) {
        return tier == null ? sendByDefault : perTier.getOrDefault(tier, sendByDefault);
    }
}
