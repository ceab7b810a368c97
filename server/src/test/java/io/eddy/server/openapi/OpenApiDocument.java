package io.eddy.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.1 document as a test reads it: its routes, the operation a concrete request path reaches, and JSON
 * Schema (2020-12, OpenAPI 3.1's dialect) validation of bodies against the schemas it names.
 */
final class OpenApiDocument {
    private static final String ID = "https://eddy.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** An operation of the document: its method (upper case), path template and node. */
    record Route(String method, String template, JsonNode operation) {}

    private final JsonNode root;
    private final JsonSchemaFactory schemas;

    OpenApiDocument(JsonNode root) {
        this.root = root;
        String text = root.toString();
        this.schemas = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012, b -> b.schemaLoaders(l -> l.schemas(Map.of(ID, text))));
    }

    JsonNode root() {
        return root;
    }

    /** Every operation as {@code METHOD /path/{template}}. */
    Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        root.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
                    if (METHODS.contains(m)) {
                        routes.add(m.toUpperCase() + " " + path.getKey());
                    }
                }));
        return routes;
    }

    /** The operation {@code method} on the concrete {@code path} reaches: a literal path before a template. */
    Optional<Route> route(String method, String path) {
        List<String> templates = new ArrayList<>();
        root.path("paths").fieldNames().forEachRemaining(templates::add);
        return templates.stream()
                .filter(t -> Pattern.matches(Pattern.quote(t).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"), path))
                .min(Comparator.comparingLong(
                        t -> t.chars().filter(c -> c == '{').count()))
                .flatMap(t -> Optional.ofNullable(root.path("paths").path(t).get(method.toLowerCase()))
                        .map(op -> new Route(method.toUpperCase(), t, op)));
    }

    /** The node itself, or what its {@code $ref} (local to this document) points at, followed to the end. */
    JsonNode resolve(JsonNode node) {
        while (node != null && node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("not a local reference: " + ref);
            }
            node = root.at(ref.substring(1));
            if (node.isMissingNode()) {
                throw new IllegalArgumentException("a reference to nothing: " + ref);
            }
        }
        return node;
    }

    /** What is wrong with {@code instance} by {@code schema} (a schema node of this document): empty when valid. */
    List<String> violations(JsonNode schema, JsonNode instance) {
        JsonNode absolute = absolute(schema.deepCopy());
        Set<ValidationMessage> messages = schemas.getSchema(absolute).validate(instance);
        return messages.stream().map(ValidationMessage::toString).sorted().toList();
    }

    /** The schema with each of its document-local references made absolute, so it resolves outside the document. */
    private static JsonNode absolute(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.asText().startsWith("#")) {
                o.set("$ref", TextNode.valueOf(ID + ref.asText()));
            }
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                absolute(it.next());
            }
        } else if (node != null && node.isArray()) {
            node.forEach(OpenApiDocument::absolute);
        }
        return node;
    }
}
