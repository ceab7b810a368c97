package io.eddy.runtime.metrics;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method as a request of one {@link RequestKind}: {@link MeteredRequests} counts it by outcome and
 * times it, from before access control to the response.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Metered {
    RequestKind value();
}
