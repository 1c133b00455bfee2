package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.server.AutoglmServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The server's 501 messages tell a user how to start {@code autoglm serve} with the missing part;
 * an option they name that serve does not have (a rename, a stale text) fails here.
 */
class ServeCommandOptionsTest {
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");

    @Test
    void everyOptionTheUnavailableMessagesNameExists() {
        Set<String> known = new java.util.HashSet<>();
        for (OptionSpec o : new CommandLine(new ServeCommand()).getCommandSpec().options()) {
            known.addAll(List.of(o.names()));
        }
        assertThat(AutoglmServer.UNAVAILABLE.values()).anyMatch(m -> OPTION.matcher(m).find());
        AutoglmServer.UNAVAILABLE.forEach((path, message) ->
                assertThat(unknownOptions(message, known)).as("options %s's 501 names that serve lacks", path).isEmpty());
        // Guards the guard: the scan reports a stale name.
        assertThat(unknownOptions("start the server with --search-index DIR", known)).containsExactly("--search-index");
    }

    private static List<String> unknownOptions(String message, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        Matcher m = OPTION.matcher(message);
        while (m.find()) {
            if (!known.contains(m.group())) {
                unknown.add(m.group());
            }
        }
        return unknown;
    }
}
