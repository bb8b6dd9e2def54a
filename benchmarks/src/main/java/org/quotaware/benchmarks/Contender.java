package org.quotaware.benchmarks;

/**
 * One limiter under test: decides one call of {@code user} and, when admitted, ends it at once (releases whatever
 * the call held). Answers whether the call was admitted.
 */
@FunctionalInterface
public interface Contender {

    boolean decide(String user);
}
