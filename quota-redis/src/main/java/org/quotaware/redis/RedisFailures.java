package org.quotaware.redis;

import java.io.IOException;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

import org.quotaware.store.StoreFailures;

/**
 * Which of Lettuce's exceptions mean Redis cannot answer now (the fallback decides locally meanwhile) and which are a
 * bug to see. Unavailable: no connection or a lost one, a command that timed out, and the answers of a server that
 * cannot serve for the moment (loading its data, a replica or a master without its replicas, a cluster without
 * coverage, out of memory, busy with a script, refusing our credentials). A bug: any other error answer, such as an
 * error in one of the scripts or a key of the wrong type.
 */
final class RedisFailures implements StoreFailures {

    static final RedisFailures INSTANCE = new RedisFailures();

    /** The first word of the error answers of a server that cannot serve now. */
    private static final List<String> UNAVAILABLE = List.of("LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN",
            "TRYAGAIN", "BUSY", "NOREPLICAS", "OOM", "NOAUTH", "WRONGPASS");

    private RedisFailures() {
    }

    @Override
    public String explain(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisCommandExecutionException answer) {
                String message = answer.getMessage() == null ? "" : answer.getMessage();
                for (String word : UNAVAILABLE) {
                    if (message.startsWith(word)) {
                        return "Redis cannot serve now (" + word + (word.startsWith("NOAUTH") || word.startsWith(
                                "WRONGPASS") ? ": check store.username and store.password)" : ")");
                    }
                }
                return null;
            }
            if (t instanceof RedisCommandTimeoutException) {
                return "Redis did not answer in time (" + t.getMessage() + ")";
            }
            if (t instanceof RedisConnectionException) {
                return "no connection to Redis (" + t.getMessage() + ")";
            }
            if (t instanceof RedisException || t instanceof IOException) {
                // Lettuce's own: a connection closed or rejecting commands while it reconnects, an interrupted wait
                return "the connection to Redis failed (" + t.getMessage() + ")";
            }
        }
        return null;
    }
}
