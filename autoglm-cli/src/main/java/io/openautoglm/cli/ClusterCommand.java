package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm cluster}: a local SolrCloud to try {@code --index solr://...} with, and for tests. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A local SolrCloud (embedded ZooKeeper + N Solr nodes) to try --index solr://... with, and for tests.",
            "For a production SolrCloud, point --index at it instead (docs/solr.md)."},
        subcommands = {ClusterStartCommand.class, ClusterStopCommand.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
