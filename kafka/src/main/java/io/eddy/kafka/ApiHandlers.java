package io.eddy.kafka;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this front end implements, one handler each, and ApiVersions built from them: what is advertised is
 * what has a handler, with one exception, {@link #LIBRDKAFKA_PROBES}. Immutable and thread-safe.
 */
public final class ApiHandlers {
    /**
     * Oldest versions advertised below what is answered, for librdkafka before 2.8 (Debian's and Ubuntu's
     * {@code kcat} 1.7.1 is on 2.0.2): its feature detection asks whether the broker's range holds one exact old
     * version (MsgVer1: Produce v2 and Fetch v2) and, when it does not, fails every Fetch, although it would then use the newest versions both sides
     * know (confluentinc/librdkafka#4948, fixed in 2.8.0). A Kafka 4 broker has the same problem with those
     * clients. Only clients whose newest version is below Kafka 2.1's baseline would pick one of these versions,
     * and they are answered as a frame that cannot be read (the connection closes): they are not supported
     * anyway. Measured: kcat 1.7.1 consumes from Eddy with these, and fails every Fetch without them.
     */
    static final Map<ApiKeys, Short> LIBRDKAFKA_PROBES = Map.of(ApiKeys.PRODUCE, (short) 2, ApiKeys.FETCH, (short) 2);

    private final Map<ApiKeys, ApiHandler> handlers;

    /** ApiVersions over {@code others}, which must not include an ApiVersions handler of their own. */
    public ApiHandlers(List<ApiHandler> others) {
        EnumMap<ApiKeys, ApiHandler> map = new EnumMap<>(ApiKeys.class);
        for (ApiHandler handler : others) {
            if (handler.apiKey() == ApiKeys.API_VERSIONS || map.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("a second handler of " + handler.apiKey());
            }
            checkRange(handler);
        }
        map.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(this));
        this.handlers = Collections.unmodifiableMap(map);
    }

    /**
     * These handlers, each but ApiVersions' passed through {@code decorate} (for metering), which must keep its API
     * and versions; ApiVersions is made anew over the result.
     */
    public ApiHandlers decorated(UnaryOperator<ApiHandler> decorate) {
        return new ApiHandlers(handlers.values().stream()
                .filter(h -> h.apiKey() != ApiKeys.API_VERSIONS)
                .map(decorate)
                .toList());
    }

    public Optional<ApiHandler> handler(ApiKeys apiKey) {
        return Optional.ofNullable(handlers.get(apiKey));
    }

    /**
     * What ApiVersions advertises: each handled API with its handler's version range, in API key order, the oldest
     * lowered to {@link #LIBRDKAFKA_PROBES}' where that is older.
     */
    public ApiVersionCollection advertised() {
        ApiVersionCollection versions = new ApiVersionCollection();
        handlers.values()
                .forEach(h -> versions.add(new ApiVersion()
                        .setApiKey(h.apiKey().id)
                        .setMinVersion((short) Math.min(
                                h.oldestVersion(), LIBRDKAFKA_PROBES.getOrDefault(h.apiKey(), h.oldestVersion())))
                        .setMaxVersion(h.latestVersion())));
        return versions;
    }

    private static void checkRange(ApiHandler handler) {
        ApiKeys key = handler.apiKey();
        if (handler.oldestVersion() > handler.latestVersion()
                || !key.isVersionSupported(handler.oldestVersion())
                || !key.isVersionSupported(handler.latestVersion())) {
            throw new IllegalArgumentException(key + " handler's versions " + handler.oldestVersion() + ".."
                    + handler.latestVersion() + " are not all versions kafka-clients can read");
        }
    }
}
