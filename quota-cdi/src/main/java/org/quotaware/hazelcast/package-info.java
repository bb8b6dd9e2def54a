/**
 * Quota state shared by a Hazelcast cluster: {@link org.quotaware.hazelcast.HazelcastQuotaStore} runs each engine
 * operation on the member that owns the user's entry, and {@link org.quotaware.hazelcast.FallbackQuotaStore} keeps
 * deciding locally, with a share of every limit, while the cluster cannot be reached.
 * <p>
 * Plain Java and the Hazelcast API only (no CDI), so the CDI layer, or any application, can construct these stores.
 * {@link org.quotaware.hazelcast.StateProcessor} and the engine classes it carries must be loadable on every member
 * for the one-round-trip path: see {@code docs/cluster.md}.
 */
package org.quotaware.hazelcast;
