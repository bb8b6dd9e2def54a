package org.quotaware.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.Violation;
import org.quotaware.scaling.LoadProtection.Admission;
import org.quotaware.spi.AdmissionGate;

import static org.assertj.core.api.Assertions.assertThat;

class LoadProtectionTest {

    private static final Duration SAMPLE = Duration.ofSeconds(5);
    private static final LongSupplier IDLE = () -> 0;

    private final Trace trace = new Trace();
    /** 20 slots on this member; premium keeps 20 % of them, 4, at the last level. */
    private final LoadProtection protection = LoadProtection.builder(20).build();

    @Test
    void admitsEveryoneWithoutAllocatingWhileNotProtecting() {
        protection.update(trace.cpu(0.89));
        assertThat(protection.level()).isZero();
        Admission a = protection.admit("anonymous", IDLE);
        assertThat(a.admitted()).isTrue();
        assertThat(protection.admit(null, IDLE)).isSameAs(a);
    }

    @Test
    void shedsTheLowestTierFirstAndOneMoreEachTimeItStaysHot() {
        protection.update(trace.cpu(0.95));
        assertThat(protection.level()).isEqualTo(1);
        assertShed("anonymous");
        assertAdmitted("default", "premium");

        protection.update(trace.advance(SAMPLE).cpu(0.95));
        assertThat(protection.level()).as("escalates only after 10 s").isEqualTo(1);
        protection.update(trace.advance(SAMPLE).cpu(0.95));
        assertThat(protection.level()).isEqualTo(2);
        assertShed("anonymous", "default");
        assertAdmitted("premium");

        protection.update(trace.advance(SAMPLE.multipliedBy(2)).load(0.5, 0.93, 0)); // memory counts as much
        assertThat(protection.level()).isEqualTo(3);
        assertShed("anonymous", "default");
        protection.update(trace.advance(SAMPLE.multipliedBy(10)).cpu(1.0));
        assertThat(protection.level()).as("the last level").isEqualTo(protection.maxLevel()).isEqualTo(3);
    }

    @Test
    void theTopTierKeepsItsReservedShareAtTheLastLevel() {
        overloadTo(3);
        assertThat(protection.reservedSlots()).isEqualTo(4);
        assertThat(protection.admit("premium", () -> 3).admitted()).isTrue();
        Admission full = protection.admit("premium", () -> 4);
        assertThat(full.shed()).isTrue();
        assertThat(full.retryAfterSeconds()).isEqualTo(30);
        assertThat(full.detail()).isEqualTo("This server is overloaded and runs only its reserved share of 4 tasks "
                + "for premium requests; retry after 30 s.");
        // below the last level premium does not even read the active count
        LoadProtection two = LoadProtection.builder(20).build();
        two.update(trace.cpu(0.95));
        two.update(trace.advance(Duration.ofSeconds(10)).cpu(0.95));
        assertThat(two.level()).isEqualTo(2);
        assertThat(two.admit("premium", () -> {
            throw new AssertionError("read");
        }).admitted()).isTrue();
    }

    @Test
    void recoversOneTierAtATimeAndOnlyBelowTheHysteresisBand() {
        overloadTo(3);
        // 85 %: under the protect threshold, above 80 %: holds
        for (int i = 0; i < 20; i++) {
            protection.update(trace.advance(SAMPLE).cpu(0.85));
        }
        assertThat(protection.level()).isEqualTo(3);

        List<Integer> levels = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            protection.update(trace.advance(SAMPLE).cpu(0.79));
            levels.add(protection.level());
        }
        // cool from the first sample: a step every 30 s, that is every 6th sample
        assertThat(levels).containsExactly(3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0);
        assertAdmitted("anonymous", "default", "premium");
    }

    @Test
    void retryAfterIsTheTimeLeftUntilTheNextStepDown() {
        overloadTo(1);
        assertThat(protection.admit("anonymous", IDLE).retryAfterSeconds()).isEqualTo(30);
        protection.update(trace.advance(SAMPLE).cpu(0.5));
        protection.update(trace.advance(Duration.ofSeconds(12)).cpu(0.5));
        Admission shed = protection.admit("anonymous", IDLE);
        assertThat(shed.retryAfterSeconds()).isEqualTo(18);
        assertThat(shed.detail()).isEqualTo("This server is overloaded and is not taking anonymous requests for now; "
                + "retry after 18 s.");
        assertThat(shed.problem("/upload").toJson()).isEqualTo("{\"type\":\"urn:quotaware:problem:temporary-reduced-"
                + "capacity\",\"title\":\"Temporarily reduced capacity\",\"status\":503,\"detail\":\"This server is "
                + "overloaded and is not taking anonymous requests for now; retry after 18 s.\",\"instance\":"
                + "\"/upload\"}");
    }

    @Test
    void aNoisyLoadAroundTheThresholdDoesNotFlap() {
        Random random = new Random(7);
        int changes = 0;
        int previous = 0;
        for (int i = 0; i < 720; i++) { // an hour at one sample per 5 s
            double cpu = Math.max(0, Math.min(1, 0.88 + 0.03 * random.nextGaussian()));
            protection.update(trace.advance(SAMPLE).cpu(cpu));
            if (protection.level() != previous) {
                changes++;
                previous = protection.level();
            }
        }
        // hot samples go up to the last level; the noise never stays under 80 % for 30 s to come back down
        assertThat(changes).isEqualTo(3);
    }

    @Test
    void anUnknownLoadShedsNobody() {
        protection.update(SystemMetrics.unknown(trace.now()));
        assertThat(protection.level()).isZero();
        overloadTo(2);
        for (int i = 0; i < 13; i++) {
            protection.update(SystemMetrics.unknown(trace.advance(SAMPLE).now()));
        }
        assertThat(protection.level()).as("counts as cool: two steps of 30 s").isZero();
    }

    @Test
    void theOrderIsConfigurableAndUnlistedTiersRankAsDefault() {
        LoadProtection p = LoadProtection.builder(10).tiers("free", "default", "gold", "platinum").build();
        assertThat(p.maxLevel()).isEqualTo(4);
        p.update(trace.cpu(0.95));
        p.update(trace.advance(Duration.ofSeconds(10)).cpu(0.95));
        assertThat(p.shedTiers(p.level())).containsExactly("free", "default");
        assertThat(p.admit("override", IDLE).shed()).isTrue();
        assertThat(p.admit(null, IDLE).shed()).isTrue();
        assertThat(p.admit("gold", IDLE).admitted()).isTrue();
    }

    @Test
    void aZeroReservedShareShedsTheTopTierTooAtTheLastLevel() {
        LoadProtection p = LoadProtection.builder(20)
                .rules(ScalingRules.builder().reservedShare(0).escalateAfter(Duration.ZERO).build()).build();
        for (int i = 0; i < 3; i++) {
            p.update(trace.advance(SAMPLE).cpu(0.95));
        }
        assertThat(p.level()).isEqualTo(3);
        assertThat(p.admit("premium", IDLE).shed()).isTrue();
    }

    private void overloadTo(int level) {
        protection.update(trace.cpu(0.95));
        while (protection.level() < level) {
            protection.update(trace.advance(Duration.ofSeconds(10)).cpu(0.95));
        }
    }

    private void assertShed(String... tiers) {
        for (String t : tiers) {
            assertThat(protection.admit(t, IDLE).shed()).as(t).isTrue();
        }
    }

    private void assertAdmitted(String... tiers) {
        for (String t : tiers) {
            assertThat(protection.admit(t, IDLE).admitted()).as(t).isTrue();
        }
    }

    @Test
    void asTheManagersGateItRefusesAShedTierWithLoadShedAndItsRetryAfter() {
        assertThat(protection.refusal("anonymous", IDLE)).isNull();
        protection.update(trace.cpu(0.95));
        Admission shed = protection.admit("anonymous", IDLE);
        assertThat(protection.refusal("anonymous", IDLE)).isEqualTo(new Violation(Limit.LOAD_SHED,
                protection.maxLevel(), 1, shed.retryAfterSeconds()));
        assertThat(protection.refusal("premium", IDLE)).isNull();
    }

    @Test
    void theOpenGateRanksTiersInTheDefaultProtectionsOrder() {
        for (String t : new String[] {null, "anonymous", "default", "premium", "gold", "override"}) {
            assertThat(AdmissionGate.OPEN.rank(t)).as(t).isEqualTo(protection.rank(t));
            assertThat(AdmissionGate.OPEN.refusal(t, IDLE)).as(t).isNull();
        }
    }
}
