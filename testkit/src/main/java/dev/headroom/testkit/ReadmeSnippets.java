package dev.headroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a README's Java snippets honest: every {@code ```java} block of the README must stand, line
 * for line, in one of the given test sources, which the build compiles (and the test runs). Lines
 * are compared with their common indentation and trailing white space removed, so a snippet may sit
 * indented inside a test method.
 *
 * <pre>{@code
 * @Test
 * void readmeSnippetsCompile() {
 *   ReadmeSnippets.assertAllIn(Path.of("README.md"), Path.of("src/test/java/dev/headroom/x/ReadmeTest.java"));
 * }
 * }</pre>
 */
public final class ReadmeSnippets {

  private ReadmeSnippets() {}

  /**
   * The {@code ```java} blocks of {@code markdown}, each as its lines with the common indentation
   * removed.
   */
  public static List<List<String>> javaBlocks(Path markdown) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> current = null;
    for (String line : read(markdown)) {
      String t = line.strip();
      if (current == null && t.equals("```java")) {
        current = new ArrayList<>();
      } else if (current != null && t.equals("```")) {
        blocks.add(normalize(current));
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    return blocks;
  }

  /**
   * Fails with the first snippet of {@code readme} that stands in none of {@code sources}, naming
   * its first line.
   *
   * @throws AssertionError if a snippet is missing, or the README has no Java snippet
   */
  public static void assertAllIn(Path readme, Path... sources) {
    List<List<String>> blocks = javaBlocks(readme);
    if (blocks.isEmpty()) {
      throw new AssertionError(readme + " has no ```java snippet");
    }
    List<List<String>> texts = new ArrayList<>();
    for (Path source : sources) {
      List<String> lines = new ArrayList<>();
      for (String l : read(source)) {
        lines.add(l.stripTrailing());
      }
      texts.add(lines);
    }
    for (List<String> block : blocks) {
      boolean found = false;
      for (List<String> text : texts) {
        if (contains(text, block)) {
          found = true;
          break;
        }
      }
      if (!found) {
        throw new AssertionError(
            "the snippet of "
                + readme
                + " that starts with '"
                + (block.isEmpty() ? "" : block.get(0))
                + "' stands in none of "
                + List.of(sources)
                + ": copy it there from a compiled test, or the test there into the README");
      }
    }
  }

  private static boolean contains(List<String> text, List<String> block) {
    if (block.isEmpty()) {
      return true;
    }
    for (int i = 0; i + block.size() <= text.size(); i++) {
      String first = text.get(i);
      if (!first.strip().equals(block.get(0).strip())) {
        continue;
      }
      int indent = first.length() - first.stripLeading().length();
      boolean all = true;
      for (int j = 0; j < block.size() && all; j++) {
        String line = text.get(i + j);
        String expected = block.get(j);
        String actual =
            line.isBlank()
                ? ""
                : line.length() >= indent ? line.substring(Math.min(indent, leading(line))) : line;
        all = actual.equals(expected) && (line.isBlank() || leading(line) >= indent);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static List<String> normalize(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, leading(l));
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
    }
    return out;
  }

  private static int leading(String line) {
    return line.length() - line.stripLeading().length();
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }
}
