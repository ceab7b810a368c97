package io.eddy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesises an {@link EddyStack} from context, with placeholder zips and a placeholder server image (the real
 * Dockerfile), and reads the template as JSON. No Docker: synthesis only stages the image's directory.
 */
final class Synth {
    private static final ObjectMapper JSON = new ObjectMapper();

    final EddyStack stack;
    final Template template;
    final JsonNode json;

    private Synth(EddyStack stack, Template template) {
        this.stack = stack;
        this.template = template;
        this.json = JSON.valueToTree(template.toJSON());
    }

    /** Placeholder zips for the assets named {@code <key>Asset}, so no Lambda has to be built for a synth. */
    static Synth of(Path dir, Map<String, Object> context, String... assets) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> ctx = new HashMap<>(context);
        for (String asset : assets) {
            ctx.put(asset + "Asset", placeholderZip(dir.resolve(asset + ".zip")).toString());
        }
        ctx.putIfAbsent("kafkaAsset", serverImage(dir.resolve("kafka-image")).toString());
        App app = App.Builder.create()
                .outdir(dir.resolve("cdk.out").toString())
                .context(ctx)
                .build();
        EddySettings settings = EddySettings.fromContext(app.getNode());
        EddyStack stack = new EddyStack(
                app, "Eddy-" + settings.stage(), StackProps.builder().build(), settings);
        return new Synth(stack, Template.fromStack(stack));
    }

    /** The server's real Dockerfile, from {@code server/}, in a directory that stands for its built application. */
    static Path serverImage(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.copy(
                    Path.of("..", "server", "src", "main", "docker", "Dockerfile"),
                    dir.resolve("Dockerfile"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("quarkus-run.jar"), "not a jar: " + dir.getFileName());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path placeholderZip(Path zip) {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("placeholder.txt"));
            out.write(("not a function: " + zip.getFileName()).getBytes()); // distinct zips, distinct assets
            out.closeEntry();
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resources of a type, by logical id. */
    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> out = new HashMap<>();
        json.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** The logical id of the role whose description names the function. */
    String roleOf(String function) {
        return resources("AWS::IAM::Role").entrySet().stream()
                .filter(e -> e.getValue()
                        .path("Properties")
                        .path("Description")
                        .asText()
                        .contains(" " + function + " function"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no role for " + function));
    }

    /** Every statement the role holds: inline policies and any policy resource attached to it. */
    List<JsonNode> statementsOf(String roleId) {
        List<JsonNode> out = new ArrayList<>();
        json.get("Resources")
                .get(roleId)
                .path("Properties")
                .path("Policies")
                .forEach(p -> p.path("PolicyDocument").path("Statement").forEach(out::add));
        resources("AWS::IAM::Policy").values().forEach(p -> {
            boolean attached = false;
            for (JsonNode r : p.path("Properties").path("Roles")) {
                attached |= r.path("Ref").asText().equals(roleId);
            }
            if (attached) {
                p.path("Properties").path("PolicyDocument").path("Statement").forEach(out::add);
            }
        });
        return out;
    }

    static List<String> actions(JsonNode statement) {
        List<String> out = new ArrayList<>();
        JsonNode a = statement.get("Action");
        if (a.isArray()) {
            a.forEach(x -> out.add(x.asText()));
        } else {
            out.add(a.asText());
        }
        return out;
    }
}
