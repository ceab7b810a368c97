package io.eddy.compactor.lambda;

import io.eddy.testkit.EddyStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the function under test at the stand-ins the testkit starts once per test run (or at the endpoint named
 * by {@code -Deddy.test.endpoint}), with a table and bucket of its own, and gives each invocation a time limit. The
 * function never creates resources on AWS; here the test turns the bootstrap on in their place.
 */
public class StandinsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String name = EddyStack.uniqueName("compactor-lambda");
        EddyStack stack = EddyStack.create(name, name);
        Map<String, String> config = new HashMap<>(stack.eddyConfig());
        // the mock event server's context reports no real remaining time: give each invocation the stack's 15 minutes
        config.put("eddy.compactor.lambda.invocation-time", "15m");
        return config;
    }

    @Override
    public void stop() {
        // The shared stand-ins stop with the test JVM.
    }
}
