package io.eddy.runtime.lambda.snapstart;

import io.eddy.core.storage.ObjectKeys;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;

/**
 * SnapStart runtime hooks of the functions that make object keys (ingest: segments; compactor: merged objects).
 * Lambda restores many execution environments from one snapshot of the initialised application; whatever random
 * state the snapshot holds would be the same in each of them. After a restore the object-key generator is
 * reseeded, so two restored instances never draw the same object key (a ULID). Registered at start-up, i.e.
 * during the init phase the snapshot is taken after. A function gets it by depending on this jar (its Jandex
 * index makes the bean visible to CDI).
 *
 * <p>The CRaC global context holds resources weakly: this bean, which the container keeps, is the strong
 * reference. Outside SnapStart/CRaC the registration is a no-op.
 */
@Startup
@Singleton
public class SnapStartHooks implements Resource {
    private static final Logger LOG = Logger.getLogger(SnapStartHooks.class);
    private final ObjectKeys keys;

    SnapStartHooks(ObjectKeys keys) {
        this.keys = keys;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // Nothing to close: the application opens no connection during init (clients connect on first use).
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        keys.reseed();
        LOG.debug("restored from a snapshot: object-key randomness reseeded");
    }
}
