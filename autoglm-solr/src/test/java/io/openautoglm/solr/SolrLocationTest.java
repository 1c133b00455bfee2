package io.openautoglm.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing index locations, and an unreachable cluster; no Solr needed. */
class SolrLocationTest {
    @Test
    void parsesHttpAndZooKeeperLocations() {
        SolrLocation http = SolrLocation.parse("solr://solr1.example.org:8983,10.0.0.2:8984/pictures");
        assertThat(http.via()).isEqualTo(SolrLocation.Via.http);
        assertThat(http.hosts()).containsExactly("solr1.example.org:8983", "10.0.0.2:8984");
        assertThat(http.collection()).isEqualTo("pictures");
        assertThat(http.chroot()).isNull();
        assertThat(http.solrUrls()).containsExactly("http://solr1.example.org:8983/solr", "http://10.0.0.2:8984/solr");
        assertThat(http).hasToString("solr://solr1.example.org:8983,10.0.0.2:8984/pictures");

        SolrLocation zk = SolrLocation.parse("solr+zk://zk1:2181,zk2:2181/solr/my_pictures-2.0");
        assertThat(zk.via()).isEqualTo(SolrLocation.Via.zookeeper);
        assertThat(zk.hosts()).containsExactly("zk1:2181", "zk2:2181");
        assertThat(zk.chroot()).isEqualTo("/solr");
        assertThat(zk.collection()).isEqualTo("my_pictures-2.0");
        assertThat(SolrLocation.parse("solr+zk://[::1]:2181/c/").hosts()).containsExactly("[::1]:2181");
        assertThat(SolrLocation.isSolr("solr://h:1/c")).isTrue();
        assertThat(SolrLocation.isSolr("runs/my-index")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://h:8983/c | starts with neither",
        "solr://h:8983 | names no collection",
        "solr://h:8983/ | names no collection",
        "solr://h/c | 'h' is not HOST:PORT",
        "solr://h:x/c | the port in 'h:x' is not a number",
        "solr://h:70000/c | the port 70000 is not between 1 and 65535",
        "solr://h:1,/c | '' is not HOST:PORT",
        "solr://h_1:1/c | 'h_1' is not a host name",
        "solr://h:1/a b | the collection name 'a b' may hold only",
        "solr://h:1/solr/c | no path before the collection",
        "solr+zk://h:1//c | has an empty part",
    })
    void refusesMalformedLocationsWithOneLine(String location, String why) {
        assertThatThrownBy(() -> SolrLocation.parse(location))
                .isInstanceOf(UserInputException.class)
                .hasMessageStartingWith("index location '" + location + "' is not a SolrCloud location: ")
                .hasMessageContaining(why)
                .hasMessageEndingWith("write solr://HOST:PORT/COLLECTION or solr+zk://HOST:PORT[/CHROOT]/COLLECTION")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnreachableClusterIsOneLine() {
        assertThatThrownBy(() -> SolrVectorIndex.open(SolrLocation.parse("solr://127.0.0.1:1,127.0.0.1:2/x")))
                .isInstanceOf(UserInputException.class)
                .hasMessageStartingWith("cannot reach SolrCloud at solr://127.0.0.1:1,127.0.0.1:2/x"
                        + " (http://127.0.0.1:1/solr, http://127.0.0.1:2/solr): ")
                .hasMessageEndingWith("check that it runs and that the host and port are right")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnreachableZooKeeperIsOneLine() {
        assertThatThrownBy(() -> SolrVectorIndex.open(SolrLocation.parse("solr+zk://127.0.0.1:1/solr/x")))
                .isInstanceOf(UserInputException.class)
                .hasMessageStartingWith("cannot reach ZooKeeper at 127.0.0.1:1 for solr+zk://127.0.0.1:1/solr/x: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void collectionLayoutsAreChecked() {
        assertThat(new CollectionLayout(2, 2).replicas()).isEqualTo(2);
        for (List<Integer> bad : List.of(List.of(0, 1), List.of(1, 0))) {
            assertThatThrownBy(() -> new CollectionLayout(bad.get(0), bad.get(1))).isInstanceOf(UserInputException.class)
                    .hasMessageContaining("must be between");
        }
    }
}
