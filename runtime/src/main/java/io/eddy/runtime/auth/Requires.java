package io.eddy.runtime.auth;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission an endpoint needs, checked by {@link AccessControl} before the method runs (and before its
 * body is read). Every resource method carries this or {@link CallerChecks}; one with neither is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
    Operation operation();

    ResourceType resource();

    /** The path parameter naming the resource; empty for the cluster, or with {@link #anywhere()}. */
    String param() default "";

    /** Enough that some grant allows the operation on some resource of the type (e.g. produce to any topic). */
    boolean anywhere() default false;
}
