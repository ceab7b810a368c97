package io.eddy.kafka;

import io.eddy.core.auth.Identities;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.group.GroupService;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.core.topic.TopicService;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the Kafka front end needs of core, built by whoever runs it (the server from its CDI beans, the tests by
 * hand): the same services the HTTP functions use, so both faces share one store and one set of rules.
 *
 * @param topics     topics and their configuration
 * @param produce    the write path (group commit in the server)
 * @param producers  idempotent producers' ids and epochs
 * @param validation where produced batches are validated (decompressed): never a Netty event loop
 * @param inflate    the limits on what validation inflates
 * @param fetch      the read path
 * @param groups     consumer groups and committed offsets
 * @param identities the principals SASL PLAIN authenticates against; empty when access control is off
 * @param clusterId  the deployment's cluster id
 * @param clock      the clock of every timeout and timestamp
 */
public record KafkaServices(
        TopicService topics,
        ProduceService produce,
        ProducerRegistry producers,
        Executor validation,
        InflateLimits inflate,
        FetchService fetch,
        GroupService groups,
        Optional<Identities> identities,
        ClusterId clusterId,
        Clock clock) {}
