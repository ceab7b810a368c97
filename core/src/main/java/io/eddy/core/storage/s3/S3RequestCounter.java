package io.eddy.core.storage.s3;

import io.eddy.core.storage.SdkRequestCounter;

/** Counts the S3 requests a client sends, by operation ({@code PutObject}, {@code GetObject}, …). Thread-safe. */
public final class S3RequestCounter extends SdkRequestCounter {}
