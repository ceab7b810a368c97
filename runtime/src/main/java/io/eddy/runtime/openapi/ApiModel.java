package io.eddy.runtime.openapi;

import io.eddy.core.error.ErrorCode;
import io.eddy.runtime.Problems;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The parts of the OpenAPI document that follow from Eddy's code rather than from annotations
 * ({@code mp.openapi.filter}, applied once when the document is built):
 * <ul>
 *   <li>the problem codes: {@code Problem.code} enumerates every {@link ErrorCode}, and per HTTP status a
 *       {@code Problem<status>} schema and response narrow it to the codes that answer with that status;
 *   <li>the problems any operation may answer, added to each: {@code 401}/{@code 403} (access control),
 *       {@code 406}, {@code 500}, {@code 503} (storage); {@code 400} for operations with parameters or a body,
 *       {@code 413}/{@code 415} for those with a body. What only some operations answer ({@code 404},
 *       {@code 409}, {@code 416}…) their annotations name;
 *   <li>the bearer token as an optional security requirement (a server without access control needs none).
 * </ul>
 * Stateless and thread-safe.
 */
public class ApiModel implements OASFilter {
    /** The security scheme the static document (META-INF/openapi.yaml) declares. */
    static final String BEARER = "bearer";

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        Components components = openApi.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openApi.setComponents(components);
        }
        problems(components);
        if (openApi.getPaths() != null) {
            for (PathItem path : openApi.getPaths().getPathItems().values()) {
                path.getOperations().values().forEach(ApiModel::commonProblems);
            }
        }
        openApi.setSecurity(List.of(
                OASFactory.createSecurityRequirement().addScheme(BEARER), OASFactory.createSecurityRequirement()));
    }

    /** The name of the schema and response of the problems answered with {@code status}. */
    public static String problemName(int status) {
        return "Problem" + status;
    }

    private static void problems(Components components) {
        Schema problem =
                components.getSchemas() == null ? null : components.getSchemas().get("Problem");
        if (problem == null) {
            throw new IllegalStateException("META-INF/openapi.yaml declares no Problem schema");
        }
        Schema code = problem.getProperties().get("code");
        Arrays.stream(ErrorCode.values()).forEach(c -> code.addEnumeration(c.code()));
        Map<Integer, List<ErrorCode>> byStatus = Arrays.stream(ErrorCode.values())
                .collect(Collectors.groupingBy(ErrorCode::status, TreeMap::new, Collectors.toList()));
        byStatus.forEach((status, codes) -> {
            String name = problemName(status);
            Schema narrowed = OASFactory.createSchema()
                    .addType(Schema.SchemaType.OBJECT)
                    .addProperty("status", OASFactory.createSchema().constValue(status))
                    .addProperty(
                            "code",
                            OASFactory.createSchema()
                                    .enumeration(codes.stream()
                                            .map(c -> (Object) c.code())
                                            .toList()));
            components.addSchema(
                    name,
                    OASFactory.createSchema()
                            .addAllOf(OASFactory.createSchema().ref("Problem"))
                            .addAllOf(narrowed));
            components.addResponse(
                    name,
                    OASFactory.createAPIResponse()
                            .description(codes.stream()
                                    .map(c -> c.code() + (c.retryable() ? " (retryable)" : ""))
                                    .collect(Collectors.joining(", ")))
                            .content(OASFactory.createContent()
                                    .addMediaType(
                                            Problems.PROBLEM_JSON,
                                            OASFactory.createMediaType()
                                                    .schema(OASFactory.createSchema()
                                                            .ref(name)))));
        });
    }

    private static void commonProblems(Operation op) {
        APIResponses responses = op.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            op.setResponses(responses);
        }
        boolean body = op.getRequestBody() != null;
        boolean input =
                body || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (input) {
            problem(responses, 400);
        }
        problem(responses, 401);
        problem(responses, 403);
        problem(responses, 406);
        if (body) {
            problem(responses, 413);
            problem(responses, 415);
        }
        problem(responses, 500);
        problem(responses, 503);
    }

    private static void problem(APIResponses responses, int status) {
        String code = Integer.toString(status);
        APIResponse declared = responses.getAPIResponse(code);
        // a bare response (a description, no content) is replaced by the problems it stands for
        if (declared == null || (declared.getRef() == null && declared.getContent() == null)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().ref(problemName(status)));
        }
    }
}
