package org.quotaware.cdi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.testing.MutableClock;

class TopUsersTest {

    private final MutableClock clock = new MutableClock();
    private final TopUsers top = new TopUsers(clock, 3, Duration.ofMinutes(1));

    private void record(String user, int times, boolean denied) {
        for (int i = 0; i < times; i++) {
            top.record(user, user.startsWith("ip:") ? "anonymous" : "default", denied);
        }
    }

    @Test
    void listsTheUsersWithTheMostDecisionsMostFirst() {
        record("key:alice", 5, false);
        record("key:alice", 2, true);
        record("key:bob", 3, false);
        record("ip:203.0.113.7", 1, true);

        assertThat(top.top(2)).containsExactly(new TopUsers.Entry("key:alice", "default", 7, 2, 0),
                new TopUsers.Entry("key:bob", "default", 3, 0, 0));
    }

    @Test
    void aUserShowsTheTierOfItsLatestDecision() {
        top.record("key:alice", "default", false);
        top.record("key:alice", "premium", false);

        assertThat(top.top(1)).containsExactly(new TopUsers.Entry("key:alice", "premium", 2, 0, 0));
    }

    @Test
    void aNewUserTakesTheLeastCountedCounterAndInheritsItsCountAsOvercount() {
        record("key:alice", 10, false);
        record("key:bob", 5, false);
        record("ip:1", 1, false);
        record("ip:2", 1, false); // all three counters in use: takes ip:1's

        List<TopUsers.Entry> entries = top.top(10);

        assertThat(entries).hasSize(3);
        assertThat(entries).extracting(TopUsers.Entry::user).containsExactly("key:alice", "key:bob", "ip:2");
        assertThat(entries.get(2)).isEqualTo(new TopUsers.Entry("ip:2", "anonymous", 2, 0, 1));
    }

    @Test
    void aHeavyUserStaysListedWhateverTheNumberOfOthers() {
        // mallory makes half of the decisions, more than 1/capacity: Space-Saving guarantees she is listed
        for (int i = 0; i < 10_000; i++) {
            top.record("ip:" + i, "anonymous", false);
            top.record("key:mallory", "default", true);
        }

        TopUsers.Entry first = top.top(1).get(0);

        assertThat(first.user()).isEqualTo("key:mallory");
        assertThat(first.count() - first.overcount()).isLessThanOrEqualTo(10_000);
        assertThat(first.count()).isGreaterThanOrEqualTo(10_000);
        assertThat(top.top(100)).hasSize(3);
    }

    @Test
    void countsTheCurrentAndThePreviousPeriodAndForgetsOlderOnes() {
        record("key:alice", 4, false);
        clock.advance(Duration.ofMinutes(1));
        record("key:alice", 1, false);
        record("key:bob", 2, false);

        assertThat(top.top(5)).containsExactly(new TopUsers.Entry("key:alice", "default", 5, 0, 0),
                new TopUsers.Entry("key:bob", "default", 2, 0, 0));
        assertThat(top.span()).isEqualTo(Duration.ofMinutes(1));

        clock.advance(Duration.ofMinutes(1));
        assertThat(top.top(5)).containsExactly(new TopUsers.Entry("key:bob", "default", 2, 0, 0),
                new TopUsers.Entry("key:alice", "default", 1, 0, 0));

        clock.advance(Duration.ofMinutes(2));
        assertThat(top.top(5)).isEmpty();
    }

    @Test
    void aWeightedRankingPutsTheHeaviestUserFirstHoweverFewItsRecords() {
        for (int i = 0; i < 50; i++) {
            top.record("key:light", "default", 100, false); // 50 cheap requests of 0.1 ms
        }
        top.record("key:heavy", "default", 2_000_000, false); // one request of 2 s of CPU

        assertThat(top.top(2)).containsExactly(new TopUsers.Entry("key:heavy", "default", 2_000_000, 0, 0),
                new TopUsers.Entry("key:light", "default", 5_000, 0, 0));
    }

    @Test
    void aWeightedRankingStaysInItsCountersAndNeverListsAHeavyUserBelowItsTruth() {
        top.record("key:heavy", "default", 1_000_000, false);
        for (int i = 0; i < 10_000; i++) {
            top.record("ip:" + i, "anonymous", 1 + i % 7, false); // many light users, each taking the least counter
        }
        top.record("key:heavy", "default", 1_000_000, false);

        TopUsers.Entry first = top.top(1).get(0);
        assertThat(first.user()).isEqualTo("key:heavy");
        assertThat(first.count()).isGreaterThanOrEqualTo(2_000_000);
        assertThat(first.count() - first.overcount()).isLessThanOrEqualTo(2_000_000);
        assertThat(top.top(100)).hasSize(3);
    }

    @Test
    void theCpuListenerRanksAPermitsUserByTheMicrosecondsChargedRoundedUp() {
        DashboardRecorder.CpuListener listener = new DashboardRecorder.CpuListener(top);
        org.quotaware.QuotaPermit permit = new org.quotaware.QuotaPermit("key:alice", 1,
                org.quotaware.QuotaCheckResult.allowed("gold", false, List.of()), (p, success) -> { });
        listener.charged(permit, 1_500_001, 4_096);
        listener.charged(permit, 999, 0);
        listener.charged(permit, 0, 1 << 20); // allocation only: not ranked

        assertThat(top.top(5)).containsExactly(new TopUsers.Entry("key:alice", "gold", 1_502, 0, 0));
    }
}
