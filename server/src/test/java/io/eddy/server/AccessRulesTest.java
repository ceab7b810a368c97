package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.runtime.auth.CallerChecks;
import io.eddy.runtime.auth.Requires;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.IndexReader;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of every jar the server includes declares its access rule ({@link Requires} or
 * {@link CallerChecks}): the filter refuses an endpoint without one, so a new endpoint without a rule would be
 * unusable with access control on. Read from the jars' Jandex indexes, so a new resource cannot be forgotten here.
 */
class AccessRulesTest {
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    @Test
    void everyResourceMethodDeclaresItsAccessRule() throws Exception {
        List<Method> endpoints = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/jandex.idx"))) {
            Index index = read(url);
            for (AnnotationInstance path : index.getAnnotations(DotName.createSimple("jakarta.ws.rs.Path"))) {
                if (path.target().kind() != org.jboss.jandex.AnnotationTarget.Kind.CLASS) {
                    continue;
                }
                Class<?> resource = Class.forName(path.target().asClass().name().toString());
                for (Method m : resource.getDeclaredMethods()) {
                    boolean endpoint = java.util.Arrays.stream(m.getAnnotations())
                            .anyMatch(a -> HTTP_METHODS.contains(
                                            a.annotationType().getSimpleName())
                                    && a.annotationType().getPackageName().equals("jakarta.ws.rs"));
                    if (endpoint) {
                        endpoints.add(m);
                    }
                }
            }
        }
        assertThat(endpoints).as("the endpoints found").hasSizeGreaterThanOrEqualTo(24);
        assertThat(endpoints)
                .allSatisfy(m -> assertThat(
                                m.isAnnotationPresent(Requires.class) || m.isAnnotationPresent(CallerChecks.class))
                        .as(m.getDeclaringClass().getSimpleName() + "." + m.getName())
                        .isTrue());
    }

    private static Index read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new IndexReader(in).read();
        }
    }
}
