package io.eddy.runtime.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An endpoint that needs an authenticated caller and checks the rest itself through {@link Caller}: listings
 * that show only what the caller may see, and requests whose body names the topics (a multi-partition fetch).
 * A {@link Requires} beside it is checked first.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CallerChecks {}
