package io.eddy.runtime.auth;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Permission;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import jakarta.enterprise.context.RequestScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The principal of the request being served, set by {@link AccessControl}'s filter; resources ask it about
 * what only the body tells (the topics of a fetch or a commit) before doing anything. Request-scoped.
 */
@RequestScoped
public class Caller {
    private Principal principal;

    void set(Principal principal) {
        this.principal = principal;
    }

    /** The caller; a request the filter did not see (which should not exist) is unauthenticated. */
    public Principal principal() {
        if (principal == null) {
            throw new EddyException(ErrorCode.UNAUTHENTICATED, "no credentials were checked for this request");
        }
        return principal;
    }

    /** Fails with 403 {@code forbidden} naming the first permission the caller lacks. */
    public void require(Permission wanted) {
        Principal p = principal();
        if (!p.allows(wanted)) {
            throw forbidden(p, wanted);
        }
    }

    /** Kafka's Describe: any grant on the resource (produce, consume or admin) lets the caller see it. */
    public void requireDescribe(ResourceType type, String name) {
        Principal p = principal();
        if (!p.mayDescribe(type, name)) {
            throw new EddyException(
                    ErrorCode.FORBIDDEN,
                    "principal '" + p.name() + "' holds no grant on " + type.wireName() + " '" + name + "'",
                    Map.of("principal", p.name(), "resource_type", type.wireName(), "resource", name));
        }
    }

    /** For a subscription by pattern: one grant must allow the operation on every resource of the type. */
    public void requireEverywhere(Operation operation, ResourceType type) {
        Principal p = principal();
        if (!p.mayEverywhere(operation, type)) {
            throw new EddyException(
                    ErrorCode.FORBIDDEN,
                    "principal '" + p.name() + "' may not " + operation.wireName()
                            + " on every " + type.wireName() + " (a pattern subscription needs " + operation.wireName()
                            + ":"
                            + type.wireName() + ":*)",
                    Map.of(
                            "principal",
                            p.name(),
                            "operation",
                            operation.wireName(),
                            "resource_type",
                            type.wireName(),
                            "resource",
                            "*"));
        }
    }

    public void requireAll(Collection<Permission> wanted) {
        wanted.forEach(this::require);
    }

    /** The 403 {@code forbidden} naming the permission {@code p} lacks (for checks made off the request's thread). */
    public static EddyException forbidden(Principal p, Permission wanted) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("principal", p.name());
        details.put("operation", wanted.operation().wireName());
        details.put("resource_type", wanted.type().wireName());
        details.put("resource", wanted.name());
        return new EddyException(ErrorCode.FORBIDDEN, "principal '" + p.name() + "' may not " + wanted, details);
    }
}
