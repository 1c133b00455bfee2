package io.openautoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop the local SolrCloud that `autoglm cluster start --dir DIR` runs: SIGTERM to it (as Ctrl-C in its",
            "terminal would), then wait until its nodes and ZooKeeper are down (at most --wait-seconds)."})
final class ClusterStopCommand implements Callable<Integer> {
    static final String STATE_FILE = "cluster.json";

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The --dir the cluster was started with.")
    Path dir;

    @Option(names = "--wait-seconds", paramLabel = "S", defaultValue = "60",
            description = "How long to wait for it to stop (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Path state = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(state)) {
            throw new UserInputException("no local SolrCloud runs from " + dir + " (there is no " + state + ")");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(state.toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read " + state + ": " + e.getMessage());
        }
        long pid = json.path("pid").asLong(-1);
        String where = json.path("solr").asText("?");
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            try {
                Files.deleteIfExists(state);
            } catch (IOException e) {
                // it says the same either way
            }
            throw new UserInputException("the local SolrCloud of " + dir + " (pid " + pid + ") is not running any more"
                    + " (killed?); removed its stale " + STATE_FILE);
        }
        ProcessHandle p = process.get();
        String started = json.path("started").asText("");
        String actual = p.info().startInstant().map(Object::toString).orElse("");
        if (!started.isEmpty() && !actual.isEmpty() && !started.equals(actual)) {
            throw new UserInputException("pid " + pid + " named in " + state + " is another process now (the cluster was killed"
                    + " and its pid reused); nothing was stopped; remove " + state);
        }
        p.destroy(); // SIGTERM: the cluster stops its nodes, then ZooKeeper
        try {
            p.onExit().get(waitSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new UserInputException("the local SolrCloud " + where + " (pid " + pid + ") did not stop within " + waitSeconds
                    + " s; wait, or kill it: kill -9 " + pid);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("stopped the local SolrCloud " + where + " (pid " + pid + ")");
        out.flush();
        return 0;
    }
}
