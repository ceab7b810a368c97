package io.eddy.runtime.auth;

import io.eddy.core.auth.Grant;
import io.eddy.core.auth.Identities;
import io.eddy.core.auth.Identity;
import io.eddy.core.auth.NamePattern;
import io.eddy.core.auth.Permission;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.auth.TokenHash;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.EddyConfig.AuthMode;
import io.eddy.runtime.Problems;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The one place requests are authenticated and their endpoint's permission checked, before the resource method
 * runs and before its body is read: 401 {@code unauthenticated} without valid credentials, 403 {@code forbidden}
 * without the grant. Credentials are never logged and never echoed in a problem. Thread-safe.
 */
@Singleton
public class AccessControl {
    private static final Logger LOG = Logger.getLogger(AccessControl.class);
    private static final String BEARER = "bearer ";

    /** Providers: request filters are created during static init, before runtime configuration exists. */
    private final Provider<EddyConfig> config;

    private final Provider<IamCallers> iam;
    private final Provider<Caller> caller;
    private volatile Settings settings;

    private record Settings(AuthMode mode, Identities identities) {}

    public AccessControl(Provider<EddyConfig> config, Provider<IamCallers> iam, Provider<Caller> caller) {
        this.config = config;
        this.iam = iam;
        this.caller = caller;
    }

    /** Reads the principals at start, so a malformed grant or hash stops the process instead of a request. */
    void onStart(@Observes StartupEvent start) {
        Settings s = settings();
        switch (s.mode()) {
            case OPEN ->
                LOG.warn("Access control is off (eddy.auth.mode=open): every caller that reaches this process "
                        + "may do everything. Set eddy.auth.mode=token (or iam on AWS) and configure eddy.auth.principals "
                        + "to require credentials (README, 'Access control').");
            case TOKEN, IAM ->
                LOG.infof(
                        "Access control: eddy.auth.mode=%s, %d principal(s): %s",
                        s.mode().name().toLowerCase(java.util.Locale.ROOT),
                        s.identities().all().size(),
                        s.identities().all().stream()
                                .map(i -> i.principal().name())
                                .toList());
        }
    }

    /**
     * The principals a connection outside HTTP authenticates against (the Kafka listener's SASL PLAIN: the
     * principal's name and its token): empty when access control is off ({@code eddy.auth.mode=open}).
     */
    public Optional<Identities> identities() {
        Settings s = settings();
        return s.mode() == AuthMode.OPEN ? Optional.empty() : Optional.of(s.identities());
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            EddyConfig.Auth auth = config.get().auth();
            s = new Settings(auth.mode(), identities(auth));
            if (s.mode() == AuthMode.IAM && !iam.get().available()) {
                throw new IllegalStateException(
                        "eddy.auth.mode=iam needs the IAM request context of a Lambda function URL; "
                                + "the server takes eddy.auth.mode=token");
            }
            if (s.mode() == AuthMode.TOKEN
                    && s.identities().all().stream().noneMatch(i -> i.token().isPresent())) {
                LOG.warn("eddy.auth.mode=token but no principal has a token-sha256: every request will be refused");
            }
            settings = s;
        }
        return s;
    }

    private static Identities identities(EddyConfig.Auth auth) {
        List<Identity> out = new ArrayList<>();
        for (Map.Entry<String, EddyConfig.PrincipalConfig> e : new TreeMap<>(auth.principals()).entrySet()) {
            String where = "eddy.auth.principals." + e.getKey();
            EddyConfig.PrincipalConfig p = e.getValue();
            try {
                List<Grant> grants = Grant.parseAll(p.grants().orElse(List.of()));
                Optional<TokenHash> token = p.tokenSha256().map(TokenHash::parse);
                Optional<NamePattern> arn = p.iamArn().map(NamePattern::new);
                out.add(new Identity(new Principal(e.getKey(), grants), token, arn));
            } catch (IllegalArgumentException bad) {
                // the message names the part that is wrong, never the hash's value
                throw new IllegalArgumentException(where + ": " + bad.getMessage(), bad);
            }
        }
        return new Identities(out);
    }

    @ServerRequestFilter
    public Response authorize(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        Settings s = settings();
        Method method = resource.getResourceMethod();
        Requires requires = method == null ? null : method.getAnnotation(Requires.class);
        boolean callerChecks = method != null && method.isAnnotationPresent(CallerChecks.class);
        if (s.mode() == AuthMode.OPEN) {
            caller.get().set(Principal.OPEN);
            return null;
        }
        Principal p;
        if (s.mode() == AuthMode.TOKEN) {
            Optional<Principal> found = bearerToken(request).flatMap(s.identities()::byToken);
            if (found.isEmpty()) {
                return unauthenticated(s.mode(), request);
            }
            p = found.get();
        } else {
            Optional<String> arn = iam.get().callerArn(http);
            if (arn.isEmpty()) {
                return unauthenticated(s.mode(), request);
            }
            // IAM has authenticated the caller: one Eddy does not know holds no grants (403, not 401)
            p = s.identities().byIamArn(arn.get()).orElseGet(() -> new Principal(arn.get(), List.of()));
        }
        if (requires == null && !callerChecks) {
            // fail closed: an endpoint nobody gave a rule to is refused, and the test of the rules catches it
            return problem(new EddyException(ErrorCode.FORBIDDEN, "this endpoint has no access rule"), request);
        }
        if (requires != null) {
            Optional<EddyException> denied = check(p, requires, request);
            if (denied.isPresent()) {
                return problem(denied.get(), request);
            }
        }
        caller.get().set(p);
        return null;
    }

    private static Optional<EddyException> check(Principal p, Requires r, ContainerRequestContext request) {
        if (r.anywhere()) {
            return p.mayAnywhere(r.operation(), r.resource())
                    ? Optional.empty()
                    : Optional.of(new EddyException(
                            ErrorCode.FORBIDDEN,
                            "principal '" + p.name() + "' may not "
                                    + r.operation().wireName() + " on any "
                                    + r.resource().wireName(),
                            Map.of(
                                    "principal",
                                    p.name(),
                                    "operation",
                                    r.operation().wireName(),
                                    "resource_type",
                                    r.resource().wireName())));
        }
        String name = r.resource() == ResourceType.CLUSTER
                ? ResourceType.CLUSTER_NAME
                : request.getUriInfo().getPathParameters().getFirst(r.param());
        if (name == null) {
            return Optional.of(new EddyException(ErrorCode.FORBIDDEN, "this endpoint's access rule names no resource"));
        }
        Permission wanted = new Permission(r.operation(), r.resource(), name);
        return p.allows(wanted) ? Optional.empty() : Optional.of(Caller.forbidden(p, wanted));
    }

    private static Optional<String> bearerToken(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null
                || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }

    private static Response unauthenticated(AuthMode mode, ContainerRequestContext request) {
        String detail = mode == AuthMode.TOKEN
                ? "send a valid token as 'Authorization: Bearer <token>'"
                : "the request carries no IAM principal that Eddy knows";
        Response r = problem(new EddyException(ErrorCode.UNAUTHENTICATED, detail), request);
        return Response.fromResponse(r)
                .header(
                        HttpHeaders.WWW_AUTHENTICATE,
                        mode == AuthMode.TOKEN ? "Bearer realm=\"eddy\"" : "AWS4-HMAC-SHA256")
                .build();
    }

    private static Response problem(EddyException e, ContainerRequestContext request) {
        return Problems.problem(e.code(), e.getMessage(), e.details(), request.getUriInfo());
    }
}
