/**
 * Keeps a Hazelcast map's entries in a JDBC database, so that the cluster's state outlives a full restart: a
 * {@code MapStore} writing behind, made on each member by a {@link org.quotaware.hazelcast.persist.TableStoreFactory}
 * that carries only the DataSource's JNDI name. Plain Java, JDBC and the Hazelcast API; no class of the rest of
 * Quotaware, so the store reads and writes opaque bytes and text. See docs/cluster.md, "Persistence".
 */
package org.quotaware.hazelcast.persist;
