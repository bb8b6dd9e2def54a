package org.quotaware.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.engine.Operations;
import org.quotaware.engine.StateStep;
import org.quotaware.engine.UserState;
import org.quotaware.engine.WireFormat;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model of a cluster deciding one user's requests through allowances, explored at random: members on clocks off
 * by up to {@link #MAX_OFFSET} ms each way (within the stores' skew bound), requests of three shapes arriving on any
 * member, tasks ending in any order, settlements, expiries, exchanges whose answers are lost, a queue with waits
 * that end, and members that die (their tasks with them). Every operation crosses the wire format both ways, and the
 * owner keeps the state as bytes. After every admission it checks, in real time:
 * <ul>
 * <li>the tasks running at that instant never exceed the concurrency limit;</li>
 * <li>no interval of a window's length (less the clocks' largest difference, the slack the engine always had when
 * members' clocks differ) holds more units of that window than its limit;</li>
 * </ul>
 * and at the end, once everything has ended and the longest window has passed, that nothing leaked: the owner holds
 * no state for the user, and the concurrency limit admits exactly as many tasks again.
 */
class AllowanceModelTest {

    private static final String USER = "key:model";
    private static final long LEASE = 6_000;
    private static final long MAX_OFFSET = 400;
    private static final long[] WINDOW_MILLIS = {60_000, 3_600_000, 86_400_000};
    private static final int RUNS = 400;
    private static final long TRACE = Long.getLong("model.trace", -1);

    static String describe(Object o) {
        return o instanceof org.quotaware.engine.Allotments.Allot a ? "Allot[settled=" + a.settled() + " grant="
                + a.grant() + " used=" + java.util.Arrays.toString(a.usage().units()) + " inUse=" + a.usage().inUse()
                + " want=" + java.util.Arrays.toString(a.want().units()) + "/" + a.want().slots() + " req="
                + a.acquire().request().files() + "f tok=" + a.acquire().token() + "]"
                : o instanceof org.quotaware.engine.Allotments.Settle t ? "Settle[settled=" + t.settled() + " used="
                + java.util.Arrays.toString(t.usage().units()) + " inUse=" + t.usage().inUse() + " want="
                + java.util.Arrays.toString(t.want().units()) + "/" + t.want().slots() + "]"
                : o instanceof org.quotaware.engine.Allotments.Allotment a ? a.decision().verdict() + " "
                + describe(a.grant())
                : o instanceof org.quotaware.engine.Allotments.Grant g ? "Grant[" + g.id() + " slots=" + g.slots()
                + " units=" + java.util.Arrays.toString(g.units()) + " folded=" + g.folded() + "]"
                : String.valueOf(o);
    }

    @Test
    void noWindowAndNoInstantEverHoldsMoreThanItsLimitWhateverTheInterleaving() {
        long local = 0;
        long exchanges = 0;
        for (int seed = 1; seed <= RUNS; seed++) {
            Run run = new Run(seed);
            run.run();
            local += run.local;
            exchanges += run.exchanges;
        }
        // the model explores allowances, not only the owner deciding one by one
        assertThat(local).as("requests decided on allowances").isGreaterThan(10_000);
        assertThat(exchanges).isGreaterThan(1_000);
    }

    /** The owner of the user's state: applies operations atomically on the state's bytes, through the wire format. */
    static final class Owner {
        private final Map<String, byte[]> states = new HashMap<>();

        @SuppressWarnings("unchecked")
        <R> R apply(String user, StateOperation<R> operation, long now) {
            StateOperation<?> shipped = WireFormat.operation(WireFormat.operation(operation));
            byte[] stored = states.get(user);
            UserState state = StateStep.begin(stored == null ? null : UserState.fromBytes(stored), true);
            Object answer = shipped.apply(state, now);
            StateStep.Change change = StateStep.end(stored != null, state, now);
            if (change.keeps()) {
                states.put(user, state.toBytes());
            } else if (change == StateStep.Change.REMOVE) {
                states.remove(user);
            }
            return (R) WireFormat.answer(WireFormat.result(change.trackedDelta, answer), delta -> { });
        }

        UserState state(String user) {
            byte[] b = states.get(user);
            return b == null ? null : UserState.fromBytes(b);
        }
    }

    /** One run: its own limits, members, clocks and random choices. */
    private static final class Run {
        final long seed;
        final SplittableRandom random;
        final Owner owner = new Owner();
        final QuotaLimits limits;
        final long[] windowLimits;
        final int members;
        final Member[] cluster;
        final List<Task> running = new ArrayList<>();
        final List<Waiter> waiting = new ArrayList<>();
        /**
         * Per window, the units counted and never given back, as (real time counted, units), in time order. A window
         * holds at most its limit's units at a time when all is well, so checking one is cheap.
         */
        final List<List<long[]>> ledger = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final Deque<String> trail = new ArrayDeque<>();
        final long slack;
        long now = 1_767_571_200_000L;
        long local;
        long exchanges;
        int deaths;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            long rpm = pick(12, 40, 200, 1_000);
            long filesPerHour = pick(8, 30, 300);
            long filesPerDay = pick(filesPerHour, filesPerHour * 3);
            long slots = pick(2, 5, 12, 40);
            long queue = pick(0, 0, 3);
            this.limits = QuotaLimits.builder().requestsPerMinute(rpm).filesPerHour(filesPerHour)
                    .filesPerDay(filesPerDay).maxConcurrentTasks(slots).maxQueueSize(queue)
                    .maxQueueWait(java.time.Duration.ofSeconds(4)).maxFileSizeBytes(1_000_000).build();
            this.windowLimits = new long[] {rpm, filesPerHour, filesPerDay};
            this.members = (int) pick(2, 2, 3);
            this.cluster = new Member[members];
            long lowest = 0;
            long highest = 0;
            for (int i = 0; i < members; i++) {
                long offset = random.nextLong(-MAX_OFFSET, MAX_OFFSET + 1);
                cluster[i] = new Member(i, offset);
                lowest = Math.min(lowest, offset);
                highest = Math.max(highest, offset);
            }
            this.slack = highest - lowest;
        }

        long pick(long... values) {
            return values[random.nextInt(values.length)];
        }

        /** How often time passes instead of something happening: a busy cluster, or a calmer one. */
        int pace;
        /** Whether only GETs arrive, which leaves the file windows alone. */
        boolean getsOnly;

        void run() {
            pace = (int) pick(30, 30, 60, 85);
            getsOnly = random.nextInt(3) == 0;
            for (int step = 0; step < 3_000; step++) {
                int r = random.nextInt(100);
                if (r < pace) {
                    advance(random.nextLong(1, 251));
                    continue;
                }
                r = 30 + random.nextInt(70);
                if (r < 62) {
                    arrive(alive(), shape());
                } else if (r < 67) {
                    Member m = alive();
                    int burst = random.nextInt(2, 12);
                    for (int i = 0; i < burst; i++) {
                        arrive(random.nextBoolean() ? m : alive(), shape());
                    }
                } else if (r < 90) {
                    finishOne();
                } else if (r < 97) {
                    pollOne();
                } else if (r < 98 && deaths < members - 1 && step > 500) {
                    kill(alive());
                } else if (running.isEmpty() && waiting.isEmpty()) {
                    // a quiet spell: long enough for windows to slide and idle grants to expire
                    jump(random.nextLong(1, 2 * 3_600_000));
                }
            }
            drain();
            for (Member m : cluster) {
                local += m.store.localDecisions();
            }
            if (System.getProperty("model.verbose") != null) {
                System.out.println("seed " + seed + " " + limits + " members " + members + ": arrivals " + arrivals
                        + ", admitted " + admissions + ", local " + local + ", exchanges " + exchanges);
            }
        }

        /** Real time passes; every live member runs its upkeep each 250 ms and renews its tasks' leases. */
        void advance(long millis) {
            now += millis;
            for (Member m : cluster) {
                if (m.alive) {
                    m.store.maintain();
                    if (now - m.lastRenewal >= LEASE / 3) {
                        m.renewLeases();
                    }
                }
            }
        }

        void jump(long millis) {
            for (long left = millis; left > 0; left -= 250) {
                now += Math.min(250, left);
                if (left % 20_000 < 250) {
                    advance(0);
                }
            }
            advance(0);
        }

        Member alive() {
            while (true) {
                Member m = cluster[random.nextInt(members)];
                if (m.alive) {
                    return m;
                }
            }
        }

        QuotaRequest shape() {
            return switch (getsOnly ? 0 : random.nextInt(4)) {
                case 0, 1 -> new QuotaRequest(0, -1, true, null, true, false);          // a GET: a request, a slot
                case 2 -> new QuotaRequest(1, 1_000, true, null, true, false);           // an upload through the filter
                default -> new QuotaRequest(2, 5_000, false, null, false, false);        // files a @Quota method adds
            };
        }

        long arrivals;
        long admissions;

        void arrive(Member m, QuotaRequest request) {
            arrivals++;
            long token = request.concurrent() ? m.token() : 0;
            Decision d;
            try {
                d = m.store.execute(USER, new Operations.Acquire(request, limits, token, LEASE));
            } catch (Lost e) {
                note("m" + m.id + " acquire lost");
                return; // the caller got an error; whatever the owner counted stays counted, never less
            }
            note("m" + m.id + " " + d.verdict() + " " + request.files() + "f " + (token != 0 ? "slot" : ""));
            if (d.verdict() == Verdict.ADMITTED) {
                admissions++;
                admitted(m, request, token, now);
            } else if (d.verdict() == Verdict.QUEUED) {
                waiting.add(new Waiter(m, request, token, now, d.atMillis(), now + limits.maxQueueWait().toMillis()));
            }
        }

        void admitted(Member m, QuotaRequest request, long token, long countedAt) {
            if (token != 0) {
                running.add(new Task(m, token, now));
                assertThat(running.size()).as(failure("tasks running at once")).isLessThanOrEqualTo(
                        (int) limits.maxConcurrentTasks());
            }
            count(countedAt, new long[] {request.countsRequest() ? 1 : 0, request.files(), request.files()});
        }

        /**
         * Adds units counted at {@code at} (now, or earlier for a request that queued) and checks every interval of
         * each window's length that holds them and ends at a count: the one ending now, and those ending at the
         * counts made since {@code at}.
         */
        void count(long at, long[] units) {
            for (int w = 0; w < 3; w++) {
                if (units[w] == 0) {
                    continue;
                }
                List<long[]> counts = ledger.get(w);
                int i = counts.size();
                while (i > 0 && counts.get(i - 1)[0] > at) {
                    i--;
                }
                counts.add(i, new long[] {at, units[w]});
                for (int end = i; end < counts.size(); end++) {
                    long until = counts.get(end)[0];
                    long from = until - (WINDOW_MILLIS[w] - slack);
                    long sum = 0;
                    for (int k = end; k >= 0 && counts.get(k)[0] > from; k--) {
                        sum += counts.get(k)[1];
                    }
                    assertThat(sum).as(failure("units of window " + w + " in the " + (WINDOW_MILLIS[w] - slack)
                            + " ms up to " + until)).isLessThanOrEqualTo(windowLimits[w]);
                }
            }
        }

        void finishOne() {
            if (running.isEmpty()) {
                return;
            }
            Task t = running.remove(random.nextInt(running.size()));
            note("m" + t.member.id + " ends a task");
            try {
                t.member.store.send(USER, new Operations.Release(t.token, random.nextInt(10) > 0));
            } catch (Lost e) {
                note("release lost: the slot comes back with its lease");
            }
        }

        void pollOne() {
            if (waiting.isEmpty()) {
                return;
            }
            Waiter w = waiting.get(random.nextInt(waiting.size()));
            try {
                if (now >= w.deadline) {
                    waiting.remove(w);
                    w.member.store.execute(USER, Operations.Unqueue.afterWait(w.request, w.token, w.atMillis,
                            limits));
                    // its request stays counted; its files, never uploaded, are given back
                    count(w.queuedAt, new long[] {w.request.countsRequest() ? 1 : 0, 0, 0});
                    note("m" + w.member.id + " wait ended");
                    return;
                }
                Decision d = w.member.store.execute(USER, new Operations.Claim(limits, w.token, LEASE));
                if (d.verdict() == Verdict.ADMITTED) {
                    waiting.remove(w);
                    note("m" + w.member.id + " claimed a slot");
                    admitted(w.member, w.request, w.token, w.queuedAt);
                }
            } catch (Lost e) {
                note("poll lost");
            }
        }

        void kill(Member m) {
            m.alive = false;
            deaths++;
            running.removeIf(t -> t.member == m);
            waiting.removeIf(w -> w.member == m);
            note("m" + m.id + " killed");
        }

        /** Everything ends; after the longest window, nothing is left and every slot admits again. */
        void drain() {
            for (Member m : cluster) {
                m.faults = false;
            }
            while (!running.isEmpty()) {
                finishOne();
            }
            for (Waiter w : waiting) {
                now = Math.max(now, w.deadline);
                w.member.store.execute(USER, Operations.Unqueue.afterWait(w.request, w.token, w.atMillis, limits));
            }
            waiting.clear();
            jump(LEASE * 2);
            jump(2 * WINDOW_MILLIS[2]);
            UserState left = owner.state(USER);
            assertThat(left == null || left.idle(now + MAX_OFFSET)).as(failure("a state left: " + left)).isTrue();
            int admitted = 0;
            List<Task> again = new ArrayList<>();
            for (int i = 0; i < limits.maxConcurrentTasks() + 3; i++) {
                Member m = alive();
                long token = m.token();
                Decision d = m.store.execute(USER, new Operations.Acquire(new QuotaRequest(0, -1, true, null, false,
                        false), limits, token, LEASE));
                if (d.verdict() == Verdict.ADMITTED) {
                    admitted++;
                    again.add(new Task(m, token, now));
                }
            }
            assertThat(admitted).as(failure("slots admitting again")).isEqualTo((int) limits.maxConcurrentTasks());
            for (Task t : again) {
                t.member.store.send(USER, new Operations.Release(t.token, true));
            }
        }

        void note(String event) {
            trail.addLast(now + " " + event);
            if (trail.size() > 40) {
                trail.removeFirst();
            }
        }

        String failure(String what) {
            return "seed " + seed + ", " + members + " members, " + limits + ": " + what + "; last events:\n"
                    + String.join("\n", trail);
        }

        /** A member: its own clock, its allowance store over the owner, the leases its manager renews. */
        final class Member {
            final int id;
            final long offset;
            final AllowanceStore store;
            boolean alive = true;
            boolean faults = true;
            long lastRenewal;
            long nextToken;

            Member(int id, long offset) {
                this.id = id;
                this.offset = offset;
                this.store = AllowanceStore.builder(new Remote(this)).members(() -> members).manualTick()
                        .nanoClock(() -> now * 1_000_000L).build();
                this.nextToken = (id + 1L) << 40;
            }

            long token() {
                return ++nextToken;
            }

            /** The manager's lease renewal: the slots of its tasks and its queue places. */
            void renewLeases() {
                lastRenewal = now;
                List<Long> tokens = new ArrayList<>();
                for (Task t : running) {
                    if (t.member == this) {
                        tokens.add(t.token);
                    }
                }
                for (Waiter w : waiting) {
                    if (w.member == this) {
                        tokens.add(w.token);
                    }
                }
                if (!tokens.isEmpty()) {
                    store.execute(USER, new Operations.Renew(tokens.stream().mapToLong(Long::longValue).toArray(),
                            LEASE));
                }
            }
        }

        /** The remote store as member {@code m} sees it: the owner on the member's clock, answers lost at times. */
        final class Remote implements QuotaStore {
            final Member m;

            Remote(Member m) {
                this.m = m;
            }

            @Override
            public <R> R execute(String user, StateOperation<R> operation) {
                boolean mayFail = m.faults && !(operation instanceof Operations.Renew)
                        && !(operation instanceof org.quotaware.engine.Allotments.Settle);
                if (mayFail && random.nextInt(100) < 2) {
                    throw new Lost(); // never reached the owner
                }
                R answer = owner.apply(user, operation, currentTimeMillis());
                if (TRACE == seed && (operation instanceof org.quotaware.engine.Allotments.Allot
                        || operation instanceof org.quotaware.engine.Allotments.Settle)) {
                    System.out.println(now + " m" + m.id + " " + describe(operation) + "\n   -> " + describe(answer));
                }
                if (operation instanceof org.quotaware.engine.Allotments.Allot) {
                    exchanges++;
                }
                if (mayFail && random.nextInt(100) < 2) {
                    throw new Lost(); // ran, but its answer never came back
                }
                return answer;
            }

            @Override
            public long trackedUsers() {
                return owner.states.size();
            }

            @Override
            public long currentTimeMillis() {
                return now + m.offset;
            }

            @Override
            public long slotLeaseMillis() {
                return LEASE;
            }
        }

        record Task(Member member, long token, long started) {
        }

        record Waiter(Member member, QuotaRequest request, long token, long queuedAt, long atMillis, long deadline) {
        }
    }

    static final class Lost extends RuntimeException {
        Lost() {
            super("the owner did not answer", null, false, false);
        }
    }
}
