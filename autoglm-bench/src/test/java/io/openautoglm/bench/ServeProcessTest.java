package io.openautoglm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The load test reads the server's own counters from its Prometheus text; a misread would skew items/call. */
class ServeProcessTest {
    private static final String SCRAPE = """
            # HELP autoglm_batch_size items per model call
            # TYPE autoglm_batch_size summary
            autoglm_batch_size_count{function="image_embedding"} 12
            autoglm_batch_size_sum{function="image_embedding"} 96.0
            autoglm_batch_size_count{function="text_embedding"} 3
            autoglm_batch_size_sum{function="text_embedding"} 7.0
            autoglm_http_in_flight 5.0
            autoglm_http_in_flight_limit 256.0
            autoglm_http_connections{state="max"} 2048.0
            autoglm_http_connections{state="open"} 17.0
            """;

    @Test
    void samplesAreReadBySeriesAndNotByPrefix() {
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_batch_size_count", "function=\"image_embedding\"")).isEqualTo(12);
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_batch_size_sum", "function=\"text_embedding\"")).isEqualTo(7);
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_batch_size_count", null)).isEqualTo(15);
        // a longer name sharing the prefix is another metric
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_http_in_flight", null)).isEqualTo(5);
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_http_connections", "state=\"open\"")).isEqualTo(17);
        assertThat(ServeProcess.sample(SCRAPE, "autoglm_missing", null)).isNaN();
    }
}
