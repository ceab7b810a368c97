package io.eddy.server.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.eddy.core.error.ErrorCode;
import io.eddy.server.StandinsTestResource;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server serves at {@code /q/openapi} describes the API it really serves: every JAX-RS
 * route, the README's curl examples (run against this server, their bodies and answers checked against the
 * document's schemas), and every problem code.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class OpenApiDocumentIT {
    /** Where the README's examples send their requests; this server stands in for it. */
    private static final String README_SERVER = "http://127.0.0.1:8080";

    @TestHTTPResource("/")
    URL url;

    Http http;
    OpenApiDocument doc;

    @BeforeEach
    void document() {
        // HTTP/1.1, as curl speaks to an http:// URL
        http = new Http(URI.create(url.toString()), java.net.http.HttpClient.Version.HTTP_1_1);
        Http.Reply reply = http.get("/q/openapi?format=json");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).as(reply.raw()).isNotNull();
        doc = new OpenApiDocument(reply.body());
    }

    @Test
    void documentIsOpenApi31WithTitleVersionAndBearerTokens() {
        JsonNode root = doc.root();
        assertThat(root.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(root.at("/info/title").asText()).isEqualTo("Eddy HTTP API");
        assertThat(root.at("/info/version").asText()).isEqualTo("v1");
        assertThat(root.at("/servers/0/url").asText()).isEqualTo("/");
        assertThat(root.at("/components/securitySchemes/bearer/scheme").asText())
                .isEqualTo("bearer");
        assertThat(root.path("security").toString()).isEqualTo("[{\"bearer\":[]},{}]");
    }

    @Test
    void everyRouteTheServerServesIsDocumentedWithItsMethod() throws ClassNotFoundException {
        Set<String> served = servedRoutes();
        assertThat(served).as("JAX-RS routes found").hasSizeGreaterThan(20);
        assertThat(doc.routes()).containsAll(served);
        assertThat(served).as("documented routes the server does not serve").containsAll(doc.routes());
    }

    @Test
    void everyOperationDocumentsItsSuccessAndProblemAnswers() {
        SoftAssertions softly = new SoftAssertions();
        for (String route : doc.routes()) {
            String[] mp = route.split(" ", 2);
            JsonNode responses =
                    doc.route(mp[0], mp[1]).orElseThrow().operation().path("responses");
            List<String> codes = new ArrayList<>();
            responses.fieldNames().forEachRemaining(codes::add);
            softly.assertThat(codes).as(route).anyMatch(c -> c.startsWith("2"));
            softly.assertThat(codes).as(route).contains("401", "403", "500", "503");
            responses.fields().forEachRemaining(r -> {
                JsonNode response = doc.resolve(r.getValue());
                softly.assertThat(response.path("description").asText())
                        .as(route + " " + r.getKey())
                        .isNotBlank();
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    softly.assertThat(response.at("/content/application~1problem+json/schema")
                                    .isMissingNode())
                            .as(route + " " + r.getKey() + " is a problem+json")
                            .isFalse();
                }
            });
        }
        softly.assertAll();
    }

    @Test
    void everyErrorCodeIsInTheProblemSchemaUnderItsStatus() {
        JsonNode schemas = doc.root().at("/components/schemas");
        Set<String> all = texts(schemas.at("/Problem/properties/code/enum"));
        SoftAssertions softly = new SoftAssertions();
        for (ErrorCode code : ErrorCode.values()) {
            softly.assertThat(all).as("Problem.code").contains(code.code());
            JsonNode narrowed = schemas.at("/Problem" + code.status() + "/allOf/1/properties");
            softly.assertThat(texts(narrowed.at("/code/enum")))
                    .as("Problem" + code.status())
                    .contains(code.code());
            softly.assertThat(narrowed.at("/status/const").asInt()).isEqualTo(code.status());
            softly.assertThat(doc.root()
                            .at("/components/responses/Problem" + code.status() + "/description")
                            .asText())
                    .contains(code.code());
        }
        softly.assertThat(all).hasSize(ErrorCode.values().length);
        softly.assertAll();
    }

    @Test
    void readmeCurlExamplesMatchTheDocumentAndTheServersAnswers() {
        List<ReadmeCurls.Curl> curls = ReadmeCurls.in(java.nio.file.Path.of("..", "README.md"));
        assertThat(curls).as("curl examples in the README's ```sh blocks").hasSizeGreaterThanOrEqualTo(5);
        // the examples' topic, renamed so that this run does not depend on what other tests left behind
        String topic = "orders-" + Long.toHexString(System.nanoTime());
        SoftAssertions softly = new SoftAssertions();
        for (ReadmeCurls.Curl curl : curls) {
            String example = curl.line();
            softly.assertThat(curl.url().toString()).as(example).startsWith(README_SERVER);
            String path = curl.url().getRawPath().replace("/v1/topics/orders", "/v1/topics/" + topic);
            var route = doc.route(curl.method(), path);
            softly.assertThat(route)
                    .as(example + ": path and method in the document")
                    .isPresent();
            if (route.isEmpty()) {
                continue;
            }
            JsonNode operation = route.get().operation();
            Set<String> queryParameters = StreamSupport.stream(
                            operation.path("parameters").spliterator(), false)
                    .map(doc::resolve)
                    .filter(p -> p.path("in").asText().equals("query"))
                    .map(p -> p.path("name").asText())
                    .collect(Collectors.toSet());
            String query = curl.url().getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    softly.assertThat(queryParameters).as(example).contains(pair.split("=", 2)[0]);
                }
            }
            if (curl.body() != null) {
                JsonNode schema = operation.at(
                        "/requestBody/content/" + curl.contentType().replace("/", "~1") + "/schema");
                softly.assertThat(schema.isMissingNode())
                        .as(example + ": a request body of " + curl.contentType())
                        .isFalse();
                if (!schema.isMissingNode()) {
                    softly.assertThat(doc.violations(schema, json(curl.body())))
                            .as(example + ": request body")
                            .isEmpty();
                }
            }
            // when
            Http.Reply reply = run(curl, path + (query == null ? "" : "?" + query));
            // then
            JsonNode response = operation.path("responses").get(Integer.toString(reply.status()));
            softly.assertThat(response)
                    .as(example + ": the server answered " + reply.status() + ", documented are "
                            + operation.path("responses").properties().stream()
                                    .map(Map.Entry::getKey)
                                    .toList())
                    .isNotNull();
            if (response == null || reply.raw().isEmpty()) {
                continue;
            }
            String mediaType = reply.contentType().split(";")[0].strip();
            JsonNode schema = doc.resolve(response).at("/content/" + mediaType.replace("/", "~1") + "/schema");
            softly.assertThat(schema.isMissingNode())
                    .as(example + ": a " + reply.status() + " response of " + mediaType)
                    .isFalse();
            if (!schema.isMissingNode()) {
                softly.assertThat(doc.violations(schema, reply.body()))
                        .as(example + ": answer " + reply.raw())
                        .isEmpty();
            }
        }
        softly.assertAll();
    }

    @Test
    void swaggerUiIsNotServedOutsideDevMode() {
        assertThat(http.get("/q/swagger-ui/").status()).isEqualTo(404);
    }

    private Http.Reply run(ReadmeCurls.Curl curl, String pathAndQuery) {
        List<String> headers = new ArrayList<>();
        curl.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                headers.add(name);
                headers.add(value);
            }
        });
        return http.send(
                curl.method(),
                pathAndQuery,
                curl.body() == null ? null : curl.contentType(),
                curl.body() == null ? null : curl.body().getBytes(StandardCharsets.UTF_8),
                headers.toArray(String[]::new));
    }

    private static JsonNode json(String text) {
        try {
            return Http.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Every JAX-RS resource method of Eddy's own classes, as {@code METHOD /path}, found by reflection. */
    private static Set<String> servedRoutes() throws ClassNotFoundException {
        Set<String> routes = new TreeSet<>();
        var classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.eddy");
        for (var javaClass : classes) {
            if (!javaClass.isAnnotatedWith(Path.class)) {
                continue;
            }
            Class<?> resource = Class.forName(javaClass.getName());
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getMethods()) {
                for (Annotation a : m.getAnnotations()) {
                    HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
                    if (http != null) {
                        Path sub = m.getAnnotation(Path.class);
                        routes.add(http.value() + " " + join(base, sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return routes;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
