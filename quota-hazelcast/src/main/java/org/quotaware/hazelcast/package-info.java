/**
 * Quota state shared by a Hazelcast cluster: {@link org.quotaware.hazelcast.HazelcastQuotaStore} runs each engine
 * operation on the member that owns the user's entry, or decides by compare-and-set on the entry's bytes (the store
 * kit's {@link org.quotaware.store.CompareAndSetStore}) where a member cannot load the processor;
 * {@link org.quotaware.hazelcast.HazelcastFailures} tells the kit's {@link org.quotaware.store.FallbackQuotaStore}
 * which failures to decide locally on, and {@link org.quotaware.hazelcast.HazelcastStoreProvider} builds the store
 * for {@code store=hazelcast} on an instance the application already runs.
 * <p>
 * Plain Java and the Hazelcast API only (no CDI), so the CDI layer, or any application, can construct these stores.
 * {@link org.quotaware.hazelcast.StateProcessor} and the engine classes it carries must be loadable on every member
 * for the one-round-trip path: see {@code docs/cluster.md}.
 */
package org.quotaware.hazelcast;
