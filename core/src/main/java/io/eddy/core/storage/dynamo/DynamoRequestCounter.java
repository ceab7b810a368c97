package io.eddy.core.storage.dynamo;

import io.eddy.core.storage.SdkRequestCounter;

/**
 * Counts the DynamoDB requests a client sends, by operation ({@code GetItem}, {@code Query},
 * {@code TransactWriteItems}, …). Thread-safe.
 */
public final class DynamoRequestCounter extends SdkRequestCounter {}
