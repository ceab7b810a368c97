package io.eddy.server.openapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code curl} commands of a Markdown file's {@code ```sh} blocks, read as a POSIX shell would split them
 * (quotes, backslash-newline continuations, {@code #} comments), in the order they appear.
 */
final class ReadmeCurls {
    /** One curl command: its method, URL, headers and body (null when it sends none). */
    record Curl(String method, URI url, Map<String, String> headers, String body, String line) {
        String contentType() {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(body == null ? null : "application/x-www-form-urlencoded");
        }
    }

    private ReadmeCurls() {}

    static List<Curl> in(Path markdown) {
        String text;
        try {
            text = Files.readString(markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Curl> curls = new ArrayList<>();
        boolean inSh = false;
        StringBuilder block = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!inSh && line.strip().equals("```sh")) {
                inSh = true;
                block.setLength(0);
            } else if (inSh && line.strip().equals("```")) {
                inSh = false;
                for (List<String> words : commands(block.toString())) {
                    if (!words.isEmpty() && words.get(0).equals("curl")) {
                        curls.add(curl(words));
                    }
                }
            } else if (inSh) {
                block.append(line).append('\n');
            }
        }
        return curls;
    }

    /** The block's commands, each split into words: quotes removed, continuations joined, comments dropped. */
    static List<List<String>> commands(String script) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\' && i + 1 < script.length()) {
                char next = script.charAt(++i);
                if (next != '\n') {
                    word = word == null ? new StringBuilder() : word;
                    word.append(next);
                }
            } else if (c == '\'' || c == '"') {
                int end = script.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated " + c + " in: " + script.substring(i));
                }
                word = word == null ? new StringBuilder() : word;
                word.append(script, i + 1, end);
                i = end;
            } else if (c == '#' && word == null) {
                while (i + 1 < script.length() && script.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (Character.isWhitespace(c) || c == ';' || c == '|') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                if (c != ' ' && c != '\t') {
                    commands.add(words);
                    words = new ArrayList<>();
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        commands.add(words);
        commands.removeIf(List::isEmpty);
        return commands;
    }

    private static Curl curl(List<String> words) {
        String method = null;
        URI url = null;
        String body = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "-s", "--silent", "-S", "--show-error", "-f", "--fail" -> {}
                case "-w", "--write-out", "-o", "--output" -> i++;
                case "-X", "--request" -> method = words.get(++i);
                case "-H", "--header" -> {
                    String[] h = words.get(++i).split(":", 2);
                    headers.put(h[0].strip(), h[1].strip());
                }
                case "-d", "--data", "--data-raw", "--data-binary" -> body = words.get(++i);
                default -> {
                    if (w.startsWith("-")) {
                        throw new IllegalArgumentException("a curl option this test does not know: " + w + " (in: curl "
                                + String.join(" ", words.subList(1, words.size())) + ")");
                    }
                    url = URI.create(w);
                }
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("a curl command without a URL: " + words);
        }
        return new Curl(
                method != null ? method : body != null ? "POST" : "GET", url, headers, body, String.join(" ", words));
    }
}
