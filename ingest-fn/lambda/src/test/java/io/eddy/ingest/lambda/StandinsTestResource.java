package io.eddy.ingest.lambda;

import io.eddy.testkit.EddyStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the function under test at the stand-ins the testkit starts once per test run (or at the endpoint named
 * by {@code -Deddy.test.endpoint}), with a table and bucket of its own. The function never creates resources on
 * AWS; here the test turns the bootstrap on in their place.
 */
public class StandinsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String name = EddyStack.uniqueName("ingest-lambda");
        EddyStack stack = EddyStack.create(name, name);
        return stack.eddyConfig();
    }

    @Override
    public void stop() {
        // The shared stand-ins stop with the test JVM.
    }
}
