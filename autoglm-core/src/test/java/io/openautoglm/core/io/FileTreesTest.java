package io.openautoglm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @Test
    void deletesNestedFoldersAndIgnoresAbsentOnes(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("run");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c.txt"), "x");
        Files.writeString(root.resolve("d.txt"), "y");
        Files.writeString(tmp.resolve("sibling.txt"), "z");
        FileTrees.delete(root);
        assertThat(root).doesNotExist();
        assertThat(tmp.resolve("sibling.txt")).exists();
        FileTrees.delete(root); // absent: nothing to do
        FileTrees.delete(tmp.resolve("sibling.txt")); // a plain file too
        assertThat(tmp.resolve("sibling.txt")).doesNotExist();
    }
}
