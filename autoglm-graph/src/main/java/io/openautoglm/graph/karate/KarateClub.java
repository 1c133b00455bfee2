package io.openautoglm.graph.karate;

import io.openautoglm.graph.data.GraphEdge;
import io.openautoglm.graph.data.GraphNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Zachary's karate club (34 members, 78 friendships, the club each member joined after the split),
 * read from the bundled resource, as a graph for semi-supervised node classification: only the two
 * leaders (member 0, the instructor, and member 33, the administrator) are labelled {@code train};
 * the other 32 are {@code test}. Nodes carry no features, so training uses identity columns.
 */
public final class KarateClub {
    public static final int MEMBERS = 34;
    public static final int FRIENDSHIPS = 78;
    private static final String RESOURCE = "karate-club.txt";

    /** The graph as node and edge records (ids "0".."33", labels "0"/"1" by club, relation "friend"). */
    public record Club(List<GraphNode> nodes, List<GraphEdge> edges, int[] club) {}

    private KarateClub() {}

    public static Club load() {
        int[] club = new int[MEMBERS];
        java.util.Arrays.fill(club, -1);
        List<GraphEdge> edges = new ArrayList<>();
        try (InputStream in = KarateClub.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the autoglm-graph jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts[0].equals("club")) {
                    int label = Integer.parseInt(parts[1]);
                    for (int i = 2; i < parts.length; i++) {
                        club[Integer.parseInt(parts[i])] = label;
                    }
                } else {
                    // Friendship has no direction; the undirected layers symmetrise the adjacency.
                    edges.add(new GraphEdge(parts[0], parts[1], "friend", 1f, null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<GraphNode> nodes = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            if (club[i] < 0) {
                throw new IllegalStateException("member " + i + " has no club in " + RESOURCE);
            }
            boolean leader = i == 0 || i == MEMBERS - 1;
            nodes.add(new GraphNode(Integer.toString(i), "member", null, null, null, Integer.toString(club[i]),
                    leader ? GraphNode.Split.TRAIN : GraphNode.Split.TEST));
        }
        if (edges.size() != FRIENDSHIPS) {
            throw new IllegalStateException(RESOURCE + " has " + edges.size() + " edges, expected " + FRIENDSHIPS);
        }
        return new Club(nodes, edges, club);
    }
}
