/**
 * Real Redis servers for tests: standalone, primary + replica + Sentinels, and Cluster.
 * Testcontainers is used for standalone servers when Docker is available; otherwise, and
 * for Sentinel and Cluster, local {@code redis-server} processes are started on free
 * loopback ports.
 */
@NullMarked
package dev.redisboot.test;

import org.jspecify.annotations.NullMarked;
