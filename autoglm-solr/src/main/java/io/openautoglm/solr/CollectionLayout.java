package io.openautoglm.solr;

import io.openautoglm.core.UserInputException;

/**
 * The shape of a new collection: how many shards split it and how many copies each shard has.
 *
 * @param replicas copies of each shard (NRT replicas); 2 or more keeps the index searchable and
 *     writable while one node is down
 */
public record CollectionLayout(int shards, int replicas) {
    public CollectionLayout {
        if (shards < 1 || shards > 1024) {
            throw new UserInputException("--shards must be between 1 and 1024, got " + shards);
        }
        if (replicas < 1 || replicas > 64) {
            throw new UserInputException("--replicas must be between 1 and 64, got " + replicas);
        }
    }

    public static CollectionLayout single() {
        return new CollectionLayout(1, 1);
    }
}
