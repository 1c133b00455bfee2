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
        return oldest == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest.getValue()));
    }

    int size() {
        return waitingSince.size();
    }
}
