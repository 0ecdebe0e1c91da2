package dev.chplane.provision;

/**
 * One replica of a service as its provisioner placed it: its index (0 for the first), where it
 * answers, what it is doing, and why when it failed (null otherwise).
 */
public record ReplicaStatus(int index, ReplicaAddress address, ReplicaPhase phase, String reason) {}
