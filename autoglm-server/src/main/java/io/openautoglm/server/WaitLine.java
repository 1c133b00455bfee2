package io.openautoglm.server;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is waiting for a scarce resource (a picture decoder slot) and since when, so that admission
 * can see how far behind that stage is: the same "oldest waiter" signal a {@link MicroBatcher}
 * gives for its queue. Tickets are handed out in arrival order, so the first entry is the oldest.
 */
final class WaitLine {
    private final AtomicLong tickets = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Long> waitingSince = new ConcurrentSkipListMap<>();

    /** Joins the line; pass the ticket to {@link #leave} exactly once (in a finally block). */
    long enter() {
        long ticket = tickets.incrementAndGet();
        waitingSince.put(ticket, System.nanoTime());
        return ticket;
    }

    void leave(long ticket) {
        waitingSince.remove(ticket);
    }

    /** How long the oldest waiter has waited; 0 when nobody waits. */
    long oldestWaitMillis() {
        Map.Entry<Long, Long> oldest = waitingSince.firstEntry();
        return oldest == null ? 0 : millisSince(oldest.getValue());
    }

    /** Milliseconds since a {@link System#nanoTime()} reading, never negative. */
    static long millisSince(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos));
    }

    /**
     * Null while {@code waitedMillis} is within {@code limitMillis}; otherwise the clause a 429
     * gives: "STAGE is behind (its oldest WAITER has waited N ms, limit M ms)".
     */
    static String behind(String stage, String waiter, long waitedMillis, int limitMillis) {
        return waitedMillis <= limitMillis ? null : stage + " is behind (its oldest " + waiter + " has waited " + waitedMillis
                + " ms, limit " + limitMillis + " ms)";
    }

    int size() {
        return waitingSince.size();
    }
}
